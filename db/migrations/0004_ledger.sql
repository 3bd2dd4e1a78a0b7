CREATE TYPE "public"."ledger_account_kind" AS ENUM('available', 'reserved', 'in_transit', 'paid_out', 'fees', 'external');--> statement-breakpoint
CREATE TYPE "public"."ledger_transfer_phase" AS ENUM('single', 'pending', 'post', 'void');--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"currency" text NOT NULL,
	"kind" "ledger_account_kind" NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"pending_debits" bigint DEFAULT 0 NOT NULL,
	"pending_credits" bigint DEFAULT 0 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_spendable_not_negative" CHECK ("ledger_accounts"."kind" = 'external' or "ledger_accounts"."balance" - "ledger_accounts"."pending_debits" >= 0),
	CONSTRAINT "ledger_accounts_pending_not_negative" CHECK ("ledger_accounts"."pending_debits" >= 0 and "ledger_accounts"."pending_credits" >= 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"account_id" text NOT NULL,
	"version" bigint NOT NULL,
	"transaction_id" text NOT NULL,
	"balance_delta" bigint NOT NULL,
	"pending_debits_delta" bigint NOT NULL,
	"pending_credits_delta" bigint NOT NULL,
	"balance" bigint NOT NULL,
	"pending_debits" bigint NOT NULL,
	"pending_credits" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "ledger_entries_account_id_version_pk" PRIMARY KEY("account_id","version")
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"idempotency_key" text NOT NULL,
	"content_hash" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_transfers_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"transaction_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"mode" "mode" NOT NULL,
	"currency" text NOT NULL,
	"debit_account_id" text NOT NULL,
	"credit_account_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"phase" "ledger_transfer_phase" NOT NULL,
	"hold_id" text,
	"payout_id" text,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transfers_amount_positive" CHECK ("ledger_transfers"."amount" > 0),
	CONSTRAINT "ledger_transfers_distinct_accounts" CHECK ("ledger_transfers"."debit_account_id" <> "ledger_transfers"."credit_account_id"),
	CONSTRAINT "ledger_transfers_hold_matches_phase" CHECK (("ledger_transfers"."phase" = 'single') = ("ledger_transfers"."hold_id" is null))
);
--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_ledger_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_debit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("debit_account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_credit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("credit_account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_accounts_organisation_id_mode_currency_kind_index" ON "ledger_accounts" USING btree ("organisation_id","mode","currency","kind");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_id_created_at_index" ON "ledger_entries" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transactions_organisation_id_mode_idempotency_key_index" ON "ledger_transactions" USING btree ("organisation_id","mode","idempotency_key");--> statement-breakpoint
CREATE INDEX "ledger_transfers_organisation_id_mode_seq_index" ON "ledger_transfers" USING btree ("organisation_id","mode","seq");--> statement-breakpoint
CREATE INDEX "ledger_transfers_transaction_id_index" ON "ledger_transfers" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_payout_idx" ON "ledger_transfers" USING btree ("payout_id","seq") WHERE "ledger_transfers"."payout_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_hold_opened_idx" ON "ledger_transfers" USING btree ("hold_id") WHERE "ledger_transfers"."phase" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_hold_resolved_idx" ON "ledger_transfers" USING btree ("hold_id") WHERE "ledger_transfers"."phase" in ('post', 'void');