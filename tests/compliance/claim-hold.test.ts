import { desc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails } from "@/db/schema";
import { emailClaimCode } from "@/lib/claims/claim-emails";
import { confirmClaim, openClaim, sendClaimCode, verifyClaimCode } from "@/lib/claims/claim-flow";
import { openEmail } from "@/lib/mail";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";
import { getPayout } from "@/lib/payouts/queries";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";

process.env.AUTH_SECRET ??= "test-secret-for-claim-holds-0123456789abcdef";
process.env.DEV_MAILBOX ??= "1";

const ip = "203.0.113.20";

async function verifiedClaim(token: string) {
  const sent = await sendClaimCode(db, { token, ip, locale: "en", deliver: emailClaimCode });
  expect(sent.status).toBe("sent");
  const [mail] = await db.select().from(emails).orderBy(desc(emails.createdAt)).limit(1);
  const code = openEmail(mail)?.text.match(/\b(\d{6})\b/)?.[1] as string;
  const outcome = await verifyClaimCode(db, { token, code, ip, locale: "en" });
  if (outcome.status !== "verified") throw new Error(outcome.status);
  return outcome.sessionToken;
}

describe("claiming to a destination another recipient used", () => {
  it("claims the first, holds the second for review, and the claim page says so", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    const ids: string[] = [];
    for (const name of ["Maya Chen", "Lukas Weber"]) {
      const handle = name.replace(" ", ".").toLowerCase();
      const payout = await createPayout(
        db,
        scope,
        createPayoutBodySchema.parse({
          recipient: { email: `${handle}@example.com`, name, country: "US" },
          amount: 2_500,
          currency: "USD",
        }),
      );
      ids.push(payout.id);
    }
    const { links } = await preparePayouts(db, scope, ids);
    const tokens = ids.map((id) => links.find((l) => l.payoutId === id)?.token as string);
    const paypal = { account: "one.account@paypal.example" };

    const first = await confirmClaim(db, {
      token: tokens[0] as string,
      sessionToken: await verifiedClaim(tokens[0] as string),
      method: "paypal",
      details: paypal,
    });
    expect(first).toEqual({ status: "claimed" });

    const session = await verifiedClaim(tokens[1] as string);
    const second = await confirmClaim(db, {
      token: tokens[1] as string,
      sessionToken: session,
      method: "paypal",
      details: { account: "ONE.account@paypal.example" },
    });
    expect(second).toEqual({ status: "held_for_review" });
    expect((await getPayout(db, scope, ids[1] as string))?.status).toBe("awaiting_review");
    // A held payout's link shows nothing to claim until a reviewer decides.
    expect(await openClaim(db, { token: tokens[1] as string, sessionToken: session })).toEqual({
      kind: "invalid",
    });
  });
});
