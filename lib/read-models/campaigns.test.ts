import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { completeBatch } from "@/lib/batches/lifecycle";
import { applyPayoutEvent, type PayoutEvent } from "@/lib/payouts/machine";
import { getBatch } from "@/lib/payouts/queries";
import { organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";
import {
  campaignDisplayStatus,
  campaignSummary,
  claimedStatuses,
  emptyFigures,
  listCampaigns,
  settledStatuses,
} from "./campaigns";

process.env.AUTH_SECRET ??= "dashboard-test-secret-0123456789abcdef0123";

type Fixture = Awaited<ReturnType<typeof organisationWithClaimablePayouts>>;

const people = [2_500n, 4_000n, 1_500n, 1_000n].map((amount, i) => ({
  email: `creator-${i}@example.com`,
  name: `Creator ${i}`,
  country: "US",
  externalId: `creator-${i}`,
  amount,
}));

async function move(f: Fixture, payoutId: string, events: PayoutEvent[]) {
  for (const event of events) {
    const { moved } = await applyPayoutEvent(db, f.member.scope, payoutId, event, {
      changes: event === "claim" ? { method: "paypal", methodDetails: {} } : undefined,
      reason: event === "return" ? "The recipient's bank returned the payment." : undefined,
    });
    expect(moved, `${event} ${payoutId}`).toHaveLength(1);
  }
}

async function summary(f: Fixture) {
  const batch = (await listCampaigns(db, f.member.scope, { limit: 10 })).data.find(
    (c) => c.batch.id === f.batch.id,
  );
  if (!batch) throw new Error("campaign missing from the list");
  return batch;
}

let mine: Fixture;
let theirs: Fixture;

beforeAll(async () => {
  mine = await organisationWithClaimablePayouts(db, people);
  theirs = await organisationWithClaimablePayouts(db, people.slice(0, 1));
});

describe("a campaign's status follows the money", () => {
  it("derives claimed and settled statuses from the payout machine's table", () => {
    expect([...claimedStatuses].sort()).toEqual(
      ["claimed", "failed", "paid", "processing", "returned"].sort(),
    );
    expect([...settledStatuses].sort()).toEqual(["canceled", "expired", "paid"]);
  });

  it("is sending while links go out, then sent, with claimed and paid counts and amounts", async () => {
    const [a, b, c] = mine.payoutIds as [string, string, string, string];
    expect((await summary(mine)).displayStatus).toBe("sending");
    await completeBatch(db, mine.member.scope, mine.batch.id);

    await move(mine, a, ["claim", "submit", "settle"]);
    await move(mine, b, ["claim", "submit"]);
    await move(mine, c, ["cancel"]);
    const { displayStatus, figures } = await summary(mine);
    expect(displayStatus).toBe("sent");
    expect(figures.payouts).toEqual({ count: 4, amount: 9_000n });
    expect(figures.claimed).toEqual({ count: 2, amount: 6_500n });
    expect(figures.paid).toEqual({ count: 1, amount: 2_500n });
    expect(figures.released).toEqual({ count: 1, amount: 1_500n });
    expect(figures.open).toEqual({ count: 2, amount: 5_000n });
  });

  it("is completed only when every payout is settled, and sent again after a return", async () => {
    const [a, b, , d] = mine.payoutIds as [string, string, string, string];
    await move(mine, b, ["settle"]);
    expect((await summary(mine)).displayStatus).toBe("sent");
    await move(mine, d, ["expire"]);
    const done = await summary(mine);
    expect(done.displayStatus).toBe("completed");
    expect(done.figures.paid).toEqual({ count: 2, amount: 6_500n });
    expect(done.figures.open.count).toBe(0);

    // The recipient's bank sends one back: that money is open again.
    await move(mine, a, ["return"]);
    const batch = await getBatch(db, mine.member.scope, mine.batch.id);
    if (!batch) throw new Error("campaign missing");
    const reopened = await campaignSummary(db, mine.member.scope, batch);
    expect(reopened.displayStatus).toBe("sent");
    expect(reopened.figures.paid).toEqual({ count: 1, amount: 4_000n });
    expect(reopened.figures.claimed.count).toBe(2);
  });

  it("keeps the batch's own approval and cancel states, and an empty campaign is never completed", () => {
    const figures = emptyFigures();
    expect(campaignDisplayStatus("awaiting_approval", figures)).toBe("awaiting_approval");
    expect(campaignDisplayStatus("canceled", figures)).toBe("canceled");
    expect(campaignDisplayStatus("processing", figures)).toBe("sending");
    expect(campaignDisplayStatus("completed", figures)).toBe("sent");
  });

  it("counts only the caller's own organisation's payouts", async () => {
    const list = await listCampaigns(db, theirs.member.scope, { limit: 10 });
    expect(list.data.map((c) => c.batch.id)).toEqual([theirs.batch.id]);
    expect(list.data[0]?.figures.payouts).toEqual({ count: 1, amount: 2_500n });
    const foreign = await campaignSummary(db, theirs.member.scope, mine.batch);
    expect(foreign.figures.payouts.count).toBe(0);
  });
});
