CREATE TYPE "public"."claim_activity_kind" AS ENUM('wrong_code', 'locked', 'new_link_requested', 'other_way_requested');--> statement-breakpoint
CREATE TABLE "claim_activity" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"payout_id" text NOT NULL,
	"claim_link_id" text NOT NULL,
	"kind" "claim_activity_kind" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "claim_activity" ADD CONSTRAINT "claim_activity_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_activity" ADD CONSTRAINT "claim_activity_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_activity" ADD CONSTRAINT "claim_activity_claim_link_id_claim_links_id_fk" FOREIGN KEY ("claim_link_id") REFERENCES "public"."claim_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_activity_payout_id_created_at_index" ON "claim_activity" USING btree ("payout_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_activity_once_per_link" ON "claim_activity" USING btree ("claim_link_id","kind") WHERE "claim_activity"."kind" <> 'wrong_code';