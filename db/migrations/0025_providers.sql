CREATE TYPE "public"."fee_bearer" AS ENUM('platform', 'recipient');--> statement-breakpoint
CREATE TYPE "public"."provider_attempt_status" AS ENUM('submitting', 'accepted', 'paid', 'declined', 'returned', 'closed');--> statement-breakpoint
CREATE TYPE "public"."provider_id" AS ENUM('stripe', 'paypal', 'tremendous');--> statement-breakpoint
CREATE TYPE "public"."reconciliation_exception_kind" AS ENUM('missing_at_provider', 'missing_in_ledger', 'amount_mismatch', 'status_mismatch', 'duplicate_at_provider');--> statement-breakpoint
CREATE TABLE "provider_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"payout_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"position" integer NOT NULL,
	"provider" "provider_id" NOT NULL,
	"submission_id" text NOT NULL,
	"status" "provider_attempt_status" NOT NULL,
	"provider_reference" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"failure_code" text,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_credentials" (
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"provider" "provider_id" NOT NULL,
	"sealed" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hint" text NOT NULL,
	"validated_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_credentials_organisation_id_mode_provider_pk" PRIMARY KEY("organisation_id","mode","provider")
);
--> statement-breakpoint
CREATE TABLE "provider_events" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"provider" "provider_id" NOT NULL,
	"provider_event_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"effect" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"outcome" text
);
--> statement-breakpoint
CREATE TABLE "provider_routes" (
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"method" text NOT NULL,
	"providers" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_routes_organisation_id_mode_method_pk" PRIMARY KEY("organisation_id","mode","method")
);
--> statement-breakpoint
CREATE TABLE "reconciliation_exceptions" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"provider" "provider_id" NOT NULL,
	"kind" "reconciliation_exception_kind" NOT NULL,
	"period" text NOT NULL,
	"payout_id" text,
	"provider_reference" text,
	"currency" text,
	"ledger_amount" bigint,
	"provider_amount" bigint,
	"details" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submission_leases" (
	"payout_id" text PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "fee_bearer" "fee_bearer" DEFAULT 'platform' NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "failure_code" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "fee_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "fee_bearer" "fee_bearer";--> statement-breakpoint
ALTER TABLE "provider_attempts" ADD CONSTRAINT "provider_attempts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_attempts" ADD CONSTRAINT "provider_attempts_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_credentials" ADD CONSTRAINT "provider_credentials_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_events" ADD CONSTRAINT "provider_events_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_routes" ADD CONSTRAINT "provider_routes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_exceptions" ADD CONSTRAINT "reconciliation_exceptions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_leases" ADD CONSTRAINT "submission_leases_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "public"."payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_attempts_payout_id_attempt_provider_index" ON "provider_attempts" USING btree ("payout_id","attempt","provider");--> statement-breakpoint
CREATE INDEX "provider_attempts_organisation_id_mode_provider_provider_reference_index" ON "provider_attempts" USING btree ("organisation_id","mode","provider","provider_reference");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_events_organisation_id_mode_provider_provider_event_id_index" ON "provider_events" USING btree ("organisation_id","mode","provider","provider_event_id");--> statement-breakpoint
CREATE INDEX "provider_events_received_at_index" ON "provider_events" USING btree ("received_at") WHERE "provider_events"."processed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_exceptions_once_idx" ON "reconciliation_exceptions" USING btree ("organisation_id","mode","provider","period","kind",coalesce("provider_reference", "payout_id"));--> statement-breakpoint
CREATE INDEX "reconciliation_exceptions_organisation_id_mode_created_at_index" ON "reconciliation_exceptions" USING btree ("organisation_id","mode","created_at");