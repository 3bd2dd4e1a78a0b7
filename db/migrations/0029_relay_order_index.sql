DROP INDEX "events_unrelayed_idx";--> statement-breakpoint
CREATE INDEX "events_unrelayed_idx" ON "events" USING btree ("created_at","id") WHERE "events"."relayed_at" is null;