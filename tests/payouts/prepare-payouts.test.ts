import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { events, payouts } from "@/db/schema";
import { createBatch, createBatchBodySchema } from "@/lib/batches/create-batch";
import { liveClaimLink, resolveClaimToken } from "@/lib/claims/links";
import { isAppError } from "@/lib/errors";
import { verifyLedger } from "@/lib/ledger";
import { expireDuePayouts } from "@/lib/payouts/expire-payouts";
import { approveReviewedPayout, preparePayouts } from "@/lib/payouts/prepare-payouts";
import { batchProgress, getPayout } from "@/lib/payouts/queries";
import { balanceOf, fund, insertOrganisation } from "./fixtures";

process.env.AUTH_SECRET ??= "test-secret-for-prepare-payouts-0123456789abcdef";

const DAY = 86_400_000;

async function campaign(countries: string[], expiresInDays = 30) {
  const { scope } = await insertOrganisation(db);
  await fund(db, scope, 100_000n);
  const { batch, payoutIds } = await createBatch(
    db,
    scope,
    createBatchBodySchema.parse({
      name: "Spring",
      currency: "USD",
      expires_in_days: expiresInDays,
      items: countries.map((country, i) => ({
        recipient: { email: `p${i}@example.com`, country },
        amount: 1_000,
      })),
    }),
  );
  return { scope, batch, payoutIds };
}

async function eventTypes(organisationId: string) {
  const rows = await db.select().from(events).where(eq(events.organisationId, organisationId));
  return rows.map((e) => e.type).sort();
}

describe("preparePayouts", () => {
  it("issues links for cleared payouts and cancels those to sanctioned countries, releasing funds", async () => {
    const { scope, batch, payoutIds } = await campaign(["US", "IR", "FR", "KP"]);

    const result = await preparePayouts(db, scope, payoutIds);

    expect(result.links.map((l) => l.payoutId).sort()).toEqual([payoutIds[0], payoutIds[2]].sort());
    expect(result.canceled).toEqual(
      expect.arrayContaining([
        { payoutId: payoutIds[1], reason: "sanctioned_country" },
        { payoutId: payoutIds[3], reason: "sanctioned_country" },
      ]),
    );
    expect(await batchProgress(db, scope, batch.id)).toMatchObject({
      claimable: 2,
      canceled: 2,
      pending: 0,
    });
    expect(await balanceOf(db, scope)).toMatchObject({ available: 98_000n, reserved: 2_000n });
    for (const link of result.links) {
      expect((await resolveClaimToken(db, link.token))?.payout.status).toBe("claimable");
      expect((await liveClaimLink(db, scope, link.payoutId))?.token).toBe(link.token);
    }
    const canceled = await getPayout(db, scope, payoutIds[1] as string);
    expect(canceled?.status).toBe("canceled");
    expect((await eventTypes(scope.organisationId)).filter((t) => t !== "payout.created")).toEqual([
      "batch.created",
      "payout.canceled",
      "payout.canceled",
      "payout.claimable",
      "payout.claimable",
    ]);
    expect((await verifyLedger(db)).problems).toEqual([]);
  });

  it("is safe to retry: payouts no longer pending are skipped and keep their links", async () => {
    const { scope, payoutIds } = await campaign(["US", "DE"]);
    const first = await preparePayouts(db, scope, payoutIds);
    const second = await preparePayouts(db, scope, payoutIds);
    expect(second).toEqual({ links: [], review: [], canceled: [], skipped: payoutIds });
    for (const link of first.links) {
      expect(await resolveClaimToken(db, link.token)).not.toBeNull();
    }
  });

  it("ignores another organisation's payouts", async () => {
    const { payoutIds } = await campaign(["US"]);
    const other = await insertOrganisation(db);
    const result = await preparePayouts(db, other.scope, payoutIds);
    expect(result.skipped).toEqual(payoutIds);
    expect(result.links).toEqual([]);
  });

  it("starts the claim window when the link is issued", async () => {
    const { scope, payoutIds } = await campaign(["US"], 7);
    const id = payoutIds[0] as string;
    // As if the campaign waited three days for approval.
    await db
      .update(payouts)
      .set({
        createdAt: sql`${payouts.createdAt} - interval '3 days'`,
        expiresAt: sql`${payouts.expiresAt} - interval '3 days'`,
      })
      .where(eq(payouts.id, id));
    const before = Date.now();
    const [link] = (await preparePayouts(db, scope, [id])).links;
    const expected = before + 7 * DAY;
    expect(Math.abs((link?.expiresAt.getTime() ?? 0) - expected)).toBeLessThan(60_000);
    expect((await getPayout(db, scope, id))?.expiresAt.getTime()).toBe(link?.expiresAt.getTime());
  });

  it("parks payouts the screening wants reviewed, and a reviewer's approval issues the link", async () => {
    const { scope, payoutIds } = await campaign(["US", "GB"]);
    const result = await preparePayouts(db, scope, payoutIds, {
      screen: (r) =>
        r.country === "GB"
          ? { outcome: "review", reason: "possible_name_match" }
          : { outcome: "pass" },
    });
    expect(result.review).toEqual([payoutIds[1]]);
    const held = await db
      .select()
      .from(events)
      .where(
        and(
          eq(events.organisationId, scope.organisationId),
          eq(events.type, "recipient.review_required"),
        ),
      );
    expect(held.map((e) => e.data)).toEqual([
      expect.objectContaining({ payout_id: payoutIds[1], reason: "possible_name_match" }),
    ]);

    const link = await approveReviewedPayout(db, scope, {
      payoutId: payoutIds[1] as string,
      actor: "user:usr_reviewer",
    });
    expect((await resolveClaimToken(db, link.token))?.payout.status).toBe("claimable");
    const again = await approveReviewedPayout(db, scope, {
      payoutId: payoutIds[1] as string,
      actor: "user:usr_reviewer",
    }).catch((e) => e);
    expect(isAppError(again, "invalid_state_transition")).toBe(true);
  });
});

describe("expireDuePayouts", () => {
  it("expires claimable payouts past their window, releases funds and kills their links", async () => {
    const { scope, payoutIds } = await campaign(["US", "CA"], 5);
    const { links } = await preparePayouts(db, scope, payoutIds);
    await db
      .update(payouts)
      .set({ status: "claimed" })
      .where(eq(payouts.id, payoutIds[1] as string));

    expect((await expireDuePayouts(db, { now: new Date(Date.now() + 4 * DAY) })).expired).toEqual(
      [],
    );
    const { expired } = await expireDuePayouts(db, { now: new Date(Date.now() + 6 * DAY) });

    expect(expired).toEqual([payoutIds[0]]);
    expect((await getPayout(db, scope, payoutIds[0] as string))?.status).toBe("expired");
    expect((await getPayout(db, scope, payoutIds[1] as string))?.status).toBe("claimed");
    const link = links.find((l) => l.payoutId === payoutIds[0]);
    expect(await resolveClaimToken(db, link?.token as string)).toBeNull();
    expect(await balanceOf(db, scope)).toMatchObject({ available: 99_000n, reserved: 1_000n });
  });
});
