CREATE TYPE "public"."kyb_status" AS ENUM('unverified', 'submitted', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."compliance_review_status" AS ENUM('open', 'approved', 'rejected', 'closed');--> statement-breakpoint
CREATE TABLE "compliance_reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"payout_id" text NOT NULL,
	"recipient_id" text NOT NULL,
	"stage" text NOT NULL,
	"reason_codes" jsonb NOT NULL,
	"findings" jsonb NOT NULL,
	"finding_keys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "compliance_review_status" DEFAULT 'open' NOT NULL,
	"decided_by" text,
	"note" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compliance_settings" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"review_threshold" integer DEFAULT 80 NOT NULL,
	"block_threshold" integer DEFAULT 97 NOT NULL,
	"recipient_daily_count" integer,
	"recipient_monthly_count" integer,
	"recipient_daily_amount" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"recipient_monthly_amount" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"organisation_daily_amount" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "destination_fingerprints" (
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"kind" text NOT NULL,
	"fingerprint" text NOT NULL,
	"recipient_id" text NOT NULL,
	"payout_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "destination_fingerprints_organisation_id_mode_kind_fingerprint_recipient_id_pk" PRIMARY KEY("organisation_id","mode","kind","fingerprint","recipient_id")
);
--> statement-breakpoint
CREATE TABLE "organisation_kyb" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"status" "kyb_status" DEFAULT 'unverified' NOT NULL,
	"test_only" boolean DEFAULT false NOT NULL,
	"legal_name" text,
	"registration_number" text,
	"registration_country" text,
	"address" text,
	"website" text,
	"owners" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"screening" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"submitted_by" text,
	"submitted_at" timestamp with time zone,
	"decided_by" text,
	"decision_note" text,
	"decided_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sanctions_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"version_id" text NOT NULL,
	"uid" text NOT NULL,
	"name" text NOT NULL,
	"type" text,
	"programs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"countries" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"aliases" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sanctions_list_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"list_name" text NOT NULL,
	"format" text NOT NULL,
	"source" text NOT NULL,
	"loaded_by" text NOT NULL,
	"entry_count" integer NOT NULL,
	"alias_count" integer NOT NULL,
	"content_hash" text NOT NULL,
	"fixture" boolean DEFAULT false NOT NULL,
	"rescreened_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "compliance_reviews" ADD CONSTRAINT "compliance_reviews_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_reviews" ADD CONSTRAINT "compliance_reviews_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_reviews" ADD CONSTRAINT "compliance_reviews_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_settings" ADD CONSTRAINT "compliance_settings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destination_fingerprints" ADD CONSTRAINT "destination_fingerprints_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destination_fingerprints" ADD CONSTRAINT "destination_fingerprints_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destination_fingerprints" ADD CONSTRAINT "destination_fingerprints_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_kyb" ADD CONSTRAINT "organisation_kyb_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sanctions_entries" ADD CONSTRAINT "sanctions_entries_version_id_sanctions_list_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."sanctions_list_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compliance_reviews_organisation_id_mode_status_index" ON "compliance_reviews" USING btree ("organisation_id","mode","status");--> statement-breakpoint
CREATE INDEX "compliance_reviews_payout_id_index" ON "compliance_reviews" USING btree ("payout_id");--> statement-breakpoint
CREATE INDEX "compliance_reviews_recipient_id_index" ON "compliance_reviews" USING btree ("recipient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_reviews_open_payout_idx" ON "compliance_reviews" USING btree ("payout_id") WHERE "compliance_reviews"."status" = 'open';--> statement-breakpoint
CREATE INDEX "sanctions_entries_version_id_index" ON "sanctions_entries" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "sanctions_list_versions_list_name_created_at_index" ON "sanctions_list_versions" USING btree ("list_name","created_at");