ALTER TABLE "ledger_transfers" DROP CONSTRAINT "ledger_transfers_hold_matches_phase";--> statement-breakpoint
DROP INDEX "ledger_transfers_hold_opened_idx";--> statement-breakpoint
DROP INDEX "ledger_transfers_hold_resolved_idx";--> statement-breakpoint
ALTER TABLE "ledger_transfers" DROP COLUMN "hold_id";