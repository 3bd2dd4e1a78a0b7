import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails, type PayoutStatus, payouts } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { expirePayouts } from "@/inngest/functions/expire-payouts";
import { inviteReviewedPayout } from "@/inngest/functions/invite-reviewed-payout";
import { notifyPayoutFailed } from "@/inngest/functions/notify-payout-failed";
import { pollProviderPayoutsSweep } from "@/inngest/functions/poll-provider-payouts";
import { preparePayout } from "@/inngest/functions/prepare-payout";
import { sendReceipt } from "@/inngest/functions/send-receipt";
import { submitPayout } from "@/inngest/functions/submit-payout";
import { resolveClaimToken } from "@/lib/claims/links";
import { openEmail } from "@/lib/mail";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { movePayout, type PayoutRow } from "@/lib/payouts/machine";
import { approveReviewedPayout, preparePayouts } from "@/lib/payouts/prepare-payouts";
import { getPayout } from "@/lib/payouts/queries";
import { serializePayout } from "@/lib/payouts/serialize";
import { pollProviderPayouts } from "@/lib/payouts/submission";
import { balanceOf, fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { type EventSink, eventOf, startEventSink } from "./harness";

let sink: EventSink;
beforeAll(async () => {
  sink = await startEventSink();
});
afterAll(async () => {
  await sink.close();
});

async function funded(): Promise<Scope> {
  const { scope } = await insertOrganisation(db);
  await fund(db, scope, 1_000_000n);
  return scope;
}

async function newPayout(scope: Scope, amount: number, country = "US") {
  return createPayout(
    db,
    scope,
    createPayoutBodySchema.parse({
      recipient: { email: `r${amount}@example.com`, name: "Rosa", country },
      amount,
      currency: "USD",
    }),
  );
}

/** The event the relay would send for a payout's current state. */
function payoutEvent(name: string, scope: Scope, row: PayoutRow, previous: PayoutStatus | null) {
  return eventOf(name, {
    organisation_id: scope.organisationId,
    mode: scope.mode,
    object: serializePayout(row),
    previous_status: previous,
    reason: null,
  });
}

/** A payout the recipient has claimed with PayPal. */
async function claimed(scope: Scope, amount: number): Promise<PayoutRow> {
  const row = await newPayout(scope, amount);
  await preparePayouts(db, scope, [row.id]);
  return movePayout(db, scope, row.id, "claim", {
    actor: "recipient",
    changes: {
      method: "paypal",
      methodDetails: { account: "rosa@example.com", accountType: "email" },
    },
  });
}

async function mailsAbout(payoutId: string, kind: string) {
  return db
    .select()
    .from(emails)
    .where(and(eq(emails.subjectRef, payoutId), eq(emails.kind, kind)));
}

describe("a payout on its own", () => {
  it("is screened, gets a link and its recipient an invite that opens it", async () => {
    const scope = await funded();
    const row = await newPayout(scope, 2_500);
    const t = new InngestTestEngine({
      function: preparePayout,
      events: [payoutEvent("payout.created", scope, row, null)],
    });
    const { result } = await t.execute();
    expect(result).toMatchObject([{ claimable: [row.id], invites: { stored: 1 } }]);
    expect((await getPayout(db, scope, row.id))?.status).toBe("claimable");
    const [invite] = await mailsAbout(row.id, "invite");
    expect(invite?.to).toBe("r2500@example.com");
    expect(invite?.subject).toBe("Acme Creators sent you $25.00");
    const token = /\/c\/([A-Za-z0-9_-]{43})/.exec(openEmail(invite)?.text ?? "")?.[1] as string;
    expect((await resolveClaimToken(db, token))?.payout.id).toBe(row.id);
    // The same event again (a duplicate delivery) sends nothing new.
    await new InngestTestEngine({
      function: preparePayout,
      events: [payoutEvent("payout.created", scope, row, null)],
    }).execute();
    expect(await mailsAbout(row.id, "invite")).toHaveLength(1);
  });

  it("is canceled with its funds released when the recipient is in a sanctioned country", async () => {
    const scope = await funded();
    const row = await newPayout(scope, 4_000, "IR");
    const t = new InngestTestEngine({
      function: preparePayout,
      events: [payoutEvent("payout.created", scope, row, null)],
    });
    const { result } = await t.execute();
    expect(result).toEqual([
      {
        claimable: [],
        review: [],
        canceled: [{ payoutId: row.id, reason: "sanctioned_country" }],
        invites: null,
      },
    ]);
    expect((await getPayout(db, scope, row.id))?.status).toBe("canceled");
    expect((await balanceOf(db, scope)).available).toBe(1_000_000n);
    expect(await mailsAbout(row.id, "invite")).toEqual([]);
  });

  it("prepares a burst of payouts in one run: each screened, linked and invited once", async () => {
    const scope = await funded();
    const first = await newPayout(scope, 1_100);
    const blocked = await newPayout(scope, 1_200, "IR");
    const last = await newPayout(scope, 1_300);
    const created = (row: PayoutRow) => payoutEvent("payout.created", scope, row, null);
    const t = new InngestTestEngine({
      function: preparePayout,
      events: [created(first), created(blocked), created(last)],
    });
    const { result } = await t.execute();
    expect(result).toEqual([
      {
        claimable: [first.id, last.id],
        review: [],
        canceled: [{ payoutId: blocked.id, reason: "sanctioned_country" }],
        invites: { sent: 0, stored: 2, duplicate: 0, unlinkable: 0 },
      },
    ]);
    for (const row of [first, last]) {
      expect((await getPayout(db, scope, row.id))?.status).toBe("claimable");
      expect(await mailsAbout(row.id, "invite")).toHaveLength(1);
    }
    expect((await getPayout(db, scope, blocked.id))?.status).toBe("canceled");
  });

  it("invites the recipient once a reviewer clears a held payout", async () => {
    const scope = await funded();
    const row = await newPayout(scope, 3_000);
    await preparePayouts(db, scope, [row.id], {
      screen: () => ({ outcome: "review", reason: "name_match" }),
    });
    await approveReviewedPayout(db, scope, { payoutId: row.id, actor: "user:usr_1" });
    const cleared = (await getPayout(db, scope, row.id)) as PayoutRow;
    const t = new InngestTestEngine({
      function: inviteReviewedPayout,
      events: [payoutEvent("payout.claimable", scope, cleared, "awaiting_review")],
    });
    await t.execute();
    expect(await mailsAbout(row.id, "invite")).toHaveLength(1);
  });
});

describe("submission to the provider", () => {
  it("pays a claimed payout through the sandbox and settles the ledger", async () => {
    const scope = await funded();
    const row = await claimed(scope, 5_000);
    const t = new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, row, "claimable")],
    });
    const { result, ctx } = await t.execute();
    expect(result).toEqual({ status: "paid", attempt: 1 });
    expect(ctx.step.run).toHaveBeenCalledWith("submit-to-provider", expect.any(Function));
    const paid = (await getPayout(db, scope, row.id)) as PayoutRow;
    expect(paid.status).toBe("paid");
    expect(paid.providerReference).toMatch(/^sbx_paid_/);
    expect(await balanceOf(db, scope)).toMatchObject({
      available: 995_000n,
      reserved: 0n,
      inTransit: 0n,
      paidOut: 5_000n,
    });
    // A duplicate delivery of the claim event submits nothing again.
    const again = await new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, row, "claimable")],
    }).execute();
    expect(again.result).toEqual({ status: "not_claimed" });
    expect(await balanceOf(db, scope)).toMatchObject({ paidOut: 5_000n });
  });

  it("fails a payout the provider refuses, holding the money for the recipient's next pick", async () => {
    const scope = await funded();
    const row = await claimed(scope, 5_013);
    const t = new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, row, "claimable")],
    });
    expect((await t.execute()).result).toEqual({ status: "failed", attempt: 1 });
    const failed = (await getPayout(db, scope, row.id)) as PayoutRow;
    expect(failed.failureReason).toMatch(/closed/);
    expect(await balanceOf(db, scope)).toMatchObject({ reserved: 5_013n, inTransit: 0n });

    const notice = new InngestTestEngine({
      function: notifyPayoutFailed,
      events: [payoutEvent("payout.failed", scope, failed, "processing")],
    });
    expect((await notice.execute()).result).toBe("stored");
    const [mail] = await mailsAbout(row.id, "payout_failed");
    const token = /\/c\/([A-Za-z0-9_-]{43})/.exec(openEmail(mail)?.text ?? "")?.[1] as string;
    expect((await resolveClaimToken(db, token))?.payout.status).toBe("failed");

    // The recipient picks a gift card; the second submission is attempt 2 and pays.
    const picked = await movePayout(db, scope, row.id, "claim", {
      actor: "recipient",
      changes: { method: "gift_card", methodDetails: { brand: "amazon" } },
    });
    const second = new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, picked, "failed")],
    });
    const { result } = await second.execute();
    expect(result).toMatchObject({ attempt: 2 });
  });

  it("leaves a slow payout processing for the poll sweep, which settles it", async () => {
    const scope = await funded();
    const row = await claimed(scope, 5_077);
    const t = new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, row, "claimable")],
    });
    expect((await t.execute()).result).toEqual({ status: "processing", attempt: 1 });
    const processing = (await getPayout(db, scope, row.id)) as PayoutRow;
    expect(processing.providerReference).toMatch(/^sbx_slow_/);

    for (let poll = 0; poll < 3; poll++) {
      await pollProviderPayouts(db, { now: new Date(Date.now() + 60_000) });
    }
    expect((await getPayout(db, scope, row.id))?.status).toBe("processing");
    // The sweep runs on the real clock: make the payout old enough to be polled.
    await db
      .update(payouts)
      .set({ updatedAt: new Date(Date.now() - 60_000) })
      .where(eq(payouts.id, row.id));
    await new InngestTestEngine({ function: pollProviderPayoutsSweep }).execute();
    expect((await getPayout(db, scope, row.id))?.status).toBe("paid");
  });

  it("takes a paid payout back when the provider reports a return", async () => {
    const scope = await funded();
    const row = await claimed(scope, 5_066);
    await new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, row, "claimable")],
    }).execute();
    expect((await getPayout(db, scope, row.id))?.status).toBe("paid");
    await pollProviderPayouts(db, { now: new Date(Date.now() + 60_000) });
    const returned = (await getPayout(db, scope, row.id)) as PayoutRow;
    expect(returned.status).toBe("returned");
    expect(await balanceOf(db, scope)).toMatchObject({ reserved: 5_066n, paidOut: 0n });
  });

  it("resubmits, under the same id, a payout whose submission never got an answer", async () => {
    const scope = await funded();
    const row = await claimed(scope, 5_100);
    await movePayout(db, scope, row.id, "submit");
    const result = await pollProviderPayouts(db, { now: new Date(Date.now() + 11 * 60_000) });
    expect(result.failures).toEqual([]);
    const paid = (await getPayout(db, scope, row.id)) as PayoutRow;
    expect(paid.status).toBe("paid");
    expect(paid.attempt).toBe(1);
  });
});

describe("after payment", () => {
  it("emails one receipt per paid attempt", async () => {
    const scope = await funded();
    const row = await claimed(scope, 6_000);
    await new InngestTestEngine({
      function: submitPayout,
      events: [payoutEvent("payout.claimed", scope, row, "claimable")],
    }).execute();
    const paid = (await getPayout(db, scope, row.id)) as PayoutRow;
    const t = new InngestTestEngine({
      function: sendReceipt,
      events: [payoutEvent("payout.paid", scope, paid, "processing")],
    });
    expect((await t.execute()).result).toBe("stored");
    const again = new InngestTestEngine({
      function: sendReceipt,
      events: [payoutEvent("payout.paid", scope, paid, "processing")],
    });
    expect((await again.execute()).result).toBe("duplicate");
    const [receipt] = await mailsAbout(row.id, "receipt");
    expect(receipt?.idempotencyKey).toBe(`receipt:${row.id}:1`);
  });
});

describe("expiry", () => {
  it("expires unclaimed payouts whose link window passed and releases their funds", async () => {
    const scope = await funded();
    const row = await newPayout(scope, 7_000);
    await preparePayouts(db, scope, [row.id]);
    await db
      .update(payouts)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(payouts.id, row.id));
    // The minute's cron tick, as Inngest sends it (the test engine's default event would be
    // the function's other trigger, a backlog hand-over, without its data).
    const { result } = await new InngestTestEngine({
      function: expirePayouts,
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
    }).execute();
    expect((result as { expired: number }).expired).toBeGreaterThanOrEqual(1);
    expect((await getPayout(db, scope, row.id))?.status).toBe("expired");
    expect((await balanceOf(db, scope)).available).toBe(1_000_000n);
    const relayed = await sink.received("payout.expired");
    expect(relayed.some((e) => (e.event.data.object as { id: string }).id === row.id)).toBe(true);
  });
});
