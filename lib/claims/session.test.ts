import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { insertClaimablePayout } from "@/tests/fixtures/claims";
import {
  CLAIM_SESSION_TTL_SECONDS,
  createClaimSession,
  endClaimSession,
  readClaimSession,
} from "./session";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "test-secret-for-claim-codes-000000000000";
});

async function started() {
  const claim = await insertClaimablePayout(db);
  const { token, session } = await createClaimSession(db, {
    organisationId: claim.organisationId,
    mode: "test",
    claimLinkId: claim.claimLinkId,
    payoutId: claim.payoutId,
  });
  return { claim, token, session };
}

describe("claim sessions", () => {
  it("opens the payout of the link it was created for", async () => {
    const { claim, token, session } = await started();
    const read = await readClaimSession(db, { token, claimLinkId: claim.claimLinkId });
    expect(read).toMatchObject({
      id: session.id,
      payoutId: claim.payoutId,
      organisationId: claim.organisationId,
    });
  });

  it("never opens another link, even of the same organisation", async () => {
    const { token } = await started();
    const other = await insertClaimablePayout(db);
    expect(await readClaimSession(db, { token, claimLinkId: other.claimLinkId })).toBeNull();
  });

  it("expires after its short lifetime", async () => {
    const { claim, token } = await started();
    const late = new Date(Date.now() + CLAIM_SESSION_TTL_SECONDS * 1000 + 1000);
    expect(
      await readClaimSession(db, { token, claimLinkId: claim.claimLinkId, now: late }),
    ).toBeNull();
  });

  it("refuses unknown, empty and ended tokens", async () => {
    const { claim, token } = await started();
    expect(
      await readClaimSession(db, { token: undefined, claimLinkId: claim.claimLinkId }),
    ).toBeNull();
    expect(
      await readClaimSession(db, { token: `${token}x`, claimLinkId: claim.claimLinkId }),
    ).toBeNull();
    await endClaimSession(db, token);
    expect(await readClaimSession(db, { token, claimLinkId: claim.claimLinkId })).toBeNull();
  });
});
