CREATE TYPE "public"."payout_notify" AS ENUM('email', 'none');--> statement-breakpoint
CREATE TABLE "test_clocks" (
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"offset_seconds" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "test_clocks_organisation_id_mode_pk" PRIMARY KEY("organisation_id","mode"),
	CONSTRAINT "test_clocks_test_mode_only" CHECK ("test_clocks"."mode" = 'test'),
	CONSTRAINT "test_clocks_offset_forward" CHECK ("test_clocks"."offset_seconds" >= 0)
);
--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "reference" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "notify" "payout_notify" DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "claim_window_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "reissues" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "test_clocks" ADD CONSTRAINT "test_clocks_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_reference_idx" ON "payouts" USING btree ("organisation_id","mode","reference") WHERE "payouts"."reference" is not null;--> statement-breakpoint
-- Existing payouts keep the window they were created with: their campaign's, or what
-- their deadline says (rounded to whole days).
UPDATE "payouts" SET "claim_window_days" = coalesce(
	(SELECT "link_expiry_days" FROM "batches" WHERE "batches"."id" = "payouts"."batch_id"),
	greatest(1, least(365, round(extract(epoch from "payouts"."expires_at" - "payouts"."created_at") / 86400)))::integer
);
