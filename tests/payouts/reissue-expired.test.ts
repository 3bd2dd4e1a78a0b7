import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, emails, payoutTransitions } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { getBalances } from "@/lib/ledger";
import { openEmail } from "@/lib/mail";
import { expireDuePayouts } from "@/lib/payouts/expire-payouts";
import {
  cancelPayoutAsMember,
  reissueClaimLink,
  resendClaimLink,
} from "@/lib/payouts/member-actions";
import { getPayout } from "@/lib/payouts/queries";
import { organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";

process.env.AUTH_SECRET ??= "reissue-expired-test-secret-0123456789abcdef";
process.env.DEV_MAILBOX ??= "1";

type Fixture = Awaited<ReturnType<typeof organisationWithClaimablePayouts>>;
let org: Fixture;

beforeAll(async () => {
  org = await organisationWithClaimablePayouts(db, [
    { email: "kai@example.com", name: "Kai", country: "US", externalId: "k-1", amount: 2_000n },
    { email: "lea@example.com", name: "Lea", country: "US", externalId: "k-2", amount: 3_000n },
  ]);
});

const available = async () => (await getBalances(db, org.member.scope))[0]?.available ?? 0n;

describe("the dashboard's Reissue for an expired payout", () => {
  it("funds it again, restarts its window with the campaign's length and emails a new link", async () => {
    const payoutId = org.payoutIds[0] as string;
    // The sweep finds its window passed (31 days on).
    await expireDuePayouts(db, { now: new Date(Date.now() + 31 * 86_400_000) });
    expect((await getPayout(db, org.member.scope, payoutId))?.status).toBe("expired");
    const before = await available();

    const link = await reissueClaimLink(db, org.member, payoutId);
    expect(link.reopened).toBe(true);
    const after = await getPayout(db, org.member.scope, payoutId);
    expect(after?.status).toBe("claimable");
    expect(await available()).toBe(before - 2_000n);
    const window = (after?.expiresAt.getTime() ?? 0) - Date.now();
    expect(Math.abs(window - 30 * 86_400_000)).toBeLessThan(60_000);
    const [mail] = await db
      .select()
      .from(emails)
      .where(eq(emails.idempotencyKey, `invite:${payoutId}:${link.linkId}`));
    expect(openEmail(mail)?.text).toContain(link.url);
    const [transition] = await db
      .select()
      .from(payoutTransitions)
      .where(
        and(eq(payoutTransitions.payoutId, payoutId), eq(payoutTransitions.fromStatus, "expired")),
      );
    expect(transition).toMatchObject({
      toStatus: "claimable",
      actor: `user:${org.member.actor.id}`,
    });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, payoutId), eq(auditLog.action, "payout.reissue_link")));
    expect(audit?.before).toMatchObject({ status: "expired" });

    // And it can be resent like any claimable payout.
    expect((await resendClaimLink(db, org.member, payoutId)).to).toBe("kai@example.com");
  });

  it("refuses a canceled payout, which stays canceled", async () => {
    // Expired with the first one; reissued, then canceled.
    const payoutId = org.payoutIds[1] as string;
    expect((await reissueClaimLink(db, org.member, payoutId)).reopened).toBe(true);
    await cancelPayoutAsMember(db, org.member, { payoutId });
    const error = await reissueClaimLink(db, org.member, payoutId).catch((e) => e);
    expect(isAppError(error, "invalid_state_transition")).toBe(true);
    expect((await getPayout(db, org.member.scope, payoutId))?.status).toBe("canceled");
  });
});
