CREATE TYPE "public"."report_status" AS ENUM('pending', 'running', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "public"."tax_form_kind" AS ENUM('w9', 'w8ben');--> statement-breakpoint
ALTER TYPE "public"."payout_status" ADD VALUE 'awaiting_tax_info';--> statement-breakpoint
CREATE TABLE "report_chunks" (
	"report_id" text NOT NULL,
	"file" text NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "report_chunks_report_id_file_seq_pk" PRIMARY KEY("report_id","file","seq")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"type" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"status" "report_status" DEFAULT 'pending' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"row_count" bigint,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" jsonb,
	"failure_reason" text,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "reports_progress_range" CHECK ("reports"."progress" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "organisation_tax_settings" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"legal_name" text,
	"tin_sealed" text,
	"tin_last4" text,
	"address" jsonb,
	"phone" text,
	"collect_percent" integer DEFAULT 100 NOT NULL,
	"thresholds" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"api_tax_reports" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisation_tax_settings_collect_percent" CHECK ("organisation_tax_settings"."collect_percent" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "tax_forms" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"recipient_id" text NOT NULL,
	"kind" "tax_form_kind" NOT NULL,
	"form_version" text NOT NULL,
	"name" text NOT NULL,
	"business_name" text,
	"entity_type" text,
	"tin_type" text,
	"tin_sealed" text,
	"tin_last4" text,
	"no_tin_reason" text,
	"citizenship" text,
	"date_of_birth" text,
	"address" jsonb NOT NULL,
	"treaty" jsonb,
	"signature_name" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"signed_ip" text,
	"superseded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_forms_tin_or_reason" CHECK ("tax_forms"."tin_sealed" is not null or "tax_forms"."no_tin_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "tax_rules" (
	"jurisdiction" text NOT NULL,
	"tax_year" integer NOT NULL,
	"report_form" text NOT NULL,
	"countries" jsonb NOT NULL,
	"collect_form" text NOT NULL,
	"currency" text NOT NULL,
	"amount_threshold" bigint NOT NULL,
	"count_threshold" integer,
	"excluded_methods" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"exclusion_note" text,
	"exempt_entity_types" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "tax_rules_jurisdiction_tax_year_report_form_pk" PRIMARY KEY("jurisdiction","tax_year","report_form"),
	CONSTRAINT "tax_rules_threshold_positive" CHECK ("tax_rules"."amount_threshold" > 0)
);
--> statement-breakpoint
ALTER TABLE "report_chunks" ADD CONSTRAINT "report_chunks_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_tax_settings" ADD CONSTRAINT "organisation_tax_settings_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_forms" ADD CONSTRAINT "tax_forms_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_forms" ADD CONSTRAINT "tax_forms_recipient_id_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."recipients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_organisation_id_mode_id_index" ON "reports" USING btree ("organisation_id","mode","id");--> statement-breakpoint
CREATE UNIQUE INDEX "tax_forms_current_idx" ON "tax_forms" USING btree ("recipient_id") WHERE "tax_forms"."superseded_at" is null;--> statement-breakpoint
CREATE INDEX "tax_forms_organisation_id_mode_id_index" ON "tax_forms" USING btree ("organisation_id","mode","id");--> statement-breakpoint
-- Encrypted chunks do not compress: store them out of line without trying.
ALTER TABLE "report_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;--> statement-breakpoint
-- The rules as the authorities publish them. A new tax year's figure is a new row.
INSERT INTO "tax_rules" ("jurisdiction", "tax_year", "report_form", "countries", "collect_form", "currency", "amount_threshold", "count_threshold", "excluded_methods", "exclusion_note", "exempt_entity_types", "source") VALUES
('US', 2024, '1099-NEC', '["US"]', 'w9', 'USD', 60000, NULL, '["paypal","venmo"]', 'Paid through a third-party settlement organisation (PayPal, Venmo), which reports it on Form 1099-K', '["c_corporation","s_corporation","llc_c","llc_s"]', 'IRS Instructions for Forms 1099-MISC and 1099-NEC: $600 or more in the calendar year'),
('US', 2025, '1099-NEC', '["US"]', 'w9', 'USD', 60000, NULL, '["paypal","venmo"]', 'Paid through a third-party settlement organisation (PayPal, Venmo), which reports it on Form 1099-K', '["c_corporation","s_corporation","llc_c","llc_s"]', 'IRS Instructions for Forms 1099-MISC and 1099-NEC: $600 or more for payments made in 2025'),
('US', 2026, '1099-NEC', '["US"]', 'w9', 'USD', 200000, NULL, '["paypal","venmo"]', 'Paid through a third-party settlement organisation (PayPal, Venmo), which reports it on Form 1099-K', '["c_corporation","s_corporation","llc_c","llc_s"]', 'P.L. 119-21 (2025): $2,000 for payments made after 31 December 2025, indexed for inflation from 2027'),
('EU', 2024, 'DAC7', '["AT","BE","BG","HR","CY","CZ","DK","EE","FI","FR","DE","GR","HU","IE","IT","LV","LT","LU","MT","NL","PL","PT","RO","SK","SI","ES","SE"]', 'w8ben', 'EUR', 200000, 30, '[]', NULL, '[]', 'Council Directive (EU) 2021/514 (DAC7): sellers with 30 or more relevant activities or EUR 2,000 or more of consideration'),
('EU', 2025, 'DAC7', '["AT","BE","BG","HR","CY","CZ","DK","EE","FI","FR","DE","GR","HU","IE","IT","LV","LT","LU","MT","NL","PL","PT","RO","SK","SI","ES","SE"]', 'w8ben', 'EUR', 200000, 30, '[]', NULL, '[]', 'Council Directive (EU) 2021/514 (DAC7): sellers with 30 or more relevant activities or EUR 2,000 or more of consideration'),
('EU', 2026, 'DAC7', '["AT","BE","BG","HR","CY","CZ","DK","EE","FI","FR","DE","GR","HU","IE","IT","LV","LT","LU","MT","NL","PL","PT","RO","SK","SI","ES","SE"]', 'w8ben', 'EUR', 200000, 30, '[]', NULL, '[]', 'Council Directive (EU) 2021/514 (DAC7): sellers with 30 or more relevant activities or EUR 2,000 or more of consideration');
