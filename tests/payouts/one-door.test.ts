import { afterAll, describe, expect, it } from "vitest";
import { createDb, db } from "@/db/client";
import { payoutLedgerHistory, verifyLedger } from "@/lib/ledger";
import { movePayout } from "@/lib/payouts/machine";
import { cancelPayoutAsMember } from "@/lib/payouts/member-actions";
import { getPayout } from "@/lib/payouts/queries";
import { recordProviderOutcome, startSubmission } from "@/lib/payouts/submission";
import { organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";

process.env.AUTH_SECRET ??= "one-door-test-secret-one-door-test-secret-0123";

/** A second handle on the same database that keeps every statement it sends. */
const statements: string[] = [];
const counted = createDb(process.env.DATABASE_URL as string, {
  max: 1,
  debug: (_connection, query) => statements.push(query),
});

afterAll(async () => {
  await counted.sql.end();
});

/** How many of the statements `work` sent name the payouts table itself. */
async function payoutTouches(work: () => Promise<unknown>): Promise<number> {
  statements.length = 0;
  await work();
  return statements.filter((q) => /"payouts"/.test(q)).length;
}

describe("the one door for payout state", () => {
  it("a dashboard cancel touches the payout row once: one guarded UPDATE, no read first", async () => {
    const { member, payoutIds } = await organisationWithClaimablePayouts(db, [
      { email: "ada@example.com", name: "Ada", country: "GB", externalId: "a-1", amount: 2_500n },
    ]);
    const payoutId = payoutIds[0] as string;
    const touches = await payoutTouches(() =>
      cancelPayoutAsMember(counted.db, member, { payoutId, reason: "duplicate" }),
    );
    expect(touches).toBe(1);
    expect((await getPayout(db, member.scope, payoutId))?.status).toBe("canceled");
    const released = (await payoutLedgerHistory(db, member.scope, payoutId)).filter(
      (t) => t.to === "available",
    );
    expect(released).toHaveLength(1);
  });

  it("a provider's outcome touches the payout row once, and a stale attempt's moves nothing", async () => {
    const { member, payoutIds } = await organisationWithClaimablePayouts(db, [
      { email: "bo@example.com", name: "Bo", country: "US", externalId: "b-1", amount: 4_000n },
    ]);
    const { scope } = member;
    const payoutId = payoutIds[0] as string;
    await movePayout(db, scope, payoutId, "claim", {
      actor: "recipient",
      changes: { method: "paypal", methodDetails: { account: "bo@example.com" } },
    });
    const submission = await startSubmission(db, scope, payoutId);
    expect(submission).toEqual({ payoutId, attempt: 1 });

    const stale = await recordProviderOutcome(
      db,
      scope,
      { payoutId, attempt: 0 },
      { status: "paid", providerReference: "sandbox_old" },
    );
    expect(stale).toBe("processing");

    let status: string | null = null;
    const touches = await payoutTouches(async () => {
      status = await recordProviderOutcome(counted.db, scope, submission as never, {
        status: "paid",
        providerReference: "sandbox_1",
      });
    });
    expect(touches).toBe(1);
    expect(status).toBe("paid");
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});
