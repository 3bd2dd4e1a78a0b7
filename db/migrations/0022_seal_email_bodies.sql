-- Mail bodies held live claim links, one-time codes, sign-in links and invitation links
-- in plain text. From now on a body is kept only sealed (lib/mail/content.ts), only for
-- the dev mailbox, and only for a day. Bodies stored before cannot be sealed in SQL (the
-- key derives from AUTH_SECRET), so they are DROPPED with their columns: the metadata
-- (to, kind, subject, about, sent time, idempotency key) stays for timelines and dedup.
-- A claim code's subject carried the code itself; it is masked as new rows mask it.
ALTER TABLE "emails" ADD COLUMN "content" text;--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "mailbox_grant" text;--> statement-breakpoint
CREATE INDEX "emails_content_created_at_idx" ON "emails" USING btree ("created_at") WHERE "emails"."content" is not null;--> statement-breakpoint
ALTER TABLE "emails" DROP COLUMN "text";--> statement-breakpoint
ALTER TABLE "emails" DROP COLUMN "html";--> statement-breakpoint
UPDATE "emails" SET "subject" = regexp_replace("subject", '[0-9]{6}', '••••••', 'g') WHERE "kind" = 'claim_code';
