/**
 * `npm run bench:ledger`: the ledger's write path against PostgreSQL's own yardstick, on
 * the same server in one run.
 *
 *   baseline  pgbench tpcb-like, 8 clients, scale 10, in a database of its own
 *   single    one-transfer ledger transactions (available → reserved), 8 clients, each
 *             posting for one of 10 organisations at random (as tpcb-like spreads its
 *             updates over 10 branches)
 *   hot       the same, all 8 clients on one organisation's accounts (informational:
 *             every posting queues on the same two row locks)
 *   batch     10,000 reserve transfers out of one hot funding account in one posting, as a
 *             10,000-payout campaign reserves its funds
 *
 * Uses DATABASE_URL when set, else a throwaway embedded PostgreSQL. Prints transfers/s,
 * p50/p99 and the ratio to pgbench's TPS, then a Markdown table for docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { organisations } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newId } from "@/lib/ids";
import { deposit, postTransaction } from "@/lib/ledger";

const CLIENTS = 8;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const HOT_DURATION_S = Math.max(5, Math.round(DURATION_S / 2));
const ORGANISATIONS = 10;
const BATCH_RUNS = 3;
const BATCH_TRANSFERS = 10_000;
const PGBENCH = "/usr/bin/pgbench";
const PGBENCH_DATABASE = "ledger_bench_pgbench";

type Row = { name: string; perSecond: number; p50: number; p99: number; note?: string };

const say = (line: string) => process.stdout.write(`${line}\n`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** pgbench on its own database of the same server; latencies from its per-transaction log. */
async function pgbenchBaseline(serverUrl: string): Promise<Row> {
  const admin = connectPostgres(withDatabase(serverUrl, "postgres"), {
    max: 1,
  });
  await admin.unsafe(`drop database if exists ${PGBENCH_DATABASE} with (force)`);
  await admin.unsafe(`create database ${PGBENCH_DATABASE}`);
  const u = new URL(serverUrl);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  // The same transport as our clients: the socket directory when the URL names one.
  const connection = [
    "-h",
    u.searchParams.get("host") ?? u.hostname,
    "-p",
    u.port || "5432",
    "-U",
    decodeURIComponent(u.username),
  ];
  const logDir = await mkdtemp(path.join(os.tmpdir(), "pgbench-log-"));
  try {
    const init = spawnSync(PGBENCH, [...connection, "-i", "-s", "10", "-q", PGBENCH_DATABASE], {
      env,
      encoding: "utf8",
    });
    if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
    const run = spawnSync(
      PGBENCH,
      [
        ...connection,
        ...["-c", String(CLIENTS), "-j", "2", "-T", String(DURATION_S)],
        ...["-l", "--log-prefix", path.join(logDir, "tx")],
        PGBENCH_DATABASE,
      ],
      { env, encoding: "utf8" },
    );
    if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
    const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]);
    const latencies: number[] = [];
    for (const file of await readdir(logDir)) {
      for (const line of (await readFile(path.join(logDir, file), "utf8")).split("\n")) {
        const micros = Number(line.split(" ")[2]);
        if (Number.isFinite(micros) && line) latencies.push(micros / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      name: "pgbench tpcb-like",
      perSecond: tps,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    await rm(logDir, { recursive: true, force: true });
    await admin.unsafe(`drop database if exists ${PGBENCH_DATABASE} with (force)`);
    await admin.end();
  }
}

async function fundedScopes(
  db: ReturnType<typeof createDb>["db"],
  count: number,
): Promise<Scope[]> {
  const scopes: Scope[] = [];
  for (let i = 0; i < count; i++) {
    const id = newId("organisation");
    await db
      .insert(organisations)
      .values({ id, name: `Bench ${i}`, slug: `bench-${id.slice(-12)}` });
    const scope = { organisationId: id, mode: "test" as const };
    await deposit(db, scope, { currency: "USD", amount: 10n ** 14n, idempotencyKey: "bench-fund" });
    scopes.push(scope);
  }
  return scopes;
}

/** CLIENTS loops posting one-transfer transactions for `seconds`; per-posting latencies. */
async function singleTransfers(
  db: ReturnType<typeof createDb>["db"],
  scopes: Scope[],
  seconds: number,
  name: string,
): Promise<Row> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const run = `${name}-${Date.now()}`;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const scope = scopes[Math.floor(Math.random() * scopes.length)] as Scope;
        const started = performance.now();
        try {
          await postTransaction(db, scope, {
            idempotencyKey: `${run}-${client}-${n}`,
            transfers: [
              {
                from: "available",
                to: "reserved",
                amount: 1n,
                currency: "USD",
                payoutId: `po_${client}_${n}`,
              },
            ],
          });
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  if (errors > 0) throw new Error(`${errors} postings failed during ${name}`);
  latencies.sort((a, b) => a - b);
  return {
    name,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function reserveBatches(db: ReturnType<typeof createDb>["db"], scope: Scope): Promise<Row> {
  const durations: number[] = [];
  for (let run = 0; run < BATCH_RUNS; run++) {
    const transfers = Array.from({ length: BATCH_TRANSFERS }, (_, i) => ({
      from: "available" as const,
      to: "reserved" as const,
      amount: 1_000n,
      currency: "USD",
      payoutId: `po_batch_${run}_${i}`,
    }));
    const started = performance.now();
    await postTransaction(db, scope, {
      idempotencyKey: `bench-batch-${Date.now()}-${run}`,
      transfers,
    });
    durations.push(performance.now() - started);
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  return {
    name: `${BATCH_TRANSFERS.toLocaleString("en-US")}-transfer reserve batch`,
    perSecond: (BATCH_TRANSFERS * 1000) / median,
    p50: median,
    p99: sorted.at(-1) as number,
    note: `runs: ${durations.map((d) => `${Math.round(d)} ms`).join(", ")}`,
  };
}

async function main() {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "ledger-bench-pg-"));
    const pg = await startEmbeddedPostgres({ dataDir, persistent: false, preferredPort: 56700 });
    serverUrl = pg.url;
    stop = async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
    say(`embedded PostgreSQL at ${new URL(pg.url).host}`);
  }
  try {
    await runMigrations(serverUrl);
    say(
      `load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.cpus().length} CPUs`,
    );

    say(`pgbench tpcb-like, ${CLIENTS} clients, scale 10, ${DURATION_S} s …`);
    const baseline = await pgbenchBaseline(serverUrl);
    say(`  ${baseline.perSecond.toFixed(0)} TPS`);

    const { db, sql } = createDb(serverUrl, { max: CLIENTS + 2 });
    try {
      const spread = await fundedScopes(db, ORGANISATIONS);
      await singleTransfers(db, spread, 2, "warm-up");
      say(
        `single-transfer postings, ${CLIENTS} clients over ${ORGANISATIONS} organisations, ${DURATION_S} s …`,
      );
      const single = await singleTransfers(db, spread, DURATION_S, "single-transfer postings");
      say(
        `single-transfer postings, ${CLIENTS} clients on one organisation, ${HOT_DURATION_S} s …`,
      );
      const hot = await singleTransfers(
        db,
        spread.slice(0, 1),
        HOT_DURATION_S,
        "… all on one organisation",
      );
      say(`${BATCH_RUNS} × one posting of ${BATCH_TRANSFERS} reserve transfers …`);
      const [batchScope] = await fundedScopes(db, 1);
      const batch = await reserveBatches(db, batchScope as Scope);

      const rows = [baseline, single, hot, batch];
      say(
        `load average after: ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
      );
      say("");
      say("| scenario | per second | p50 | p99 | × pgbench TPS | notes |");
      say("| --- | ---: | ---: | ---: | ---: | --- |");
      for (const row of rows) {
        const ratio = row === baseline ? "1.00" : (row.perSecond / baseline.perSecond).toFixed(2);
        say(
          `| ${row.name} | ${row.perSecond.toFixed(0)} | ${row.p50.toFixed(1)} ms | ${row.p99.toFixed(1)} ms | ${ratio} | ${row.note ?? ""} |`,
        );
      }
      say("");
      say(
        `targets: single ≥ 0.50× with p99 < 20 ms → ${(single.perSecond / baseline.perSecond).toFixed(2)}×, ${single.p99.toFixed(1)} ms; ` +
          `batch ≥ 5× and < 1 s → ${(batch.perSecond / baseline.perSecond).toFixed(2)}×, ${batch.p50.toFixed(0)} ms`,
      );
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    await stop();
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`✗ ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
