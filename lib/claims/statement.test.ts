import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { claimablePayout, pastPayout, setTestTaxKeys } from "@/tests/fixtures/tax";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { createClaimSession } from "./session";
import { claimStatement } from "./statement";

setTestTaxKeys();

describe("the recipient's statement", () => {
  it("is this payee's payouts from this payer in the year, for the verified recipient only", async () => {
    const { scope } = await insertOrganisation(db);
    const payee = { email: "pat@example.com", country: "GB" };
    await pastPayout(db, scope, payee, { amount: 1_250n, currency: "USD", method: "paypal" });
    await pastPayout(db, scope, payee, { amount: 500n, currency: "USD", method: "paypal" });
    // Another payee of the same payer, and the same email at another payer: not on it.
    await pastPayout(db, scope, { email: "other@example.com", country: "GB" }, { amount: 999n });
    const elsewhere = await insertOrganisation(db);
    await pastPayout(db, elsewhere.scope, payee, { amount: 777n });
    const { payout, token, linkId } = await claimablePayout(db, scope, payee, 300n);

    const year = new Date().getUTCFullYear();
    expect(await claimStatement(db, { token, year })).toBeNull();
    const session = await createClaimSession(db, {
      ...scope,
      claimLinkId: linkId,
      payoutId: payout.id,
    });
    const statement = await claimStatement(db, { token, sessionToken: session.token, year });
    const text = await new Response(statement?.stream).text();
    const lines = text.trim().split("\n");
    expect(lines[0]).toBe("payout_id,date,status,description,amount,currency,method,paid_at");
    expect(lines).toHaveLength(4);
    expect(text).toContain(",paid,,12.50,USD,paypal,");
    expect(text).toContain(`${payout.id},`);
    expect(text).not.toMatch(/9\.99|7\.77/);
    const lastYear = await claimStatement(db, {
      token,
      sessionToken: session.token,
      year: year - 1,
    });
    expect((await new Response(lastYear?.stream).text()).trim().split("\n")).toHaveLength(1);
  });
});
