import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq, sql } from "drizzle-orm";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createBatchRoute } from "@/app/api/v1/batches/route";
import { POST as createPayoutRoute } from "@/app/api/v1/payouts/route";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import {
  balanceThresholds,
  batches,
  claimLinks,
  emails,
  events,
  idempotencyKeys,
  payouts,
  reports,
} from "@/db/schema";
import type { Scope } from "@/db/scope";
import {
  balanceDemandProjected,
  inngest,
  providerEventReceived,
  reconciliationRequested,
} from "@/inngest/client";
import { type LocalEngine, startLocalEngine } from "@/inngest/engine";
import { inngestLimits } from "@/inngest/engine/limits";
import { functions } from "@/inngest/functions";
import { relayEvents } from "@/inngest/relay";
import { approveBatchAsMember, setApprovalThreshold } from "@/lib/batches/approval";
import { MAX_BATCH_ITEMS } from "@/lib/batches/create-batch";
import { commitBatchCsv } from "@/lib/batches/csv-upload";
import { MAX_CSV_ROWS } from "@/lib/batches/validate-csv";
import { askOrganisation } from "@/lib/claims/help-requests";
import { claimTokenFor } from "@/lib/claims/links";
import { rejectHeldPayout } from "@/lib/compliance/reviews";
import { RELAY_BATCH } from "@/lib/events/relay";
import { deposit, verifyLedger } from "@/lib/ledger";
import { createPayoutBodySchema, createPayouts } from "@/lib/payouts/create-payout";
import { movePayout } from "@/lib/payouts/machine";
import { approveReviewedPayout, preparePayouts } from "@/lib/payouts/prepare-payouts";
import { requestReport } from "@/lib/reports/reports";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { addMember, organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import { call } from "@/tests/fixtures/api-requests";
import { TEST_EVENT_KEY } from "@/tests/fixtures/inngest-app";
import { createTestOrganisation } from "@/tests/fixtures/organisations";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";

process.env.AUTH_SECRET ??= "inngest-limits-secret-inngest-limits-secret-01";

/** The largest campaign the dashboard accepts and the largest API batch. */
const CAMPAIGN = MAX_CSV_ROWS;
const API_BATCH = MAX_BATCH_ITEMS;
const SINGLE_PAYOUTS = 300;
/** Every measured figure must stay within this share of Inngest's limit. */
const MARGIN = 0.5;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let server: http.Server;
let engine: LocalEngine;
let receiver: WebhookReceiver;
/** The engine's clock runs with real time plus this: crons fall due when it moves on. */
let ahead = 0;

/**
 * Every function of the app behind the SDK's own serve handler, with the local engine
 * (which enforces Inngest's documented limits) playing Inngest on this file's database,
 * as in end-to-end.test.ts; the engine's clock can be moved forward to run the sweeps.
 */
beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  engine = await startLocalEngine({
    databaseUrl: process.env.DATABASE_URL as string,
    appUrl,
    eventKey: TEST_EVENT_KEY,
    port: 0,
    pollMs: 20,
    clock: () => Date.now() + ahead,
    log: () => {},
  });
  inngest.setEnvVars({
    INNGEST_BASE_URL: engine.url,
    INNGEST_DEV: "1",
    INNGEST_EVENT_KEY: TEST_EVENT_KEY,
  });
  server.on("request", serve({ client: inngest, functions }));
  await engine.sync();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await engine.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await receiver.close();
  const sql = connectPostgres(process.env.DATABASE_URL as string, { max: 1 });
  await sql`drop schema if exists inngest_engine cascade`;
  await sql.end();
});

/** Until the outbox is relayed and the engine has nothing running or due, twice in a row. */
async function settle(timeoutMs = 10 * MINUTE) {
  const deadline = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < 2; ) {
    if (Date.now() > deadline) throw new Error("the background work did not settle");
    await relayEvents();
    await engine.idle();
    const [row] = await db.execute<{ busy: number }>(sql`
      select (select count(*) from ${events} where relayed_at is null)
        + (select count(*) from webhook_deliveries
           where status = 'scheduled' and next_attempt_at <= now()) as busy`);
    quiet = Number(row?.busy) === 0 ? quiet + 1 : 0;
    if (quiet === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Moves the engine's clock on, so the crons due by then tick once, and lets them finish. */
async function advance(ms: number) {
  ahead += ms;
  await settle();
}

async function countOf(table: typeof payouts, where: ReturnType<typeof and>) {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

type RunFigures = {
  function_id: string;
  runs: number;
  failed: number;
  max_steps: number;
  max_step_output: number;
  max_event: number;
  max_events: number;
  max_batch: number;
  max_state: number;
};

/**
 * Each function's largest run, read from the engine's own record of every run: steps
 * memoised, the largest step output, the triggering event, a batch's events, and the
 * run's state as Inngest counts it (events, step outputs and the function's output).
 */
async function figures(): Promise<RunFigures[]> {
  const rows = await db.execute<RunFigures>(sql`
    select function_id, count(*)::int as runs,
      count(*) filter (where status <> 'completed')::int as failed,
      max((select count(*) from jsonb_object_keys(steps)))::int as max_steps,
      coalesce(max((select max(octet_length(value::text)) from jsonb_each(steps))), 0)::int
        as max_step_output,
      max(octet_length(event::text))::int as max_event,
      coalesce(max(octet_length(events::text)), 0)::int as max_events,
      coalesce(max(jsonb_array_length(events)), 1)::int as max_batch,
      max(octet_length(coalesce(events, jsonb_build_array(event))::text)
        + octet_length(steps::text) + octet_length(coalesce(output, 'null'::jsonb)::text))::int
        as max_state
    from inngest_engine.runs group by function_id order by function_id`);
  return [...rows];
}

function report(rows: RunFigures[]) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const lines = [
    "| function | runs | max steps | largest step output | largest event | largest batch (events, bytes) | largest run state |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.function_id.replace(/^disburse-/, "")} | ${r.runs} | ${r.max_steps} | ${kb(r.max_step_output)} | ${kb(r.max_event)} | ${r.max_batch}, ${kb(r.max_events)} | ${kb(r.max_state)} |`,
    ),
    `| Inngest's limit | | ${inngestLimits.stepsPerRun} | ${kb(inngestLimits.stepOutputBytes)} | ${kb(inngestLimits.eventBytes)} | ${inngestLimits.batchEventsMaxSize} | ${kb(inngestLimits.runStateBytes)} |`,
  ];
  console.log(lines.join("\n"));
}

function campaignCsv(n: number): string {
  const rows = ["email,name,country,amount,external_id"];
  for (let i = 0; i < n; i++) {
    rows.push(`limits${i}@example.com,Recipient ${i},US,${(10 + (i % 90)).toFixed(2)},l-${i}`);
  }
  return rows.join("\n");
}

describe("every function within Inngest's documented limits", { timeout: 30 * MINUTE }, () => {
  it("runs a 100,000-payout campaign, a 10,000-item API batch and every sweep within half of each limit", async () => {
    const started = performance.now();
    const lap = (what: string) =>
      console.log(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // The largest campaign, as the dashboard's CSV upload makes it (checked and created by
    // one member through commitBatchCsv), approved by another (approval writes no event:
    // the resume sweep starts its fan-out), with a balance watched for low funds.
    const { org, owner } = await organisationWithOwner(db, "Limits Campaigns");
    const maker = await ownerContext(db, owner.id, org.id);
    const checker = await ownerContext(db, (await addMember(db, org.id, "finance")).id, org.id);
    const campaignScope: Scope = maker.scope;
    await deposit(db, campaignScope, {
      currency: "USD",
      amount: 10n ** 12n,
      idempotencyKey: "limits-fund",
    });
    await db.insert(balanceThresholds).values({
      organisationId: org.id,
      mode: "test",
      currency: "USD",
      amount: 10n ** 11n,
    });
    await setApprovalThreshold(db, maker, { currency: "USD", amount: 100_000n });
    // The file as the upload route hands it over: the File's stream.
    const { batch: campaign } = await commitBatchCsv(db, maker, {
      source: new Blob([campaignCsv(CAMPAIGN)]).stream(),
      settings: { name: "Limits", currency: "USD", expiresInDays: "30" },
      fixes: {},
    });
    expect(campaign.status).toBe("awaiting_approval");
    await approveBatchAsMember(db, checker, campaign.id);
    await relayEvents();
    await inngest.send(
      balanceDemandProjected.create({
        organisation_id: org.id,
        mode: "test",
        currency: "USD",
        amount: 1_000_000,
      }),
    );
    lap("campaign created and approved");

    // The largest API batch, single payouts (batched per organisation), a few held for
    // review and released, and an endpoint receiving what a platform listens to.
    const api = await createTestOrganisation(db, "Limits API");
    const apiScope: Scope = { organisationId: api.organisation.id, mode: "test" };
    await deposit(db, apiScope, { currency: "USD", amount: 10n ** 12n, idempotencyKey: "fund" });
    const { secret } = await createWebhookEndpoint(db, apiScope, {
      url: receiver.url("/limits"),
      event_types: ["payout.claimable", "payout.paid", "payout.failed", "batch.completed"],
    });
    receiver.register("/limits", secret);
    const batchResponse = await call(createBatchRoute, "POST", "/batches", {
      key: api.testKey,
      idempotencyKey: "limits-batch",
      body: {
        name: "Limits API batch",
        currency: "USD",
        items: Array.from({ length: API_BATCH }, (_, i) => ({
          recipient: { email: `api${i}@example.com`, country: "US", external_id: `a-${i}` },
          amount: 1_000 + (i % 100),
        })),
      },
    });
    expect(batchResponse.status).toBe(201);
    // Fifty at a time, as an integration's workers send them: batches of up to 100 events.
    for (let from = 0; from < SINGLE_PAYOUTS; from += 50) {
      const created = await Promise.all(
        Array.from({ length: Math.min(50, SINGLE_PAYOUTS - from) }, (_, k) =>
          call(createPayoutRoute, "POST", "/payouts", {
            key: api.testKey,
            idempotencyKey: `limits-single-${from + k}`,
            body: {
              recipient: { email: `one${from + k}@example.com`, country: "US" },
              amount: 500,
              currency: "USD",
            },
          }),
        ),
      );
      expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
    }
    // Held for review before the function saw them, then released: a fresh link and an
    // invite of their own (invite-reviewed-payout).
    const reviewed = await createPayouts(
      db,
      apiScope,
      [0, 1, 2].map((i) =>
        createPayoutBodySchema.parse({
          recipient: { email: `review${i}@example.com`, country: "US" },
          amount: 700,
          currency: "USD",
        }),
      ),
    );
    const ids = reviewed.map((p) => p.id);
    await preparePayouts(db, apiScope, ids, {
      screen: () => ({ outcome: "review", reason: "name_match" }),
    });
    for (const payoutId of ids) {
      await approveReviewedPayout(db, apiScope, { payoutId, actor: "user:reviewer" });
    }
    // One held in the campaign's organisation is rejected: the recipient is told it was
    // stopped (notify-payout-stopped).
    const [stopped] = await createPayouts(db, campaignScope, [
      createPayoutBodySchema.parse({
        recipient: { email: "stopped@example.com", country: "US" },
        amount: 700,
        currency: "USD",
      }),
    ]);
    if (!stopped) throw new Error("no payout to stop");
    await preparePayouts(db, campaignScope, [stopped.id], {
      screen: () => ({ outcome: "review", reason: "name_match" }),
    });
    await rejectHeldPayout(db, checker, { payoutId: stopped.id });
    await relayEvents();
    lap("API batch and single payouts created");

    // Approval gave the resume sweep the campaign: a minute on, its fan-out starts.
    await db
      .update(batches)
      .set({ updatedAt: sql`now() - interval '2 minutes'` })
      .where(eq(batches.id, campaign.id));
    await advance(MINUTE);
    lap("fan-outs done");
    const claimable = (scope: Scope) =>
      countOf(
        payouts,
        and(eq(payouts.organisationId, scope.organisationId), eq(payouts.status, "claimable")),
      );
    expect(await claimable(campaignScope)).toBe(CAMPAIGN);
    expect(await claimable(apiScope)).toBe(API_BATCH + SINGLE_PAYOUTS + 3);
    const [invites] = await db
      .select({ n: count() })
      .from(emails)
      .where(and(eq(emails.organisationId, org.id), eq(emails.kind, "invite")));
    expect(invites?.n).toBe(CAMPAIGN);

    // A report of the whole campaign, generated in the background (generate-report).
    const campaignReport = await requestReport(db, campaignScope, {
      type: "payouts",
      parameters: {
        from: new Date(Date.now() - HOUR).toISOString(),
        to: new Date(Date.now() + HOUR).toISOString(),
        batch_id: campaign.id,
      },
    });
    await relayEvents();
    await settle();
    const [reported] = await db
      .select({ status: reports.status, rowCount: reports.rowCount })
      .from(reports)
      .where(eq(reports.id, campaignReport.id));
    expect(reported).toEqual({ status: "ready", rowCount: CAMPAIGN });
    lap("campaign report generated");

    // Claims with the sandbox's outcomes: paid (a receipt), closed (a failure notice),
    // slow (the poll sweep), returned on the next poll.
    const apiPayouts = await db
      .select({ id: payouts.id, amount: payouts.amount })
      .from(payouts)
      .where(
        and(eq(payouts.organisationId, apiScope.organisationId), eq(payouts.status, "claimable")),
      );
    const byEnding = (ending: bigint) =>
      apiPayouts.filter((p) => p.amount % 100n === ending).slice(0, 10);
    for (const p of [...byEnding(0n), ...byEnding(13n), ...byEnding(77n), ...byEnding(66n)]) {
      await movePayout(db, apiScope, p.id, "claim", {
        actor: "recipient",
        changes: {
          method: "paypal",
          methodDetails: { account: `claimer-${p.id}@example.com`, accountType: "email" },
        },
      });
    }
    await relayEvents();
    await settle();
    for (let poll = 0; poll < 4; poll++) await advance(MINUTE);
    lap("claims paid, failed, polled and returned");

    // Every campaign link one day from expiry: the reminder sweep's window is open for
    // all 100,000 at once; and old idempotency keys and mail for the purges.
    await db.execute(sql`
      update ${claimLinks} l set created_at = now() - interval '10 days',
        expires_at = now() + interval '20 hours'
      from ${payouts} p
      where p.id = l.payout_id and p.organisation_id = ${org.id} and p.status = 'claimable'`);
    await db.execute(sql`
      update ${payouts} set expires_at = now() + interval '20 hours'
      where organisation_id = ${org.id} and status = 'claimable'`);
    await db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now() - interval '4 days'` })
      .where(eq(idempotencyKeys.organisationId, apiScope.organisationId));
    await db
      .update(emails)
      .set({ createdAt: sql`now() - interval '2 days'` })
      .where(eq(emails.organisationId, apiScope.organisationId));
    await advance(HOUR);
    lap("reminders sent");
    const [reminders] = await db
      .select({ n: count() })
      .from(emails)
      .where(and(eq(emails.organisationId, org.id), eq(emails.kind, "reminder")));
    // One sweep reminds everyone: a run hands over to a successor instead of leaving the
    // rest for the next hour.
    expect(reminders?.n).toBe(CAMPAIGN);

    // Every link expires: one minute's sweep expires all of them.
    await db.execute(sql`
      update ${payouts} set expires_at = now() - interval '1 minute'
      where status = 'claimable' and organisation_id in (${org.id}, ${apiScope.organisationId})`);
    await advance(MINUTE);
    lap("payouts expired");
    expect(await claimable(campaignScope)).toBe(0);
    expect(await claimable(apiScope)).toBe(0);

    // A recipient of an expired payout asks for a new link (notify-help-requested).
    const [expiredLink] = await db
      .select({ id: claimLinks.id })
      .from(claimLinks)
      .innerJoin(payouts, eq(payouts.id, claimLinks.payoutId))
      .where(and(eq(payouts.organisationId, org.id), eq(payouts.status, "expired")))
      .limit(1);
    if (!expiredLink) throw new Error("no expired payout's link");
    const asked = await askOrganisation(db, {
      token: claimTokenFor(expiredLink.id),
      request: "new_link",
      ip: "198.51.100.7",
    });
    expect(asked.status).toBe("asked");
    await relayEvents();

    // The nightly functions: a day on the engine's clock, to just after 04:30 UTC, ticks the
    // sanctions list fetch (03:15; skipped without SANCTIONS_LIST_URL) and the provider
    // reconciliation (04:30; no live provider is connected here, so it requests none). A
    // provider's day and a provider webhook are asked for by event: one step each, whose
    // weight does not grow with volume.
    const engineNow = new Date(Date.now() + ahead);
    const dayOn = new Date(engineNow.getTime() + 23 * HOUR);
    let nightly = Date.UTC(dayOn.getUTCFullYear(), dayOn.getUTCMonth(), dayOn.getUTCDate(), 4, 31);
    if (nightly <= dayOn.getTime()) nightly += 24 * HOUR;
    await inngest.send([
      reconciliationRequested.create({
        organisation_id: apiScope.organisationId,
        mode: "test",
        provider: "stripe",
        period: engineNow.toISOString().slice(0, 10),
      }),
      providerEventReceived.create({
        organisation_id: apiScope.organisationId,
        mode: "test",
        event_id: "pevt_limits_unknown",
      }),
    ]);
    await advance(nightly - engineNow.getTime());
    lap("nightly functions");

    // What each function's runs weighed.
    const rows = await figures();
    report(rows);
    const ran = new Set(rows.map((r) => r.function_id));
    expect(functions.map((f) => f.id("disburse")).filter((id) => !ran.has(id))).toEqual([]);
    for (const r of rows) {
      expect(r, r.function_id).toMatchObject({ failed: 0 });
      expect(r.max_steps, r.function_id).toBeLessThanOrEqual(inngestLimits.stepsPerRun * MARGIN);
      expect(r.max_step_output, r.function_id).toBeLessThanOrEqual(
        inngestLimits.stepOutputBytes * MARGIN,
      );
      expect(r.max_event, r.function_id).toBeLessThanOrEqual(inngestLimits.eventBytes * MARGIN);
      expect(r.max_state, r.function_id).toBeLessThanOrEqual(inngestLimits.runStateBytes * MARGIN);
      // Batch sizes are configured, not grown by data: at most Inngest's 100.
      expect(r.max_batch, r.function_id).toBeLessThanOrEqual(inngestLimits.batchEventsMaxSize);
      // No function makes a run per payout of a campaign: the campaign's payouts are
      // handled in chunks or batches, so runs stay far below one per payout.
      expect(r.runs, r.function_id).toBeLessThanOrEqual(CAMPAIGN / 10);
    }
    const [largest] = await db.execute<{ bytes: number }>(
      sql`select max(octet_length(event::text))::int as bytes from inngest_engine.events`,
    );
    expect(largest?.bytes).toBeLessThanOrEqual(inngestLimits.eventBytes * MARGIN);
    expect(RELAY_BATCH).toBeLessThanOrEqual(inngestLimits.eventsPerRequest * MARGIN);
    expect((await verifyLedger(db)).ok).toBe(true);
    lap("measured");
  });
});
