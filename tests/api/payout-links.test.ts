import { and, count, eq, isNull, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listEvents } from "@/app/api/v1/events/route";
import { POST as cancelPayout } from "@/app/api/v1/payouts/[id]/cancel/route";
import { POST as reissue } from "@/app/api/v1/payouts/[id]/reissue/route";
import { POST as resend } from "@/app/api/v1/payouts/[id]/resend/route";
import { GET as getPayout } from "@/app/api/v1/payouts/[id]/route";
import { POST as createPayout, GET as listPayouts } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { auditLog, claimLinks, emails, idempotencyKeys, payouts } from "@/db/schema";
import type { RouteHandler } from "@/lib/api/handler";
import { resolveClaimToken } from "@/lib/claims/links";
import { sendDueReminders } from "@/lib/claims/reminders";
import { appUrl } from "@/lib/config";
import { getBalances, payoutLedgerHistory, verifyLedger } from "@/lib/ledger";
import { openEmail } from "@/lib/mail";
import { movePayout } from "@/lib/payouts/machine";
import { call } from "@/tests/fixtures/api-requests";
import { createTestOrganisation, type TestOrganisation } from "@/tests/fixtures/organisations";
import {
  claimablePayout,
  eventually,
  fundByApi,
  scopeOfKey,
  writeCounts,
} from "@/tests/fixtures/payout-api";

process.env.AUTH_SECRET ??= "integrator-links-test-secret-0123456789abcdef";
process.env.DEV_MAILBOX ??= "1";

let acme: TestOrganisation;
let rival: TestOrganisation;

beforeAll(async () => {
  acme = await createTestOrganisation(db, "Acme");
  rival = await createTestOrganisation(db, "Rival");
  await fundByApi(acme.testKey, 10_000_000);
  await fundByApi(rival.testKey, 10_000_000);
});

const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);

async function liveLinks(payoutId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(claimLinks)
    .where(and(eq(claimLinks.payoutId, payoutId), isNull(claimLinks.revokedAt)));
  return row?.n ?? 0;
}

async function invitesOf(payoutId: string) {
  return db
    .select()
    .from(emails)
    .where(and(eq(emails.subjectRef, payoutId), like(emails.idempotencyKey, "invite:%")));
}

async function available(org: TestOrganisation) {
  const balances = await getBalances(db, scopeOfKey(org));
  return balances.find((b) => b.currency === "USD")?.available ?? 0n;
}

const post = (handler: RouteHandler, path: string, id: string, options = {}) =>
  call(handler, "POST", path.replace("{id}", id), {
    key: acme.testKey,
    params: { id },
    ...options,
  });

describe("claim_url", () => {
  it("is null when the payout is created pending, then the live link's URL once claimable, the same on every read without a second link", async () => {
    const created = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "claim-url-1",
      body: {
        recipient: { email: "ada@example.com", country: "US" },
        amount: 1_000,
        currency: "USD",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "pending", claim_url: null, notify: "email" });

    const payout = await claimablePayout(db, acme);
    const reads = [];
    for (let i = 0; i < 3; i++) {
      reads.push(
        await call(getPayout, "GET", `/payouts/${payout.id}`, {
          key: acme.testKey,
          params: { id: payout.id },
        }),
      );
    }
    const [first] = reads;
    expect(first?.body.status).toBe("claimable");
    expect(first?.body.claim_url).toMatch(new RegExp(`^${appUrl()}/c/[A-Za-z0-9_-]{43}$`));
    expect(new Set(reads.map((r) => r.body.claim_url)).size).toBe(1);
    expect(await liveLinks(payout.id)).toBe(1);
    const opened = await resolveClaimToken(db, tokenOf(first?.body.claim_url));
    expect(opened?.payout.id).toBe(payout.id);
    // The mailed invite carries the same link.
    const [invite] = await invitesOf(payout.id);
    expect(openEmail(invite)?.text).toContain(first?.body.claim_url);
  });

  it("never appears in lists or events, and is null once the payout is canceled", async () => {
    const payout = await claimablePayout(db, acme);
    const list = await call(listPayouts, "GET", "/payouts", {
      key: acme.testKey,
      query: { limit: "100" },
    });
    const listed = list.body.data.find((p: { id: string }) => p.id === payout.id);
    expect(listed.status).toBe("claimable");
    expect("claim_url" in listed).toBe(false);
    const events = await call(listEvents, "GET", "/events", {
      key: acme.testKey,
      query: { limit: "100" },
    });
    const about = events.body.data.filter(
      (e: { data: { object?: { id: string } } }) => e.data.object?.id === payout.id,
    );
    expect(about.map((e: { type: string }) => e.type).sort()).toEqual([
      "payout.claimable",
      "payout.created",
    ]);
    for (const e of about) expect(JSON.stringify(e)).not.toMatch(/claim_url|\/c\//);

    await post(cancelPayout, "/payouts/{id}/cancel", payout.id);
    const after = await call(getPayout, "GET", `/payouts/${payout.id}`, {
      key: acme.testKey,
      params: { id: payout.id },
    });
    expect(after.body).toMatchObject({ status: "canceled", claim_url: null });
  });

  it("answers another organisation's payout, and a live key, with 404", async () => {
    const theirs = await claimablePayout(db, rival);
    const before = await writeCounts(db, rival.organisation.id);
    for (const [handler, method, path] of [
      [getPayout, "GET", "/payouts/{id}"],
      [resend, "POST", "/payouts/{id}/resend"],
      [reissue, "POST", "/payouts/{id}/reissue"],
    ] as const) {
      for (const key of [acme.testKey, rival.liveKey]) {
        const res = await call(handler, method, path.replace("{id}", theirs.id), {
          key,
          params: { id: theirs.id },
        });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(res.body.code).toBe("not_found");
      }
    }
    expect(await writeCounts(db, rival.organisation.id)).toEqual(before);
  });
});

describe("notify: none", () => {
  it("stores the choice, sends no invitation or reminder, and still gives claim_url", async () => {
    const silent = await claimablePayout(db, acme, { notify: "none" });
    const mailed = await claimablePayout(db, acme);
    const got = await call(getPayout, "GET", `/payouts/${silent.id}`, {
      key: acme.testKey,
      params: { id: silent.id },
    });
    expect(got.body).toMatchObject({
      notify: "none",
      claim_url: expect.stringContaining("/c/"),
      status_reason: { code: "awaiting_claim" },
    });
    expect(got.body.status_reason.message).toContain("you deliver");
    expect(await invitesOf(silent.id)).toEqual([]);
    expect(await invitesOf(mailed.id)).toHaveLength(1);

    // A day before the links expire, reminders go out, but not for the silent payout.
    await sendDueReminders(db, { now: new Date(Date.now() + 29.5 * 86_400_000) });
    const reminders = await db
      .select({ subjectRef: emails.subjectRef })
      .from(emails)
      .where(like(emails.idempotencyKey, "reminder:%"));
    const reminded = reminders.map((r) => r.subjectRef);
    expect(reminded).toContain(mailed.id);
    expect(reminded).not.toContain(silent.id);
  });

  it("refuses to resend a link the platform delivers, changing nothing", async () => {
    const silent = await claimablePayout(db, acme, { notify: "none" });
    const before = await writeCounts(db, acme.organisation.id);
    const res = await post(resend, "/payouts/{id}/resend", silent.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("conflict");
    expect(res.body.detail).toContain("notify");
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });
});

describe("POST /v1/payouts/{id}/resend", () => {
  it("emails the same live link again, audited as the API key", async () => {
    const payout = await claimablePayout(db, acme);
    const res = await post(resend, "/payouts/{id}/resend", payout.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: payout.id, status: "claimable" });
    const invites = await eventually(
      () => invitesOf(payout.id),
      (rows) => rows.length === 2,
    );
    expect(invites).toHaveLength(2);
    for (const mail of invites) expect(openEmail(mail)?.text).toContain(res.body.claim_url);
    expect(await liveLinks(payout.id)).toBe(1);
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, payout.id), eq(auditLog.action, "payout.resend_link")));
    expect(audit?.actorId).toBe(`api:${acme.testKeyId}`);
  });

  it("refuses a payout that has no link yet, changing nothing", async () => {
    const created = await call(createPayout, "POST", "/payouts", {
      key: acme.testKey,
      idempotencyKey: "pending-resend",
      body: { recipient: { email: "p@example.com", country: "US" }, amount: 700, currency: "USD" },
    });
    const before = await writeCounts(db, acme.organisation.id);
    const res = await post(resend, "/payouts/{id}/resend", created.body.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("invalid_state_transition");
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
  });
});

describe("POST /v1/payouts/{id}/reissue", () => {
  it("kills the old link, answers with the new one and emails it; the deadline stays", async () => {
    const payout = await claimablePayout(db, acme);
    const old = await call(getPayout, "GET", `/payouts/${payout.id}`, {
      key: acme.testKey,
      params: { id: payout.id },
    });
    const res = await post(reissue, "/payouts/{id}/reissue", payout.id);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("claimable");
    expect(res.body.claim_url).not.toBe(old.body.claim_url);
    expect(res.body.expires_at).toBe(old.body.expires_at);
    expect(await resolveClaimToken(db, tokenOf(old.body.claim_url))).toBeNull();
    expect((await resolveClaimToken(db, tokenOf(res.body.claim_url)))?.payout.id).toBe(payout.id);
    expect(await liveLinks(payout.id)).toBe(1);
    const invites = await eventually(
      () => invitesOf(payout.id),
      (rows) => rows.some((m) => openEmail(m)?.text.includes(res.body.claim_url)),
    );
    expect(invites.some((m) => openEmail(m)?.text.includes(res.body.claim_url))).toBe(true);
  });

  it("reopens an expired payout: funds reserved again, a new window, a new link, audited", async () => {
    const payout = await claimablePayout(db, acme, { amount: 4_321 });
    const scope = scopeOfKey(acme);
    await movePayout(db, scope, payout.id, "expire", { reason: "link_expired", actor: "system" });
    const before = await available(acme);

    const res = await post(reissue, "/payouts/{id}/reissue", payout.id, {
      body: { expires_in_days: 14 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "claimable",
      claim_url: expect.stringContaining("/c/"),
    });
    const window = new Date(res.body.expires_at).getTime() - Date.now();
    expect(Math.abs(window - 14 * 86_400_000)).toBeLessThan(60_000);
    expect(await available(acme)).toBe(before - 4_321n);
    const history = await payoutLedgerHistory(db, scope, payout.id);
    expect(history.map((t) => `${t.from}>${t.to}`)).toEqual([
      "available>reserved",
      "reserved>available",
      "available>reserved",
    ]);
    const [row] = await db.select().from(payouts).where(eq(payouts.id, payout.id));
    expect(row).toMatchObject({ reissues: 1, claimWindowDays: 14 });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, payout.id), eq(auditLog.action, "payout.reissue_link")));
    expect(audit).toMatchObject({
      actorId: `api:${acme.testKeyId}`,
      before: { status: "expired", linkId: null },
      after: { status: "claimable", reserved: "4321" },
    });
  });

  it("takes an expired payout round again and again, each reservation and release posted once", async () => {
    const payout = await claimablePayout(db, acme, { amount: 1_111, expires_in_days: 3 });
    const scope = scopeOfKey(acme);
    const start = await available(acme);
    for (let round = 0; round < 3; round++) {
      await movePayout(db, scope, payout.id, "expire", { reason: "link_expired", actor: "system" });
      expect(await available(acme)).toBe(start + 1_111n);
      const res = await post(reissue, "/payouts/{id}/reissue", payout.id);
      expect(res.status).toBe(200);
      // Without expires_in_days, the payout's own window again.
      const window = new Date(res.body.expires_at).getTime() - Date.now();
      expect(Math.abs(window - 3 * 86_400_000)).toBeLessThan(60_000);
      expect(await available(acme)).toBe(start);
    }
    expect(await payoutLedgerHistory(db, scope, payout.id)).toHaveLength(7);
    expect((await verifyLedger(db)).problems).toEqual([]);
  });

  it("refuses an expired payout the balance cannot cover with insufficient_funds, changing nothing", async () => {
    const poor = await createTestOrganisation(db, "Poor");
    await fundByApi(poor.testKey, 3_000);
    const payout = await claimablePayout(db, poor, { amount: 2_500 });
    const scope = scopeOfKey(poor);
    await movePayout(db, scope, payout.id, "expire", { reason: "link_expired", actor: "system" });
    await claimablePayout(db, poor, { amount: 2_000 });
    const before = await writeCounts(db, poor.organisation.id);
    const res = await call(reissue, "POST", `/payouts/${payout.id}/reissue`, {
      key: poor.testKey,
      params: { id: payout.id },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("insufficient_funds");
    expect(await writeCounts(db, poor.organisation.id)).toEqual(before);
  });

  it("replays a repeated Idempotency-Key: the same link, no third one, stored sealed", async () => {
    const payout = await claimablePayout(db, acme);
    const first = await post(reissue, "/payouts/{id}/reissue", payout.id, {
      idempotencyKey: "re-1",
    });
    const [stored] = await db
      .select({ body: idempotencyKeys.responseBody })
      .from(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.organisationId, acme.organisation.id),
          eq(idempotencyKeys.key, "re-1"),
        ),
      );
    // The stored copy is no usable link: the claim URL's token never sits in the table.
    expect(stored?.body).toBeTruthy();
    expect(stored?.body).not.toContain(tokenOf(first.body.claim_url));
    const again = await post(reissue, "/payouts/{id}/reissue", payout.id, {
      idempotencyKey: "re-1",
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const [row] = await db
      .select({ n: count() })
      .from(claimLinks)
      .where(eq(claimLinks.payoutId, payout.id));
    expect(row?.n).toBe(2);
  });

  it("refuses bad input with problem+json and writes nothing", async () => {
    const payout = await claimablePayout(db, acme);
    const other = await claimablePayout(db, acme, { notify: "none" });
    const cases: { name: string; id?: string; options: Record<string, unknown>; status: number }[] =
      [
        {
          name: "expires_in_days on a claimable payout",
          options: { body: { expires_in_days: 5 } },
          status: 422,
        },
        { name: "expires_in_days 0", options: { body: { expires_in_days: 0 } }, status: 422 },
        { name: "expires_in_days 366", options: { body: { expires_in_days: 366 } }, status: 422 },
        { name: "expires_in_days 1.5", options: { body: { expires_in_days: 1.5 } }, status: 422 },
        {
          name: "expires_in_days as text",
          options: { body: { expires_in_days: "7" } },
          status: 422,
        },
        { name: "an unknown field", options: { body: { expiresInDays: 7 } }, status: 422 },
        { name: "a body that is not an object", options: { body: [1, 2] }, status: 422 },
        {
          name: "malformed JSON",
          options: { rawBody: "{", headers: { "content-type": "application/json" } },
          status: 400,
        },
        {
          name: "a non-JSON content type",
          options: { rawBody: "a=b", headers: { "content-type": "text/plain" } },
          status: 400,
        },
        { name: "a bad Idempotency-Key", options: { idempotencyKey: "sp ace" }, status: 400 },
        { name: "a malformed id", id: "po_%ZZ", options: {}, status: 404 },
        {
          name: "an id of another kind",
          id: "bat_0000000000000000000000000",
          options: {},
          status: 404,
        },
        { name: "an unknown id", id: "po_0000000000000000000000000", options: {}, status: 404 },
      ];
    const before = await writeCounts(db, acme.organisation.id);
    for (const c of cases) {
      for (const [handler, path] of [
        [reissue, "/payouts/{id}/reissue"],
        [resend, "/payouts/{id}/resend"],
      ] as const) {
        if (handler === resend && "body" in c.options) continue;
        const res = await post(handler, path, c.id ?? payout.id, c.options);
        expect(res.status, `${path}: ${c.name}`).toBe(c.status);
        expect(res.headers.get("content-type"), c.name).toBe("application/problem+json");
      }
    }
    expect(await writeCounts(db, acme.organisation.id)).toEqual(before);
    expect(other.id).toBeDefined();
  });
});
