import { nextCronTime } from "./cron";
import { ulid } from "./ids";
import { flushDueBatches, ingestEvents, nextBatchDue } from "./ingest";
import { rerunnable } from "./rerunnable";
import { advanceRun, type RunnerContext, type RunRow } from "./runner";
import type { Sql } from "./store";

export type SchedulerOptions = RunnerContext & {
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  /** How long finished runs and seen event ids are kept. */
  retentionMs: number;
};

const PRUNE_EVERY_MS = 3_600_000;
const BATCH_RECHECK_MS = 5_000;

/**
 * Claims ready runs and drives them, at most `concurrency` at a time. A claim is a lease
 * (renewed while the run is being driven) rather than an open transaction, so a killed
 * engine's runs become claimable again once their lease lapses.
 */
export class Scheduler {
  /** Runs being driven, with the lease token each was claimed under. */
  private readonly inflight = new Map<string, { work: Promise<void>; token: string }>();
  /** One pump at a time; a wake during one asks for another after it. */
  private readonly pumps = rerunnable(async () => {
    if (this.stopped) return;
    await this.pump().catch((error) => this.options.log(`scheduler: ${(error as Error).message}`));
  });
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private renewer: NodeJS.Timeout | undefined;
  // Earliest cron tick, so that most wake-ups cost no query about crons.
  private nextCronAt = 0;
  // Earliest open batch's timeout, likewise; this engine learns of the batches it opens.
  private nextBatchAt = 0;
  private prunedAt = 0;

  constructor(private readonly options: SchedulerOptions) {}

  private get sql(): Sql {
    return this.options.sql;
  }

  start() {
    this.timer = setInterval(() => {
      this.wake();
      void this.prune();
    }, this.options.pollMs);
    this.renewer = setInterval(
      () => void this.renewLeases(),
      Math.max(50, this.options.leaseMs / 3),
    );
    this.wake();
  }

  /** Looks for work now rather than at the next poll; `batchDue`: a batch opened that falls due then. */
  wake(batchDue: number | null = null) {
    if (batchDue !== null) this.nextBatchAt = Math.min(this.nextBatchAt, batchDue);
    if (this.stopped) return;
    void this.pumps.run();
  }

  private async pump() {
    await this.fireCrons();
    await this.flushBatches();
    for (;;) {
      const free = this.options.concurrency - this.inflight.size;
      if (free <= 0 || this.stopped) return;
      const runs = await this.claim(free);
      if (runs.length === 0) return;
      for (const run of runs) this.drive(run);
    }
  }

  private drive(run: RunRow) {
    const work = advanceRun(this.options, run)
      .catch((error) => this.options.log(`run ${run.id}: ${(error as Error).message}`))
      .finally(() => {
        this.inflight.delete(run.id);
        this.wake();
      });
    this.inflight.set(run.id, { work, token: run.lease_token });
  }

  /** Leases up to `limit` ready runs (see `inngest_engine.claim_runs` in store.ts). */
  private async claim(limit: number): Promise<RunRow[]> {
    const claimed = await this.sql<RunRow[]>`
      select id, function_id, event, events, status, steps, stack, pending, nudges, parent, lease_token
      from inngest_engine.claim_runs(${this.options.clock()}, ${limit}, ${this.options.leaseMs}, ${ulid()})`;
    return [...claimed];
  }

  private async renewLeases() {
    if (this.inflight.size === 0 || this.stopped) return;
    const ids = [...this.inflight.keys()];
    const tokens = [...this.inflight.values()].map((entry) => entry.token);
    await this.sql`
      update inngest_engine.runs as r
      set lease_until = now() + ${this.options.leaseMs} * interval '1 millisecond'
      from unnest(${this.sql.array(ids)}::text[], ${this.sql.array(tokens)}::text[]) as held(id, token)
      where r.id = held.id and r.lease_token = held.token`.catch((error) =>
      this.options.log(`lease renewal: ${(error as Error).message}`),
    );
  }

  /**
   * Forgets finished runs and event ids older than the retention, and spent idempotency
   * keys. Event ids are deduplicated for as long as they are kept (Inngest: 24 hours).
   */
  private async prune() {
    if (Date.now() - this.prunedAt < PRUNE_EVERY_MS || this.stopped) return;
    this.prunedAt = Date.now();
    const now = this.options.clock();
    const cutoff = now - this.options.retentionMs;
    try {
      await this
        .sql`delete from inngest_engine.runs where status <> 'running' and ended_at < ${cutoff}`;
      await this.sql`delete from inngest_engine.events where received_at < ${cutoff}`;
      await this.sql`delete from inngest_engine.idempotency_keys where expires_at < ${now}`;
    } catch (error) {
      this.options.log(`pruning: ${(error as Error).message}`);
    }
  }

  /** After a sync: schedules may have changed, so look at them again. */
  resetCrons() {
    this.nextCronAt = 0;
  }

  /** Starts one run per due cron tick; a missed tick (engine down) fires once, not per miss. */
  private async fireCrons() {
    const now = this.options.clock();
    if (now < this.nextCronAt) return;
    await this.sql.begin(async (tx) => {
      const due = await tx<{ function_id: string; schedule: string; next_at: number }[]>`
        select function_id, schedule, next_at from inngest_engine.crons
        where next_at <= ${now} for update skip locked`;
      for (const cron of due) {
        const fn = this.options.registry.get(cron.function_id);
        if (fn) {
          const event = {
            id: `cron-${cron.function_id}-${cron.next_at}`,
            name: "inngest/scheduled.timer",
            data: { cron: cron.schedule },
            ts: cron.next_at,
          };
          await ingestEvents(tx, this.options.registry, [event], now, fn);
        }
        await tx`
          update inngest_engine.crons set next_at = ${nextCronTime(cron.schedule, now)}
          where function_id = ${cron.function_id} and schedule = ${cron.schedule}`;
      }
    });
    const [next] = await this.sql<
      { at: number | null }[]
    >`select min(next_at) as at from inngest_engine.crons`;
    this.nextCronAt = next?.at ?? Number.POSITIVE_INFINITY;
  }

  /** Starts the runs of batches whose timeout has passed (Inngest `batchEvents`). */
  private async flushBatches() {
    const now = this.options.clock();
    if (now < this.nextBatchAt) return;
    await this.sql.begin((tx) => flushDueBatches(tx, this.options.registry, now));
    // Batches opened by another engine process, or by events a run emitted, are seen here.
    this.nextBatchAt = Math.min(
      (await nextBatchDue(this.sql)) ?? Number.POSITIVE_INFINITY,
      now + BATCH_RECHECK_MS,
    );
  }

  /** Resolves once nothing is being driven and no run or cron tick is due by the clock. */
  async idle() {
    while (!this.stopped) {
      if (this.inflight.size === 0 && !this.pumps.running) {
        const now = this.options.clock();
        const [row] = await this.sql<{ ready: boolean }[]>`
          select exists (
            select 1 from inngest_engine.runs where status = 'running' and next_at <= ${now}
          ) or exists (
            select 1 from inngest_engine.crons where next_at <= ${now}
          ) or exists (
            select 1 from inngest_engine.batches where due_at <= ${now}
          ) as ready`;
        if (!row?.ready && this.inflight.size === 0 && !this.pumps.running) return;
      }
      this.wake();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops claiming and waits for the runs being driven to give their leases back. */
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.renewer);
    await this.pumps.running;
    await Promise.all([...this.inflight.values()].map((entry) => entry.work));
  }
}
