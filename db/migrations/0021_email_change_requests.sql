CREATE TYPE "public"."email_change_status" AS ENUM('pending', 'approved', 'rejected', 'withdrawn');--> statement-breakpoint
CREATE TABLE "email_change_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"recipient_id" text NOT NULL,
	"payout_id" text NOT NULL,
	"from_email" text NOT NULL,
	"to_email" text NOT NULL,
	"status" "email_change_status" DEFAULT 'pending' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_by_label" text,
	"decided_by" text,
	"decided_by_label" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_change_second_member" CHECK ("email_change_requests"."status" <> 'approved' or ("email_change_requests"."decided_by" is not null and "email_change_requests"."decided_by" <> "email_change_requests"."requested_by"))
);
--> statement-breakpoint
ALTER TABLE "email_change_requests" ADD CONSTRAINT "email_change_requests_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_change_requests" ADD CONSTRAINT "email_change_requests_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_change_requests" ADD CONSTRAINT "email_change_requests_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "email_change_requests_recipient_id_index" ON "email_change_requests" USING btree ("recipient_id") WHERE "email_change_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "email_change_requests_organisation_id_mode_payout_id_index" ON "email_change_requests" USING btree ("organisation_id","mode","payout_id");