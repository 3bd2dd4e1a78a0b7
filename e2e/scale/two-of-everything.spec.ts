import { randomBytes, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { expect, type Page, type Request, test } from "@playwright/test";
import { and, count, eq, sql } from "drizzle-orm";
import { createDb } from "@/db/client";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { batches, claimLinks, emails, payouts, recipients } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { type LocalEngine, startLocalEngine } from "@/inngest/engine";
import { hashClaimToken } from "@/lib/claims/links";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { deposit, verifyLedger } from "@/lib/ledger";
import { openEmail } from "@/lib/mail";
import { ENDPOINT_CONCURRENCY } from "@/lib/webhooks/delivery";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import { makeTaxIdKeys } from "../../scripts/local-secrets";
import {
  appInstance,
  freePort,
  type Instance,
  loadBalancer,
  untilHealthy,
  workerInstance,
} from "./support";

/*
 * Two of everything: two app instances behind a load balancer and two function workers
 * behind another, one PostgreSQL and the local engine. A 10,000-payout batch goes in
 * through the API and 2,000 recipients claim through the claim pages (the same HTTP
 * requests a browser sends, captured once from a real one); one worker is killed -9
 * while the batch fans out, one app instance while the claims come in. Every effect must
 * happen exactly once and the books must balance.
 *
 * An e2e spec rather than a vitest file: it needs the production build (`next start`)
 * that `npm run test:e2e` makes first, and real processes to kill.
 */

const BATCH = 10_000;
const CLAIMS = 2_000;
const CLAIMERS = 8;
const DATA_DIR = ".data/e2e-two";
const MINUTE = 60_000;

// The spec opens mail and seals webhook secrets as the apps do: the same AUTH_SECRET. The
// app's configuration is read once per process, and specs before this one in the same
// worker may have read it with theirs, so that one is kept when there is one.
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
const authSecret = process.env.AUTH_SECRET;
const eventKey = `evt-${randomUUID()}`;
const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;

test.describe.configure({ timeout: 20 * MINUTE });

type Db = ReturnType<typeof createDb>["db"];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5 * MINUTE) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A request the load balancer could not complete (the instance died under it) is sent again. */
async function withRetries<T>(what: string, send: () => Promise<T>, tries = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= tries || !(error instanceof Transient)) {
        throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

class Transient extends Error {}

async function lbFetch(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "manual" });
  } catch (error) {
    throw new Transient(`${url}: ${(error as Error).message}`);
  }
  if (response.status === 502) throw new Transient(`${url}: 502 from the load balancer`);
  return response;
}

type Captured = { url: string; body: string; headers: Record<string, string> };

async function capture(request: Request): Promise<Captured> {
  const headers = await request.allHeaders();
  return {
    url: request.url(),
    body: request.postData() ?? "",
    headers: Object.fromEntries(
      Object.entries(headers).filter(
        ([k]) =>
          !["cookie", "content-length", "host", "connection"].includes(k) && !k.startsWith(":"),
      ),
    ),
  };
}

/** The captured request with another link's token (and code) in its URL, headers and body. */
function replay(captured: Captured, swaps: [string, string][]) {
  const swap = (text: string) =>
    swaps.reduce(
      (out, [from, to]) =>
        out.split(from).join(to).split(encodeURIComponent(from)).join(encodeURIComponent(to)),
      text,
    );
  return {
    url: swap(captured.url),
    body: swap(captured.body),
    headers: Object.fromEntries(Object.entries(captured.headers).map(([k, v]) => [k, swap(v)])),
  };
}

/** The claim link in a payout's invite, read as its recipient would. */
async function claimTokens(db: Db, batchId: string) {
  const rows = await db
    .select({ id: emails.id, content: emails.content, payoutId: emails.subjectRef })
    .from(emails)
    .innerJoin(payouts, eq(payouts.id, emails.subjectRef))
    .where(and(eq(payouts.batchId, batchId), eq(emails.kind, "invite")));
  return rows.map((row) => {
    const text = openEmail(row)?.text ?? "";
    const token = /\/c\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
    if (!token) throw new Error(`no claim link in the invite of ${row.payoutId}`);
    return { payoutId: row.payoutId as string, token };
  });
}

/** The newest claim code mailed to `to` after `since`. */
async function codeFor(db: Db, to: string, since: Date): Promise<string> {
  let code: string | undefined;
  await until(
    `a claim code for ${to}`,
    async () => {
      const [row] = await db
        .select({ id: emails.id, content: emails.content })
        .from(emails)
        .where(
          and(
            eq(emails.to, to),
            eq(emails.kind, "claim_code"),
            sql`${emails.createdAt} >= ${since.toISOString()}::timestamptz`,
          ),
        )
        .orderBy(sql`${emails.createdAt} desc`)
        .limit(1);
      code = /\b(\d{6})\b/.exec(openEmail(row)?.text ?? "")?.[1];
      return Boolean(code);
    },
    MINUTE,
  );
  return code as string;
}

let pg: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
let engine: LocalEngine | undefined;
let receiver: WebhookReceiver | undefined;
const instances: Instance[] = [];
const closers: (() => Promise<void>)[] = [];

test.afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await engine?.stop();
  for (const close of closers) await close();
  await receiver?.close();
  await pg?.stop().catch(() => {});
  await rm(DATA_DIR, { recursive: true, force: true });
});

test("two app instances and two workers, one of each killed -9 mid-way: every effect once, the books balanced", async ({
  page,
}) => {
  await rm(DATA_DIR, { recursive: true, force: true });
  pg = await startEmbeddedPostgres({ dataDir: `${DATA_DIR}/pg`, persistent: false });
  await runMigrations(pg.url);
  const { db, sql: client } = createDb(pg.url, { max: 8 });
  closers.push(() => client.end({ timeout: 5 }));

  // Ports first: the load balancers, the apps' APP_URL and the engine's app URL need them.
  const appPorts = [await freePort(), await freePort()];
  const workerPorts = [await freePort(), await freePort()];
  const apps = await loadBalancer(appPorts.map((port) => ({ port })));
  const workers = await loadBalancer(workerPorts.map((port) => ({ port })));
  closers.push(apps.close, workers.close);
  // The engine's clock can move on a minute, so a sweep (the relay's, the resume of a
  // fan-out) comes now rather than at the next real minute: at most every 3 s of waiting.
  let ahead = 0;
  let nudged = Date.now();
  const nudge = () => {
    if (Date.now() - nudged < 3_000) return;
    nudged = Date.now();
    ahead += MINUTE;
  };
  engine = await startLocalEngine({
    databaseUrl: pg.url,
    appUrl: `${workers.url}/api/inngest`,
    signingKey,
    eventKey,
    port: 0,
    log: () => {},
    clock: () => Date.now() + ahead,
    backoffMs: () => 500,
  });
  const env = {
    ...process.env,
    DATABASE_URL: pg.url,
    AUTH_SECRET: authSecret,
    TAX_ID_KEYS: makeTaxIdKeys(),
    APP_URL: apps.url,
    AUTH_TRUST_HOST: "true",
    INNGEST_BASE_URL: engine.url,
    INNGEST_EVENT_KEY: eventKey,
    INNGEST_SIGNING_KEY: signingKey,
    DEV_MAILBOX: "1",
    TRUSTED_PROXIES: "loopback",
    API_RATE_LIMIT: "1000000",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
  const [appA, appB] = appPorts.map((port, i) => appInstance(`app ${"AB"[i]}`, port, env)) as [
    Instance,
    Instance,
  ];
  const [workerA, workerB] = workerPorts.map((port, i) =>
    workerInstance(`worker ${"AB"[i]}`, port, env),
  ) as [Instance, Instance];
  instances.push(appA, appB, workerA, workerB);
  await Promise.all([
    ...[appA, appB].map((a) => untilHealthy(`http://127.0.0.1:${a.port}/api/health`, a)),
    ...[workerA, workerB].map((w) => untilHealthy(`http://127.0.0.1:${w.port}/health`, w)),
  ]);
  await engine.sync();

  const tenant = await createTestOrganisation(db, "Two of Everything");
  const scope: Scope = { organisationId: tenant.organisation.id, mode: "test" };
  await deposit(db, scope, { currency: "USD", amount: 10n ** 12n, idempotencyKey: "two" });
  receiver = await startWebhookReceiver();
  const { endpoint, secret } = await createWebhookEndpoint(db, scope, {
    url: receiver.url("/two"),
    event_types: ["payout.claimable", "payout.paid"],
  });
  receiver.register("/two", secret);

  // The batch, through whichever app the load balancer picks.
  const batch = await withRetries("the batch", async () => {
    const response = await lbFetch(`${apps.url}/api/v1/batches`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tenant.testKey}`,
        "content-type": "application/json",
        "idempotency-key": "two-batch",
      },
      body: JSON.stringify({
        name: "Two of everything",
        currency: "USD",
        items: Array.from({ length: BATCH }, (_, i) => ({
          recipient: { email: `two${i}@example.com`, name: `Two ${i}`, country: "US" },
          amount: 1_000 + (i % 10),
        })),
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()) as { id: string };
  });

  const claimable = async () => {
    const [row] = await db
      .select({ n: count() })
      .from(payouts)
      .where(and(eq(payouts.batchId, batch.id), eq(payouts.status, "claimable")));
    return row?.n ?? 0;
  };
  // A worker dies while the fan-out is under way; the engine's calls go on at the other.
  await until("the fan-out under way", async () => (await claimable()) >= BATCH / 4);
  workerA.crash();
  const completed = async () => {
    const [row] = await db
      .select({ status: batches.status })
      .from(batches)
      .where(eq(batches.id, batch.id));
    return row?.status === "completed";
  };
  await until(
    "the fan-out to finish",
    async () => {
      if (await completed()) return true;
      // A step cut off with its worker runs again on the engine's retry; the minute
      // sweeps (relay, resume) cover what a killed process left undone.
      nudge();
      return false;
    },
    10 * MINUTE,
  );

  // One claim through a real browser, to capture the three requests a claim makes.
  const tokens = await claimTokens(db, batch.id);
  expect(tokens).toHaveLength(BATCH);
  const [first, ...rest] = tokens as [(typeof tokens)[number], ...typeof tokens];
  const [firstRecipient] = await db
    .select({ email: recipients.email })
    .from(payouts)
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .where(eq(payouts.id, first.payoutId));
  const captured = await claimInBrowser(
    page,
    db,
    apps.url,
    first.token,
    firstRecipient?.email as string,
  );

  // The other claims, eight at a time, through both apps; app A dies a third of the way in.
  const todo = rest.slice(0, CLAIMS - 1);
  let done = 1;
  let nextClaim = 0;
  const claimer = async () => {
    for (;;) {
      const i = nextClaim++;
      const claim = todo[i];
      if (!claim) return;
      const [recipient] = await db
        .select({ email: recipients.email })
        .from(payouts)
        .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
        .where(eq(payouts.id, claim.payoutId));
      // A recipient of their own: per-IP limits see one person per claim.
      const ip = `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      await claimOverHttp(db, captured, first.token, claim.token, recipient?.email as string, ip);
      done++;
      if (done === Math.floor(CLAIMS / 3) && appA.alive()) appA.crash();
    }
  };
  await Promise.all(Array.from({ length: CLAIMERS }, () => claimer()));
  expect(appA.alive()).toBe(false);
  expect(workerA.alive()).toBe(false);

  const claimedIds = [first.payoutId, ...todo.map((c) => c.payoutId)];
  const paid = async () => {
    const [row] = await db
      .select({ n: count() })
      .from(payouts)
      .where(and(eq(payouts.batchId, batch.id), eq(payouts.status, "paid")));
    return row?.n ?? 0;
  };
  await until(
    "every claimed payout paid",
    async () => {
      if ((await paid()) === CLAIMS) return true;
      nudge();
      return false;
    },
    10 * MINUTE,
  );
  const expectedWebhooks = BATCH + CLAIMS;
  await until(
    "every webhook",
    async () => {
      const ids = new Set(receiver?.on("/two").map((r) => r.headers["webhook-id"]));
      if (ids.size >= expectedWebhooks) return true;
      // An attempt a killed worker held is taken again once its hold lapses.
      nudge();
      return false;
    },
    10 * MINUTE,
  );

  // Receipts go out in the background after each payment; wait for the last of them.
  await until(
    "every receipt",
    async () => {
      const [row] = await db
        .select({ n: count() })
        .from(emails)
        .innerJoin(payouts, eq(payouts.id, emails.subjectRef))
        .where(and(eq(payouts.batchId, batch.id), eq(emails.kind, "receipt")));
      if ((row?.n ?? 0) >= CLAIMS) return true;
      nudge();
      return false;
    },
    5 * MINUTE,
  );

  // Exactly once, whatever died when.
  const perPayout = async (query: ReturnType<typeof sql>) =>
    (await db.execute<{ n: number; payouts: number }>(query))[0];
  expect(
    await perPayout(sql`
      select max(n)::int as n, count(*)::int as payouts from (
        select count(*) as n from claim_links l join payouts p on p.id = l.payout_id
        where p.batch_id = ${batch.id} group by l.payout_id) x`),
    "one claim link per payout",
  ).toEqual({ n: 1, payouts: BATCH });
  expect(
    await perPayout(sql`
      select max(n)::int as n, count(*)::int as payouts from (
        select count(*) as n from emails e join payouts p on p.id = e.subject_ref
        where p.batch_id = ${batch.id} and e.kind = 'invite' group by e.subject_ref) x`),
    "one invite per payout",
  ).toEqual({ n: 1, payouts: BATCH });
  expect(
    await perPayout(sql`
      select max(n)::int as n, count(*)::int as payouts from (
        select count(*) as n from payout_transitions t join payouts p on p.id = t.payout_id
        where p.batch_id = ${batch.id} and t.to_status = 'processing' group by t.payout_id) x`),
    "one submission per claimed payout",
  ).toEqual({ n: 1, payouts: CLAIMS });
  expect(
    await perPayout(sql`
      select max(n)::int as n, count(*)::int as payouts from (
        select count(*) as n from emails e join payouts p on p.id = e.subject_ref
        where p.batch_id = ${batch.id} and e.kind = 'receipt' group by e.subject_ref) x`),
    "one receipt per paid payout",
  ).toEqual({ n: 1, payouts: CLAIMS });
  const [claimedOnce] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from payouts where id = any(${sql.param(claimedIds)}::text[])
      and status = 'paid'`);
  expect(claimedOnce?.n).toBe(CLAIMS);
  // One delivery per event per endpoint, each succeeded; every event reached the receiver.
  expect(
    await perPayout(sql`
      select max(n)::int as n, count(*)::int as payouts from (
        select count(*) as n from webhook_deliveries
        where endpoint_id = ${endpoint.id} and status = 'succeeded' group by event_id) x`),
    "one delivery per event",
  ).toEqual({ n: 1, payouts: expectedWebhooks });
  const received = receiver.on("/two");
  expect(received.every((r) => r.verified)).toBe(true);
  const ids = received.map((r) => r.headers["webhook-id"]);
  // A request the killed worker had sent but not logged goes again with the same
  // webhook-id (at least once, the documented contract): at most what it held.
  expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(ENDPOINT_CONCURRENCY);
  expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });
  console.log(
    `requests answered per app: ${apps.counts.join(", ")}; engine calls per worker: ${workers.counts.join(", ")}; webhook repeats: ${ids.length - new Set(ids).size}`,
  );
});

/**
 * Claims the first payout as its recipient does in a browser, and keeps the three
 * requests the claim makes: the code request and the code check (form posts to the
 * link) and the confirmation (a server action).
 */
async function claimInBrowser(page: Page, db: Db, origin: string, token: string, email: string) {
  await page.goto(`${origin}/c/${token}`);
  const asked = new Date(Date.now() - 1_000);
  const [sendCode] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith(`/c/${token}`), {
      timeout: MINUTE,
    }),
    page.getByRole("button", { name: "Email me a code" }).click(),
  ]);
  const code = await codeFor(db, email, asked);
  await page.getByLabel("6-digit code").fill(code);
  const [check] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith(`/c/${token}`), {
      timeout: MINUTE,
    }),
    page.getByRole("button", { name: "Verify", exact: true }).click(),
  ]);
  await page.getByRole("link", { name: /^PayPal/ }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  const [confirm] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]), {
      timeout: MINUTE,
    }),
    page.getByRole("button", { name: "Confirm and get paid" }).click(),
  ]);
  await expect(page.getByRole("main").getByRole("status")).toBeVisible();
  return {
    sendCode: await capture(sendCode),
    check: await capture(check),
    confirm: await capture(confirm),
    code,
    email,
  };
}

/**
 * One claim over HTTP through the load balancer: the browser's three requests with this
 * link's token and its own code. A step the load balancer could not complete (an app died
 * under it) starts the claim over, after the code's resend cooldown when one was sent.
 */
async function claimOverHttp(
  db: Db,
  captured: Awaited<ReturnType<typeof claimInBrowser>>,
  capturedToken: string,
  token: string,
  email: string,
  ip: string,
) {
  for (let attempt = 0; ; attempt++) {
    try {
      const asked = new Date(Date.now() - 1_000);
      const send = replay(captured.sendCode, [[capturedToken, token]]);
      const sent = await lbFetch(send.url, {
        method: "POST",
        headers: { ...send.headers, "x-forwarded-for": ip },
        body: send.body,
      });
      expect([200, 303]).toContain(sent.status);
      const code = await codeFor(db, email, asked);
      const check = replay(captured.check, [
        [capturedToken, token],
        [captured.code, code],
      ]);
      const checked = await lbFetch(check.url, {
        method: "POST",
        headers: { ...check.headers, "x-forwarded-for": ip },
        body: check.body,
      });
      const session = checked.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .find((c) => c?.startsWith(`${CLAIM_SESSION_COOKIE}=`));
      if (!session) throw new Error(`no claim session for ${token}: ${checked.status}`);
      // The PayPal account the browser's claim confirmed is its recipient's address: each
      // claim pays its own (one shared destination would hold them all for review).
      const confirm = replay(captured.confirm, [
        [capturedToken, token],
        [captured.email, email],
      ]);
      const confirmed = await lbFetch(confirm.url, {
        method: "POST",
        headers: { ...confirm.headers, "x-forwarded-for": ip, cookie: session },
        body: confirm.body,
      });
      expect(confirmed.status).toBeLessThan(500);
      return;
    } catch (error) {
      if (!(error instanceof Transient) || attempt >= 5) throw error;
      // The app died under a request. If the claim had already gone through, it is done;
      // otherwise a code may have gone out, and the next try waits out the cooldown.
      const [row] = await db
        .select({ status: payouts.status })
        .from(payouts)
        .innerJoin(claimLinks, eq(claimLinks.payoutId, payouts.id))
        .where(eq(claimLinks.tokenHash, hashClaimToken(token)));
      if (row && row.status !== "claimable") return;
      await new Promise((resolve) => setTimeout(resolve, 31_000));
    }
  }
}
