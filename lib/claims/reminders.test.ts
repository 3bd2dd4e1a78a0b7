import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { claimLinks, emails } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { openEmail } from "@/lib/mail";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { movePayout } from "@/lib/payouts/machine";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { sendDueReminders } from "./reminders";

process.env.AUTH_SECRET ??= "reminders-test-secret-reminders-test-secret-01";
// Mail stays readable (sealed) only for the dev mailbox.
process.env.DEV_MAILBOX ??= "1";

const DAY = 86_400_000;

async function claimablePayout(scope: Scope, days: number, email: string) {
  const row = await createPayout(
    db,
    scope,
    createPayoutBodySchema.parse({
      recipient: { email, country: "US" },
      amount: 1_234,
      currency: "USD",
      expires_in_days: days,
    }),
  );
  await preparePayouts(db, scope, [row.id]);
  const [link] = await db.select().from(claimLinks).where(eq(claimLinks.payoutId, row.id));
  return { payoutId: row.id, link: link as typeof claimLinks.$inferSelect };
}

async function remindersOf(payoutId: string) {
  const rows = await db
    .select()
    .from(emails)
    .where(and(eq(emails.subjectRef, payoutId), like(emails.idempotencyKey, "reminder:%")));
  return rows.map((row) => ({ key: row.idempotencyKey, ...openEmail(row) }));
}

const at = (link: { createdAt: Date }, days: number, hours = 1) =>
  new Date(link.createdAt.getTime() + days * DAY + hours * 3_600_000);

describe("claim reminders", () => {
  it("reminds a week and a day before the link expires, once each", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    const { payoutId, link } = await claimablePayout(scope, 30, "week@example.com");

    await sendDueReminders(db, { now: at(link, 22) });
    expect(await remindersOf(payoutId)).toEqual([]);
    await sendDueReminders(db, { now: at(link, 23) });
    await sendDueReminders(db, { now: at(link, 23, 5) });
    const week = await remindersOf(payoutId);
    expect(week.map((r) => r.key)).toEqual([`reminder:${payoutId}:${link.id}:7d`]);
    expect(week[0]?.subject).toBe("Reminder: your $12.34 from Acme Creators expires in 7 days");
    expect(week[0]?.text).toMatch(/\/c\/[A-Za-z0-9_-]{43}/);

    await sendDueReminders(db, { now: at(link, 29) });
    const both = await remindersOf(payoutId);
    expect(both.map((r) => r.key).sort()).toEqual(
      [`reminder:${payoutId}:${link.id}:1d`, `reminder:${payoutId}:${link.id}:7d`].sort(),
    );
    expect(both.find((r) => r.key.endsWith(":1d"))?.subject).toContain("expires tomorrow");
    await sendDueReminders(db, { now: at(link, 31) });
    expect(await remindersOf(payoutId)).toHaveLength(2);
  });

  it("sends only the nearest reminder when a sweep comes late, and skips windows a short link never had", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    const late = await claimablePayout(scope, 30, "late@example.com");
    const short = await claimablePayout(scope, 5, "short@example.com");

    await sendDueReminders(db, { now: at(late.link, 29, 12) });
    expect((await remindersOf(late.payoutId)).map((r) => r.key)).toEqual([
      `reminder:${late.payoutId}:${late.link.id}:1d`,
    ]);
    await sendDueReminders(db, { now: at(short.link, 4) });
    expect((await remindersOf(short.payoutId)).map((r) => r.key)).toEqual([
      `reminder:${short.payoutId}:${short.link.id}:1d`,
    ]);
  });

  it("leaves claimed payouts alone", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    const { payoutId, link } = await claimablePayout(scope, 30, "claimed@example.com");
    await movePayout(db, scope, payoutId, "claim", {
      changes: {
        method: "paypal",
        methodDetails: { account: "c@example.com", accountType: "email" },
      },
    });
    await sendDueReminders(db, { now: at(link, 29) });
    expect(await remindersOf(payoutId)).toEqual([]);
  });

  it("goes on after the payouts an earlier call looked at, window by window", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    const made = [];
    for (const i of [1, 2, 3]) made.push(await claimablePayout(scope, 30, `next${i}@example.com`));
    const ids = made.map((m) => m.payoutId).sort();
    const now = at(made[2]?.link as typeof claimLinks.$inferSelect, 29);
    const seen: (string | undefined)[] = [];
    let after = {};
    for (let call = 0; call < 3; call++) {
      const sweep = await sendDueReminders(db, { now, limit: 1, after });
      expect(sweep.reminded).toBe(1);
      seen.push(sweep.after["real/1d"]);
      after = sweep.after;
    }
    expect(seen).toEqual(ids);
    // Past the last one, nothing is read again, and no payout gets the 7-day reminder too.
    expect((await sendDueReminders(db, { now, after })).reminded).toBe(0);
    for (const id of ids) expect((await remindersOf(id)).map((r) => r.key)).toHaveLength(1);
  });
});
