DROP INDEX "webhook_deliveries_held_idx";--> statement-breakpoint
-- Room on each page for a taken delivery's new version: the take changes no indexed column, so it is a HOT update (no index entries) when the page has space.
ALTER TABLE "webhook_deliveries" SET (fillfactor = 50);
