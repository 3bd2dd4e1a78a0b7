/**
 * `npm run bench:providers`: the live submission path through each adapter and its SDK to
 * its HTTP double, against the same work through the sandbox in the same run, then the
 * daily reconciliation of 100,000 provider records.
 *
 *   per provider   1,000 claimed payouts, 8 at a time: start (ledger submit movement,
 *                  with the fee in live mode), submit through the route (lease, attempt
 *                  rows, the SDK's HTTP call to the double, which checks it against the
 *                  provider's OpenAPI document), record the outcome
 *   reconciliation 100,000 Tremendous orders listed 500 a page through the SDK, compared
 *                  with 100,000 submissions in the ledger's books
 *
 * Uses DATABASE_URL when set, else a throwaway embedded PostgreSQL. Goals: each adapter
 * at least 0.5× the sandbox's payouts/s; reconciliation within 30 s.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bulkInsert } from "@/db/bulk";
import { createDb, type Db } from "@/db/client";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { organisations, providerAttempts } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newId, newIds } from "@/lib/ids";
import { deposit } from "@/lib/ledger";
import type { MethodId } from "@/lib/methods/types";
import { createPayoutBodySchema, createPayouts } from "@/lib/payouts/create-payout";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { recordProviderOutcome, startSubmission, submitToProvider } from "@/lib/payouts/submission";
import { loadLiveProviders, saveProviderCredentials } from "@/lib/providers/credentials";
import { reconcileProviderDay } from "@/lib/providers/reconciliation";
import { createStripeProvider } from "@/lib/providers/stripe";
import {
  paypalKeys,
  startProviderDoubles,
  stripeKeys,
  tremendousKeys,
  tremendousProducts,
} from "@/tests/providers/live-fixtures";
import { loadAverage, machineLine, runBench, say } from "./harness";

const PAYOUTS = Number(process.env.BENCH_PAYOUTS ?? 1_000);
const CONCURRENCY = 8;
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);

process.env.AUTH_SECRET ??= "bench-providers-secret-bench-providers-secret-0";

async function organisation(db: Db, mode: "test" | "live"): Promise<Scope> {
  const id = newId("organisation");
  await db.insert(organisations).values({ id, name: "Bench", slug: `bench-${id.slice(-10)}` });
  const scope: Scope = { organisationId: id, mode };
  await deposit(db, scope, { currency: "USD", amount: 10n ** 12n, idempotencyKey: `bench:${id}` });
  return scope;
}

async function claimedPayouts(
  db: Db,
  scope: Scope,
  method: MethodId,
  details: Record<string, unknown>,
) {
  const rows = await createPayouts(
    db,
    scope,
    Array.from({ length: PAYOUTS }, (_, i) =>
      createPayoutBodySchema.parse({
        recipient: { email: `r${i}@example.com`, name: "Bench", country: "US" },
        amount: 5_000 + (i % 10) * 100,
        currency: "USD",
      }),
    ),
  );
  const ids = rows.map((r) => r.id);
  await applyPayoutEvent(db, scope, ids, "open");
  await applyPayoutEvent(db, scope, ids, "claim", {
    actor: "recipient",
    changes: { method, methodDetails: details },
  });
  return ids;
}

/** Start, submit and record each payout, `CONCURRENCY` at a time; payouts per second. */
async function submitAll(db: Db, scope: Scope, ids: string[]): Promise<number> {
  const queue = [...ids];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const submission = await startSubmission(db, scope, id);
        if (!submission) throw new Error(`${id} did not start`);
        const result = await submitToProvider(db, scope, submission);
        if (!result || result.status === "failed")
          throw new Error(`${id}: ${result?.failureReason}`);
        await recordProviderOutcome(db, scope, submission, result);
      }
    }),
  );
  return ids.length / ((performance.now() - started) / 1000);
}

async function main() {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "providers-bench-pg-"));
    const pg = await startEmbeddedPostgres({ dataDir, persistent: false, preferredPort: 56710 });
    serverUrl = pg.url;
    stop = async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const doubles = await startProviderDoubles();
  const { db, sql } = createDb(serverUrl, { max: CONCURRENCY * 2 + 4 });
  try {
    await runMigrations(serverUrl);
    say(machineLine());
    say(`load average before: ${loadAverage()}`);

    const live = await organisation(db, "live");
    const member = { scope: live, actor: { id: "usr_bench" } };
    await saveProviderCredentials(db, member, { provider: "stripe", credentials: stripeKeys });
    await saveProviderCredentials(db, member, {
      provider: "paypal",
      credentials: paypalKeys,
      settings: { environment: "sandbox" },
    });
    await saveProviderCredentials(db, member, {
      provider: "tremendous",
      credentials: tremendousKeys,
      settings: { products: tremendousProducts },
    });
    doubles.tremendous.setBalance(10 ** 12);
    doubles.stripe.balance.set("usd", 10 ** 12);
    const account = await createStripeProvider(stripeKeys, {
      apiBaseUrl: doubles.stripe.url,
    }).createRecipientAccount({
      payoutId: "po_bench",
      email: "bench@example.com",
      country: "US",
    });
    doubles.stripe.completeOnboarding(account);

    const runs: { name: string; perSecond: number }[] = [];
    const sandboxScope = await organisation(db, "test");
    const sandboxIds = await claimedPayouts(db, sandboxScope, "paypal", {
      account: "a@example.com",
      accountType: "email",
    });
    say(`sandbox: ${PAYOUTS} payouts …`);
    runs.push({
      name: "sandbox (test mode)",
      perSecond: await submitAll(db, sandboxScope, sandboxIds),
    });
    const work: [string, MethodId, Record<string, unknown>][] = [
      ["stripe", "us_ach", { connectedAccount: account }],
      ["paypal", "paypal", { account: "a@example.com", accountType: "email" }],
      ["tremendous", "gift_card", { brand: "amazon" }],
    ];
    for (const [name, method, details] of work) {
      const ids = await claimedPayouts(db, live, method, details);
      say(`${name}: ${PAYOUTS} payouts …`);
      runs.push({ name: `${name} (SDK → double)`, perSecond: await submitAll(db, live, ids) });
    }
    const sandbox = runs[0]?.perSecond ?? 1;
    say("");
    say("| path | payouts/s | vs sandbox |");
    say("| --- | ---: | ---: |");
    for (const run of runs) {
      say(
        `| ${run.name} | ${run.perSecond.toFixed(0)} | ${(run.perSecond / sandbox).toFixed(2)}× |`,
      );
    }
    const nonConforming = doubles.nonConforming();
    if (nonConforming.length > 0)
      throw new Error(`requests off the documents: ${nonConforming[0]}`);

    say("");
    say(`reconciliation: ${RECORDS} Tremendous records against ${RECORDS} submissions …`);
    const scope = await organisation(db, "live");
    await saveProviderCredentials(
      db,
      { scope, actor: { id: "usr_bench" } },
      {
        provider: "tremendous",
        credentials: tremendousKeys,
        settings: { products: tremendousProducts },
      },
    );
    doubles.tremendous.orders.clear();
    const today = new Date().toISOString().slice(0, 10);
    for (let offset = 0; offset < RECORDS; offset += 10_000) {
      const size = Math.min(10_000, RECORDS - offset);
      const rows = await createPayouts(
        db,
        scope,
        Array.from({ length: size }, (_, i) =>
          createPayoutBodySchema.parse({
            recipient: { email: `rec${offset + i}@example.com`, country: "US" },
            amount: 1_000 + ((offset + i) % 900),
            currency: "USD",
          }),
        ),
      );
      const ids = newIds("providerAttempt", size);
      await bulkInsert(
        db,
        providerAttempts,
        rows.map((row, i) => ({
          id: ids[i] as string,
          ...scope,
          payoutId: row.id,
          attempt: 1,
          position: 0,
          provider: "tremendous" as const,
          submissionId: row.id,
          status: "paid" as const,
          providerReference: `ORDB${offset + i}`,
          amount: row.amount,
          currency: "USD",
          failureCode: null,
          failureReason: null,
          createdAt: new Date(),
          updatedAt: new Date(),
        })),
      );
      for (const [i, row] of rows.entries()) {
        doubles.tremendous.orders.set(`ORDB${offset + i}`, {
          id: `ORDB${offset + i}`,
          external_id: row.id,
          status: "EXECUTED",
          created_at: new Date().toISOString(),
          payment: { funding_source_id: "balance", subtotal: 0, total: 0, fees: 0 },
          rewards: [
            {
              id: `RB${offset + i}`,
              order_id: `ORDB${offset + i}`,
              value: { denomination: Number(row.amount) / 100, currency_code: "USD" },
              recipient: {},
              products: ["AMAZON-US"],
              delivery: { method: "EMAIL", status: "SUCCEEDED" },
            },
          ],
        });
      }
    }
    const adapter = (await loadLiveProviders(db, scope)).tremendous;
    if (!adapter) throw new Error("no adapter");
    const started = performance.now();
    const result = await reconcileProviderDay(db, scope, "tremendous", adapter, today);
    const seconds = (performance.now() - started) / 1000;
    say(
      `| reconciliation | ${RECORDS} records | ${seconds.toFixed(1)} s | ${result.exceptions} exceptions |`,
    );
    say(`load average after: ${loadAverage()}`);
  } finally {
    await sql.end();
    await doubles.close();
    await stop();
  }
}

runBench(main);
