DROP INDEX "payouts_batch_id_index";--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "events_organisation_id_mode_type_id_index" ON "events" USING btree ("organisation_id","mode","type","id");--> statement-breakpoint
CREATE INDEX "payouts_organisation_id_mode_id_index" ON "payouts" USING btree ("organisation_id","mode","id");--> statement-breakpoint
CREATE INDEX "payouts_batch_id_status_index" ON "payouts" USING btree ("batch_id","status");--> statement-breakpoint
CREATE INDEX "payouts_claimable_expiry_idx" ON "payouts" USING btree ("expires_at") WHERE "payouts"."status" = 'claimable';