import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getPayout } from "@/app/api/v1/payouts/[id]/route";
import { POST as advance } from "@/app/api/v1/test_helpers/clock/advance/route";
import { POST as claim } from "@/app/api/v1/test_helpers/payouts/[id]/claim/route";
import { POST as expire } from "@/app/api/v1/test_helpers/payouts/[id]/expire/route";
import { POST as fail } from "@/app/api/v1/test_helpers/payouts/[id]/fail/route";
import { POST as pay } from "@/app/api/v1/test_helpers/payouts/[id]/pay/route";
import { POST as giveBack } from "@/app/api/v1/test_helpers/payouts/[id]/return/route";
import { db } from "@/db/client";
import { emails, events, payoutTransitions, testClocks } from "@/db/schema";
import type { RouteHandler } from "@/lib/api/handler";
import { getBalances, payoutLedgerHistory } from "@/lib/ledger";
import { expireDuePayouts } from "@/lib/payouts/expire-payouts";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import { claimablePayout, fundByApi, scopeOfKey, writeCounts } from "@/tests/fixtures/payout-api";

process.env.AUTH_SECRET ??= "integrator-helpers-test-secret-0123456789abcd";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  await fundByApi(acme.testKey, 10_000_000);
  await fundByApi(rival.testKey, 10_000_000);
});

const helper = (
  handler: RouteHandler,
  action: string,
  id: string,
  options: Record<string, unknown> = {},
  key = acme.testKey,
) =>
  call(handler, "POST", `/test_helpers/payouts/${id}/${action}`, {
    key,
    params: { id },
    ...options,
  });

const paypal = { method: "paypal", details: { account: "Rosa@Example.com" } };

async function read(id: string, key = acme.testKey) {
  return (await call(getPayout, "GET", `/payouts/${id}`, { key, params: { id } })).body;
}

async function eventTypes(payoutId: string) {
  const rows = await db.select({ type: events.type, data: events.data }).from(events);
  return rows
    .filter((e) => (e.data as { object?: { id: string } }).object?.id === payoutId)
    .map((e) => e.type);
}

describe("POST /v1/test_helpers/payouts/{id}/claim", () => {
  it("claims as the recipient would, with the method's details parsed by its own schema", async () => {
    const payout = await claimablePayout(db, acme);
    const res = await helper(claim, "claim", payout.id, { body: paypal });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "claimed",
      method: "paypal",
      status_reason: { code: "claimed_submitting" },
      expected_by: { earliest: expect.any(String), latest: expect.any(String) },
    });
    expect(await eventTypes(payout.id)).toContain("payout.claimed");
    // The event carries the object as the API shows it, with why and when.
    const [claimed] = (
      await db.select().from(events).where(eq(events.type, "payout.claimed"))
    ).filter((e) => (e.data as { object: { id: string } }).object.id === payout.id);
    expect(claimed?.data).toMatchObject({
      object: {
        status_reason: { code: "claimed_submitting" },
        expected_by: res.body.expected_by,
      },
    });
    const [transition] = await db
      .select()
      .from(payoutTransitions)
      .where(
        and(eq(payoutTransitions.payoutId, payout.id), eq(payoutTransitions.toStatus, "claimed")),
      );
    expect(transition?.actor).toBe(`api_key:${acme.testKeyId}`);
  });

  it("refuses what the claim page would refuse, in the API's words, writing nothing", async () => {
    const payout = await claimablePayout(db, acme);
    const pending = await claimablePayout(db, acme);
    await helper(expire, "expire", pending.id);
    const before = await writeCounts(db, acme.organisation.id);
    const cases = [
      { body: { method: "pix", details: {} }, path: "method", status: 422 },
      { body: { method: "bitcoin", details: {} }, path: "method", status: 422 },
      {
        body: { method: "paypal", details: { account: "not an account" } },
        path: "details.account",
        status: 422,
        message:
          "Enter the email address or mobile number (with country code, e.g. +1) of your PayPal account.",
      },
      {
        body: { method: "paypal", details: { account: "a\u0000@example.com" } },
        // The API's one text check names the very field that holds the NUL.
        path: "details.account",
        status: 422,
      },
      { body: { method: "paypal" }, path: "details.account", status: 422 },
      { body: { details: {} }, path: "method", status: 422 },
      { body: { ...paypal, extra: 1 }, path: "", status: 422 },
      { body: "paypal", path: "", status: 422 },
    ];
    for (const c of cases) {
      const res = await helper(claim, "claim", payout.id, { body: c.body });
      expect(res.status, JSON.stringify(c.body)).toBe(c.status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      if (c.path) expect(res.body.errors?.[0]?.path, JSON.stringify(c.body)).toBe(c.path);
      if (c.message) expect(res.body.errors[0].message).toBe(c.message);
    }
    const expired = await helper(claim, "claim", pending.id, { body: paypal });
    expect(expired.status).toBe(409);
    expect(expired.body.code).toBe("invalid_state_transition");
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });
});

describe("pay, fail and return", () => {
  it("pay moves a claimed payout through processing to paid, with the ledger's movements", async () => {
    const payout = await claimablePayout(db, acme, { amount: 3_000 });
    await helper(claim, "claim", payout.id, { body: paypal });
    const res = await helper(pay, "pay", payout.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "paid",
      status_reason: { code: "paid" },
      expected_by: null,
    });
    const history = await payoutLedgerHistory(db, scopeOfKey(acme), payout.id);
    expect(history.map((t) => `${t.from}>${t.to}`)).toEqual([
      "available>reserved",
      "reserved>in_transit",
      "in_transit>paid_out",
    ]);
    expect(await eventTypes(payout.id)).toEqual(
      expect.arrayContaining(["payout.processing", "payout.paid"]),
    );

    const again = await helper(fail, "fail", payout.id);
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe("A paid payout cannot be failed.");

    const returned = await helper(giveBack, "return", payout.id, {
      body: { reason: "account_closed" },
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({
      status: "returned",
      failure_reason: "account_closed",
      status_reason: { code: "returned:account_closed" },
    });
  });

  it("fail holds the money again for the recipient's next choice, which can then be paid", async () => {
    const payout = await claimablePayout(db, acme, { amount: 2_000 });
    await helper(claim, "claim", payout.id, { body: paypal });
    const failed = await helper(fail, "fail", payout.id, { body: { reason: "account_closed" } });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: "failed",
      failure_reason: "account_closed",
      status_reason: { code: "failed:account_closed" },
    });
    const words = await helper(fail, "fail", (await claimablePayout(db, acme)).id);
    expect(words.status).toBe(409);

    const reclaimed = await helper(claim, "claim", payout.id, {
      body: { method: "venmo", details: { account: "@rosa_pays" } },
    });
    expect(reclaimed.body.status).toBe("claimed");
    const paid = await helper(pay, "pay", payout.id);
    expect(paid.body.status).toBe("paid");
    const history = await payoutLedgerHistory(db, scopeOfKey(acme), payout.id);
    expect(history.map((t) => `${t.from}>${t.to}`)).toEqual([
      "available>reserved",
      "reserved>in_transit",
      "in_transit>reserved",
      "reserved>in_transit",
      "in_transit>paid_out",
    ]);
  });

  it("refuses a reason no database or mail could carry, writing nothing", async () => {
    const payout = await claimablePayout(db, acme);
    await helper(claim, "claim", payout.id, { body: paypal });
    const before = await writeCounts(db, acme.organisation.id);
    for (const reason of ["a\u0000b", "two\nlines", "lone\ud800", "", "x".repeat(501), 42]) {
      for (const [handler, action] of [
        [fail, "fail"],
        [giveBack, "return"],
      ] as const) {
        const res = await helper(handler, action, payout.id, { body: { reason } });
        expect(res.status, `${action} ${JSON.stringify(reason)}`).toBe(422);
        expect(res.body.errors[0].path).toBe("reason");
      }
    }
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });

  it("fail without a reason uses the provider's words and a generic code", async () => {
    const payout = await claimablePayout(db, acme);
    await helper(claim, "claim", payout.id, { body: paypal });
    const res = await helper(fail, "fail", payout.id);
    expect(res.body.status_reason.code).toBe("failed:provider_declined");
    expect(res.body.failure_reason).toMatch(/closed/);
  });

  it("expire releases the funds and kills the link", async () => {
    const payout = await claimablePayout(db, acme, { amount: 1_234 });
    const before = (await getBalances(db, scopeOfKey(acme)))[0]?.available ?? 0n;
    const res = await helper(expire, "expire", payout.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "expired", status_reason: { code: "expired" } });
    expect((await getBalances(db, scopeOfKey(acme)))[0]?.available).toBe(before + 1_234n);
    expect((await read(payout.id)).claim_url).toBeNull();
    const twice = await helper(expire, "expire", payout.id);
    expect(twice.status).toBe(409);
  });

  it("exist only in test mode and for the organisation's own payouts", async () => {
    const theirs = await claimablePayout(db, rival);
    const before = await writeCounts(db, rival.organisation.id);
    const actions = [
      [claim, "claim", { body: paypal }],
      [pay, "pay", {}],
      [fail, "fail", {}],
      [giveBack, "return", {}],
      [expire, "expire", {}],
    ] as const;
    for (const [handler, action, options] of actions) {
      for (const key of [acme.testKey, rival.liveKey]) {
        const res = await helper(handler, action, theirs.id, options, key);
        expect(res.status, `${action} with ${key.slice(0, 8)}`).toBe(404);
        expect(res.body.code).toBe("not_found");
      }
      // A live key is refused before its body is even read.
      const junk = await helper(handler, action, theirs.id, { rawBody: "{" }, rival.liveKey);
      expect(junk.status).toBe(404);
    }
    const clock = await call(advance, "POST", "/test_helpers/clock/advance", {
      key: rival.liveKey,
      body: { seconds: 60 },
    });
    expect(clock.status).toBe(404);
    expect(await writeCounts(db, rival.organisation.id)).toEqual(before);
  });

  it("replay a repeated Idempotency-Key", async () => {
    const payout = await claimablePayout(db, acme);
    const first = await helper(claim, "claim", payout.id, { body: paypal, idempotencyKey: "c-1" });
    const again = await helper(claim, "claim", payout.id, { body: paypal, idempotencyKey: "c-1" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });
});

describe("POST /v1/test_helpers/clock/advance", () => {
  const tick = (org: TestOrganisation, seconds: unknown) =>
    call(advance, "POST", "/test_helpers/clock/advance", { key: org.testKey, body: { seconds } });
  const DAY = 86_400;

  it("expires links and sends reminders when the clock reaches them, for this organisation only", async () => {
    const org = await createTestOrganisation(db, "Clocked");
    await fundByApi(org.testKey, 1_000_000);
    const payout = await claimablePayout(db, org);
    const theirs = await claimablePayout(db, rival);

    const nearly = await tick(org, Math.round(29.5 * DAY));
    expect(nearly.status).toBe(200);
    expect(nearly.body).toMatchObject({
      object: "test_clock",
      livemode: false,
      offset_seconds: Math.round(29.5 * DAY),
      swept: { expired_payouts: 0, reminders_sent: 1 },
    });
    const reminders = await db
      .select()
      .from(emails)
      .where(and(eq(emails.subjectRef, payout.id), like(emails.idempotencyKey, "reminder:%")));
    expect(reminders.map((r) => r.idempotencyKey)).toEqual([expect.stringMatching(/:1d$/)]);

    const past = await tick(org, DAY);
    expect(past.body.swept.expired_payouts).toBe(1);
    expect(past.body.offset_seconds).toBe(Math.round(30.5 * DAY));
    expect(Date.parse(past.body.now) - Date.now()).toBeGreaterThan(30 * DAY * 1000);
    expect((await read(payout.id, org.testKey)).status).toBe("expired");
    expect(await eventTypes(payout.id)).toContain("payout.expired");
    expect((await read(theirs.id, rival.testKey)).status).toBe("claimable");
  });

  it("starts later claim windows at the clock's time, and the sweeps keep reading the clock", async () => {
    const org = await createTestOrganisation(db, "Ahead");
    await fundByApi(org.testKey, 1_000_000);
    await tick(org, 40 * DAY);
    const payout = await claimablePayout(db, org);
    const opened = await read(payout.id, org.testKey);
    // Opened on the clock: a full 30 days from the clock's now, not from real time.
    const window = Date.parse(opened.expires_at) - (Date.now() + 40 * DAY * 1000);
    expect(Math.abs(window - 30 * DAY * 1000)).toBeLessThan(60_000);

    await expireDuePayouts(db);
    expect((await read(payout.id, org.testKey)).status).toBe("claimable");
    // Thirty real days later, the scheduled sweep finds it due on the clock.
    await expireDuePayouts(db, { now: new Date(Date.now() + 30 * DAY * 1000 + 60_000) });
    expect((await read(payout.id, org.testKey)).status).toBe("expired");
  });

  it("refuses bad input and a clock more than ten years ahead, writing nothing", async () => {
    const org = await createTestOrganisation(db, "Bounds");
    const before = await writeCounts(db, org.organisation.id);
    for (const seconds of [0, -1, 1.5, "60", null, 366 * DAY + 1, 2 ** 53]) {
      const res = await tick(org, seconds);
      expect(res.status, String(seconds)).toBe(422);
      expect(res.body.errors[0].path).toBe("seconds");
    }
    const extra = await call(advance, "POST", "/test_helpers/clock/advance", {
      key: org.testKey,
      body: { seconds: 60, days: 1 },
    });
    expect(extra.status).toBe(422);
    expect(await writeCounts(db, org.organisation.id)).toEqual(before);
    for (let i = 0; i < 10; i++) expect((await tick(org, 366 * DAY)).status).toBe(200);
    const beyond = await tick(org, 366 * DAY);
    expect(beyond.status).toBe(422);
    const [clock] = await db
      .select()
      .from(testClocks)
      .where(eq(testClocks.organisationId, org.organisation.id));
    expect(clock?.offsetSeconds).toBe(10 * 366 * DAY);
  });
});
