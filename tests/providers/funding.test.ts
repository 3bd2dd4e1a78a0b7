import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listInstructions } from "@/app/api/v1/funding/instructions/route";
import { db } from "@/db/client";
import type { Scope } from "@/db/scope";
import { getBalances } from "@/lib/ledger";
import { saveProviderCredentials } from "@/lib/providers/credentials";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import {
  deliverWebhook,
  type ProviderDoubles,
  startProviderDoubles,
  stripeKeys,
  tremendousKeys,
} from "./live-fixtures";

let doubles: ProviderDoubles;
beforeAll(async () => {
  doubles = await startProviderDoubles();
});
afterAll(async () => {
  expect(doubles.nonConforming()).toEqual([]);
  await doubles.close();
});

async function connected() {
  const org = await createTestOrganisation(db, "Funder");
  const scope: Scope = { organisationId: org.organisation.id, mode: "live" };
  const member = { scope, actor: { id: "usr_funder" } };
  await saveProviderCredentials(db, member, { provider: "stripe", credentials: stripeKeys });
  await saveProviderCredentials(db, member, {
    provider: "tremendous",
    credentials: tremendousKeys,
  });
  return { org, scope };
}

async function available(scope: Scope) {
  return (await getBalances(db, scope)).find((b) => b.currency === "USD")?.available ?? 0n;
}

describe("live funding", () => {
  it("GET /v1/funding/instructions says where to send funds per currency and provider", async () => {
    const { org } = await connected();
    const live = await call(listInstructions, "GET", "/funding/instructions", { key: org.liveKey });
    expect(live.status).toBe(200);
    expect(
      live.body.data.map((i: { provider: string; currency: string }) => [i.currency, i.provider]),
    ).toEqual([
      ["USD", "stripe"],
      ["USD", "tremendous"],
    ]);
    expect(live.body.data[0]).toMatchObject({ object: "funding_instruction", livemode: true });
    const test = await call(listInstructions, "GET", "/funding/instructions", { key: org.testKey });
    expect(test.body).toEqual({ object: "list", data: [], has_more: false });
  });

  it("credits a settled Stripe top-up to available exactly once", async () => {
    const { scope } = await connected();
    const topUp = doubles.stripe.topUp(250_000);
    expect((await deliverWebhook(db, scope, "stripe", topUp)).outcome).toBe("funding_credited");
    expect(await available(scope)).toBe(250_000n);
    // The same top-up again (a replayed event, or the same top-up under a new event id).
    await deliverWebhook(db, scope, "stripe", topUp);
    const again = doubles.stripe.signed("topup.succeeded", JSON.parse(topUp.rawBody).data.object);
    expect((await deliverWebhook(db, scope, "stripe", again)).outcome).toBe("funding_duplicate");
    expect(await available(scope)).toBe(250_000n);
  });

  it("credits a completed Tremendous top-up once, in minor units", async () => {
    const { scope } = await connected();
    const topUp = doubles.tremendous.topUp(1_234.5);
    expect((await deliverWebhook(db, scope, "tremendous", topUp)).outcome).toBe("funding_credited");
    expect(await available(scope)).toBe(123_450n);
  });
});
