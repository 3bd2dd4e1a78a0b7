import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { batches, claimLinks } from "@/db/schema";
import { newId } from "@/lib/ids";
import { insertBarePayout, insertOrganisation } from "@/tests/payouts/fixtures";
import {
  claimTokenFor,
  issueClaimLink,
  liveClaimLink,
  resolveClaimToken,
  revokeClaimLinks,
} from "./links";

process.env.AUTH_SECRET ??= "test-secret-for-claim-links-0123456789abcdef";

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

describe("claim links", () => {
  let scope: Awaited<ReturnType<typeof insertOrganisation>>["scope"];
  beforeAll(async () => {
    ({ scope } = await insertOrganisation(db, { primaryColor: "#112233" }));
  });

  it("issues a 32-byte token, stores only its SHA-256 and opens the payout with the org's brand", async () => {
    const payout = await insertBarePayout(db, scope);
    const link = await issueClaimLink(db, { payoutId: payout.id, expiresAt: inDays(30) });

    expect(Buffer.from(link.token, "base64url")).toHaveLength(32);
    expect(link.url).toMatch(new RegExp(`/c/${link.token}$`));
    const [stored] = await db.select().from(claimLinks).where(eq(claimLinks.id, link.linkId));
    expect(stored?.tokenHash).toBe(createHash("sha256").update(link.token).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(link.token);

    const opened = await resolveClaimToken(db, link.token);
    expect(opened?.payout.id).toBe(payout.id);
    expect(opened?.recipient.email).toBe("ada@example.com");
    expect(opened?.branding).toMatchObject({
      organisationId: scope.organisationId,
      name: "Acme Creators",
      primaryColor: "#112233",
      message: "Thanks for creating with us",
    });
    expect(opened?.batch).toBeNull();
  });

  it("shows the campaign's message instead of the organisation's default", async () => {
    const batchId = newId("batch");
    await db.insert(batches).values({
      id: batchId,
      ...scope,
      name: "March creators",
      message: "March bonus, thank you!",
      currency: "USD",
      allowedMethods: ["paypal"],
      status: "processing",
      itemCount: 1,
      totalAmount: 2_500n,
    });
    const payout = await insertBarePayout(db, scope, { batchId });
    const link = await issueClaimLink(db, { payoutId: payout.id, expiresAt: inDays(30) });
    const opened = await resolveClaimToken(db, link.token);
    expect(opened?.branding.message).toBe("March bonus, thank you!");
    expect(opened?.batch).toEqual({
      id: batchId,
      name: "March creators",
      allowedMethods: ["paypal"],
    });
  });

  it("resolves unknown, malformed, expired and revoked tokens to null", async () => {
    const payout = await insertBarePayout(db, scope);
    expect(await resolveClaimToken(db, "short")).toBeNull();
    expect(await resolveClaimToken(db, claimTokenFor(newId("claimLink")))).toBeNull();

    const expiring = await issueClaimLink(db, { payoutId: payout.id, expiresAt: inDays(1) });
    expect(await resolveClaimToken(db, expiring.token, inDays(2))).toBeNull();

    await revokeClaimLinks(db, payout.id);
    expect(await resolveClaimToken(db, expiring.token)).toBeNull();
  });

  it("revokes the previous link when a new one is issued", async () => {
    const payout = await insertBarePayout(db, scope);
    const first = await issueClaimLink(db, { payoutId: payout.id, expiresAt: inDays(30) });
    const second = await issueClaimLink(db, { payoutId: payout.id, expiresAt: inDays(30) });
    expect(second.token).not.toBe(first.token);
    expect(await resolveClaimToken(db, first.token)).toBeNull();
    expect((await resolveClaimToken(db, second.token))?.payout.id).toBe(payout.id);
  });

  it("recomputes the live link's token for the email step, only within the payout's organisation", async () => {
    const payout = await insertBarePayout(db, scope);
    const issued = await issueClaimLink(db, { payoutId: payout.id, expiresAt: inDays(30) });
    expect(await liveClaimLink(db, scope, payout.id)).toEqual(issued);

    const other = await insertOrganisation(db);
    expect(await liveClaimLink(db, other.scope, payout.id)).toBeNull();
    expect(await liveClaimLink(db, { ...scope, mode: "live" }, payout.id)).toBeNull();

    await revokeClaimLinks(db, [payout.id]);
    expect(await liveClaimLink(db, scope, payout.id)).toBeNull();
  });
});
