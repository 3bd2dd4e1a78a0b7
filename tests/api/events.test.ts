import { beforeAll, describe, expect, it } from "vitest";
import { GET as getOne } from "@/app/api/v1/events/[id]/route";
import { GET as list } from "@/app/api/v1/events/route";
import { db } from "@/db/client";
import { recordEvent } from "@/lib/events/outbox";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";

let acme: TestOrganisation;
let rival: TestOrganisation;
const ids: string[] = [];

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  const scope = { organisationId: acme.organisation.id, mode: "test" as const };
  for (const [type, recipient] of [
    ["recipient.review_required", "rcp_a"],
    ["recipient.review_required", "rcp_b"],
  ] as const) {
    ids.push(
      await recordEvent(db, scope, type, {
        recipient_id: recipient,
        payout_id: null,
        reason: "sanctions",
      }),
    );
  }
  ids.push(
    await recordEvent(db, scope, "balance.low", {
      currency: "USD",
      available: 10n,
      threshold: 500n,
    }),
  );
});

describe("GET /v1/events", () => {
  it("lists the organisation's events newest first, filtered by type", async () => {
    const all = await call(list, "GET", "/events", { key: acme.testKey });
    expect(all.status).toBe(200);
    expect(all.body.data.map((e: { id: string }) => e.id)).toEqual([...ids].reverse());
    expect(all.body.data[0]).toMatchObject({
      object: "event",
      type: "balance.low",
      livemode: false,
      data: { currency: "USD", available: 10, threshold: 500 },
    });

    const filtered = await call(list, "GET", "/events", {
      key: acme.testKey,
      query: { type: "recipient.review_required", limit: "1" },
    });
    expect(filtered.body.data.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
    expect(filtered.body.has_more).toBe(true);
  });

  it("pages on with starting_after, without overlap or gap", async () => {
    const page = (query: Record<string, string>) =>
      call(list, "GET", "/events", { key: acme.testKey, query });
    const first = await page({ limit: "2" });
    expect(first.body.has_more).toBe(true);
    const second = await page({ limit: "2", starting_after: first.body.data[1].id });
    expect(second.body.has_more).toBe(false);
    expect([...first.body.data, ...second.body.data].map((e: { id: string }) => e.id)).toEqual(
      [...ids].reverse(),
    );
  });

  it("filters by creation time", async () => {
    const future = await call(list, "GET", "/events", {
      key: acme.testKey,
      query: { "created[gte]": new Date(Date.now() + 60_000).toISOString() },
    });
    expect(future.body.data).toEqual([]);
    const bad = await call(list, "GET", "/events", {
      key: acme.testKey,
      query: { "created[gte]": "yesterday", type: "payout.exploded" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "created[gte]",
      "type.0",
    ]);
  });

  it("shows nothing to another organisation or the other mode", async () => {
    for (const key of [rival.testKey, acme.liveKey]) {
      const res = await call(list, "GET", "/events", { key });
      expect(res.body.data).toEqual([]);
      const one = await call(getOne, "GET", `/events/${ids[0]}`, {
        key,
        params: { id: ids[0] as string },
      });
      expect(one.status).toBe(404);
    }
    const own = await call(getOne, "GET", `/events/${ids[0]}`, {
      key: acme.testKey,
      params: { id: ids[0] as string },
    });
    expect(own.body.data).toMatchObject({ recipient_id: "rcp_a" });
  });
});
