import { CallAborted, type CallOutcome, callFunction, type Op, type SerializedError } from "./call";
import { ulid } from "./ids";
import {
  type EngineEvent,
  ingestEvents,
  insertRuns,
  type NewRun,
  newRun,
  type Registry,
  resolveStep,
} from "./ingest";
import { RunBudget } from "./limits";
import type { RegisteredFunction } from "./registry";
import { type Db, json, type Sql, type Tx } from "./store";
import { resolveDeadline } from "./time-strings";

/**
 * What a run is waiting for, keyed by hashed step id. `run` items are calls to make: the
 * key `step` is a plain call that lets the SDK discover the next steps; any other key runs
 * that one planned (parallel) or retried step. Only the call loop holding the run's lease
 * writes this; other writers only add memoised results and wake the run.
 */
export type PendingItem =
  | { kind: "run"; attempt: number; due: number }
  | { kind: "sleep"; due: number }
  | { kind: "wait"; due: number }
  | { kind: "invoke"; due: number | null; child: string };

export type RunRow = {
  id: string;
  function_id: string;
  event: EngineEvent;
  events: EngineEvent[] | null;
  status: string;
  steps: Record<string, unknown>;
  stack: string[];
  pending: Record<string, PendingItem>;
  nudges: number;
  parent: { run_id: string; step_id: string } | null;
  lease_token: string;
};

export type RunnerContext = {
  sql: Sql;
  registry: Registry;
  clock: () => number;
  signingKey?: string;
  signal: AbortSignal;
  log: (line: string) => void;
  callTimeoutMs: number;
  backoffMs: (attempt: number) => number;
};

export class LeaseLost extends Error {
  override name = "LeaseLost";
}

const DISCOVERY = "step";
const MAX_ROUNDS = 500;
const UNREGISTERED_RETRY_MS = 5_000;
const FAILURE_RETRY_MS = 5_000;

type Outcome =
  | { status: "completed"; output: unknown }
  | { status: "failed"; error: SerializedError };

type Round = {
  memo: Record<string, unknown>;
  order: string[];
  newWaits: {
    step_id: string;
    event_name: string;
    expression: string | null;
    expires_at: number;
  }[];
  expiredWaits: string[];
  children: NewRun[];
  outcome?: Outcome;
};

function stepError(message: string): { error: SerializedError } {
  return { error: { name: "Error", message } };
}

function hasCalls(pending: Record<string, PendingItem>) {
  return Object.values(pending).some((item) => item.kind === "run");
}

function nextDue(pending: Record<string, PendingItem>): number | null {
  const dues = Object.values(pending)
    .map((item) => item.due)
    .filter((due): due is number => due !== null);
  return dues.length > 0 ? Math.min(...dues) : null;
}

class RunLoop {
  private seenNudges: number;
  private readonly budget: RunBudget;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly run: RunRow,
  ) {
    this.seenNudges = run.nudges;
    this.budget = new RunBudget(run.events ?? run.event, run.steps);
  }

  private memoise(round: Round, stepId: string, result: unknown) {
    if (stepId in this.run.steps || stepId in round.memo) return;
    round.memo[stepId] = result;
    round.order.push(stepId);
    delete this.run.pending[stepId];
    // What Inngest Cloud would refuse fails the run here too, before it reaches production.
    const overLimit = this.budget.add(result);
    if (overLimit && !round.outcome) {
      round.outcome = {
        status: "failed",
        error: { name: "InngestLimitExceeded", message: `Inngest limit exceeded: ${overLimit}` },
      };
    }
  }

  /** Settles timers that are due and waits that other writers already resolved. */
  private settle(round: Round, now: number) {
    for (const [stepId, item] of Object.entries(this.run.pending)) {
      if (item.kind === "run") continue;
      if (stepId in this.run.steps) {
        delete this.run.pending[stepId];
        round.order.push(stepId);
      } else if (item.due !== null && item.due <= now) {
        if (item.kind === "wait") round.expiredWaits.push(stepId);
        this.memoise(
          round,
          stepId,
          item.kind === "invoke" ? stepError("The invoked function timed out") : { data: null },
        );
      }
    }
  }

  /**
   * Calls again for the next steps once something was memoised and no planned step is
   * still to run: asking earlier would let the SDK run a planned step a second time. A run
   * waiting for nothing at all (a planned step that vanished) is asked again too.
   */
  private discoverIfSettled(round: Round, now: number) {
    if (round.outcome || hasCalls(this.run.pending)) return;
    if (round.order.length > 0 || Object.keys(this.run.pending).length === 0) {
      this.run.pending[DISCOVERY] = { kind: "run", attempt: 0, due: now };
    }
  }

  private applyOp(
    fn: RegisteredFunction,
    round: Round,
    op: Op,
    attempt: number,
    noRetry: boolean,
    now: number,
  ) {
    if (op.id in this.run.steps || op.id in round.memo) return;
    const known = this.run.pending[op.id];
    switch (op.op) {
      case "StepRun":
      case "Step":
        this.memoise(round, op.id, { data: op.data ?? null });
        return;
      case "StepError":
        if (noRetry || attempt >= fn.retries) this.memoise(round, op.id, { error: op.error });
        else
          this.run.pending[op.id] = {
            kind: "run",
            attempt: attempt + 1,
            due: now + this.ctx.backoffMs(attempt),
          };
        return;
      case "StepFailed":
        this.memoise(round, op.id, { error: op.error });
        return;
      case "StepPlanned":
        if (!known) this.run.pending[op.id] = { kind: "run", attempt: 0, due: now };
        return;
      case "Sleep": {
        if (known) return;
        // The JS SDK puts the duration in `name`; the spec's `opts.duration` is read too.
        const duration = String(op.opts?.duration ?? op.name ?? "");
        const due = resolveDeadline(duration, now);
        if (due === undefined) this.memoise(round, op.id, stepError(`Invalid sleep "${duration}"`));
        else this.run.pending[op.id] = { kind: "sleep", due };
        return;
      }
      case "WaitForEvent": {
        if (known) return;
        const due = resolveDeadline(String(op.opts?.timeout ?? ""), now);
        const eventName = typeof op.opts?.event === "string" ? op.opts.event : op.name;
        if (due === undefined || !eventName) {
          this.memoise(
            round,
            op.id,
            stepError(`Invalid waitForEvent timeout "${op.opts?.timeout}"`),
          );
          return;
        }
        const expression = typeof op.opts?.if === "string" ? op.opts.if : null;
        round.newWaits.push({ step_id: op.id, event_name: eventName, expression, expires_at: due });
        this.run.pending[op.id] = { kind: "wait", due };
        return;
      }
      case "InvokeFunction": {
        if (known) return;
        const target = this.ctx.registry.get(String(op.opts?.function_id ?? ""));
        if (!target) {
          this.memoise(
            round,
            op.id,
            stepError(`Function "${op.opts?.function_id}" is not registered`),
          );
          return;
        }
        const payload = (op.opts?.payload ?? {}) as { data?: Record<string, unknown> };
        const event: EngineEvent = {
          id: ulid(now),
          name: "inngest/function.invoked",
          data: {
            ...(payload.data ?? {}),
            _inngest: { source_run_id: this.run.id, source_step_id: op.id },
          },
          ts: now,
        };
        const child = newRun(target, event, { run_id: this.run.id, step_id: op.id });
        round.children.push(child);
        const timeout = op.opts?.timeout
          ? resolveDeadline(String(op.opts.timeout), now)
          : undefined;
        this.run.pending[op.id] = { kind: "invoke", due: timeout ?? null, child: child.id };
        return;
      }
      case "StepNotFound":
        // The planned step is gone (the code changed); the next call finds what is there now.
        return;
      case "RunComplete":
        round.outcome = { status: "completed", output: op.data ?? null };
        return;
      default:
        this.memoise(
          round,
          op.id,
          stepError(`${op.op} steps are not supported by the local Inngest engine`),
        );
    }
  }

  private apply(
    fn: RegisteredFunction,
    round: Round,
    callId: string,
    attempt: number,
    result: CallOutcome,
    now: number,
  ) {
    if (result.type === "completed") {
      round.outcome = { status: "completed", output: result.output };
    } else if (result.type === "error") {
      if (result.noRetry || attempt >= fn.retries) {
        round.outcome = { status: "failed", error: result.error };
      } else {
        const due = result.retryAt ?? now + this.ctx.backoffMs(attempt);
        this.run.pending[callId] = { kind: "run", attempt: attempt + 1, due };
      }
    } else if (result.ops.length === 0) {
      const error = { name: "Error", message: "The app answered 206 without any step" };
      this.apply(fn, round, callId, attempt, { type: "error", error, noRetry: false }, now);
    } else {
      for (const op of result.ops) this.applyOp(fn, round, op, attempt, result.noRetry, now);
    }
  }

  private call(fn: RegisteredFunction, stepId: string, attempt: number, now: number) {
    return callFunction({
      url: fn.url,
      stepId,
      now,
      signingKey: this.ctx.signingKey,
      signal: this.ctx.signal,
      timeoutMs: this.ctx.callTimeoutMs,
      payload: {
        event: this.run.event,
        events: this.run.events ?? [this.run.event],
        steps: this.run.steps,
        ctx: {
          run_id: this.run.id,
          attempt,
          max_attempts: fn.retries + 1,
          disable_immediate_execution: false,
          use_api: false,
          stack: { stack: this.run.stack, current: this.run.stack.length },
        },
        version: 2,
      },
    });
  }

  /**
   * Stores a round's results. A round with nothing but memoised steps is one UPDATE (no
   * transaction); waits, child runs and the run's end are written atomically with it.
   * The last round of a turn also gives the lease back in the same statement.
   */
  private async persist(round: Round, now: number, final: boolean) {
    const { run } = this;
    const outcome = round.outcome;
    const status = outcome?.status ?? "running";
    const waited = Object.values(run.pending).some((item) => item.kind === "wait");
    // Only a run that waited, was invoked or failed has anyone to tell when it ends.
    const tellOthers = !!outcome && (waited || !!run.parent || outcome.status === "failed");
    if (outcome) run.pending = {};
    const nextAt = outcome ? null : nextDue(run.pending);
    const write = async (db: Db) => {
      if (round.expiredWaits.length > 0) {
        await db`delete from inngest_engine.waits
          where run_id = ${run.id} and step_id = any(${db.array(round.expiredWaits)}::text[])`;
      }
      if (round.newWaits.length > 0) {
        await db`
          insert into inngest_engine.waits (run_id, step_id, event_name, expression, run_event, expires_at)
          select ${run.id}, w.step_id, w.event_name, w.expression, ${json(db, run.event)}, w.expires_at
          from jsonb_to_recordset(${json(db, round.newWaits)})
            as w(step_id text, event_name text, expression text, expires_at bigint)
          on conflict do nothing`;
      }
      if (round.children.length > 0) await insertRuns(db as Tx, round.children, now);
      // `memo || steps` keeps a result another writer stored first (an event that met a
      // wait just as it timed out), and the stack only grows by steps not yet memoised.
      const [updated] = await db<
        {
          steps: Record<string, unknown> | null;
          stack: string[] | null;
          nudges: number;
          status: string;
        }[]
      >`
        update inngest_engine.runs set
          steps = ${json(db, round.memo)}::jsonb || steps,
          stack = stack || coalesce((
            select jsonb_agg(o.id order by o.n)
            from jsonb_array_elements_text(${json(db, round.order)}::jsonb) with ordinality as o(id, n)
            where o.id in (select jsonb_object_keys(${json(db, round.memo)}::jsonb)) and not steps ? o.id
          ), '[]'::jsonb),
          pending = ${json(db, run.pending)},
          status = case when status = 'running' then ${status} else status end,
          output = case when status = 'running' then ${outcome?.status === "completed" ? json(db, outcome.output) : null}::jsonb else output end,
          error = case when status = 'running' then ${outcome?.status === "failed" ? json(db, outcome.error) : null}::jsonb else error end,
          ended_at = case when status = 'running' then ${outcome ? now : null}::bigint else ended_at end,
          next_at = case
            when status <> 'running' or ${status} <> 'running' then null
            when nudges <> ${this.seenNudges} then ${now}
            else ${nextAt}::bigint end,
          lease_token = case when ${final} then null else lease_token end,
          lease_until = case when ${final} then null else lease_until end
        where id = ${run.id} and lease_token = ${run.lease_token}
        returning nudges, status,
          case when nudges <> ${this.seenNudges} then steps end as steps,
          case when nudges <> ${this.seenNudges} then stack end as stack`;
      if (!updated) throw new LeaseLost(`Run ${run.id} was taken over by another worker`);
      if (outcome && tellOthers && updated.status === outcome.status) {
        await this.finish(db as Tx, outcome, now);
      }
      return updated;
    };
    const atomic =
      round.expiredWaits.length > 0 ||
      round.newWaits.length > 0 ||
      round.children.length > 0 ||
      tellOthers;
    const row = atomic ? await this.ctx.sql.begin((tx) => write(tx)) : await write(this.ctx.sql);
    if (row.steps && row.stack) {
      // Another writer memoised a step meanwhile: take the stored state as it is.
      run.steps = row.steps;
      run.stack = row.stack;
    } else {
      for (const stepId of round.order) {
        if (stepId in round.memo && !(stepId in run.steps)) run.stack.push(stepId);
      }
      run.steps = { ...round.memo, ...run.steps };
    }
    run.status = row.status;
    this.seenNudges = row.nudges;
  }

  /** Tells whoever waits on the run: the `-failure` function, and a parent run that invoked it. */
  private async finish(tx: Tx, outcome: Outcome, now: number) {
    const { run } = this;
    await tx`delete from inngest_engine.waits where run_id = ${run.id}`;
    if (outcome.status === "failed") {
      this.ctx.log(`run ${run.id} of ${run.function_id} failed: ${outcome.error.message}`);
      const failed: EngineEvent = {
        id: `function-failed-${run.id}`,
        name: "inngest/function.failed",
        data: {
          function_id: run.function_id,
          run_id: run.id,
          error: outcome.error,
          event: run.event,
        },
        ts: now,
      };
      await ingestEvents(tx, this.ctx.registry, [failed], now);
    }
    if (run.parent) {
      const result =
        outcome.status === "completed" ? { data: outcome.output } : { error: outcome.error };
      await resolveStep(tx, run.parent.run_id, run.parent.step_id, result, now);
    }
  }

  async advance() {
    const { run } = this;
    for (let rounds = 0; rounds < MAX_ROUNDS && run.status === "running"; rounds++) {
      const fn = this.ctx.registry.get(run.function_id);
      const now = this.ctx.clock();
      if (!fn) {
        this.ctx.log(`run ${run.id} waits: function ${run.function_id} is not registered`);
        await this.release(now + UNREGISTERED_RETRY_MS);
        return;
      }
      const round: Round = { memo: {}, order: [], newWaits: [], expiredWaits: [], children: [] };
      this.settle(round, now);
      this.discoverIfSettled(round, now);
      const due = Object.entries(this.run.pending).filter(
        (entry): entry is [string, Extract<PendingItem, { kind: "run" }>] =>
          entry[1].kind === "run" && entry[1].due <= now,
      );
      if (due.length === 0 && round.order.length === 0) break;
      const results = await Promise.all(
        due.map(async ([stepId, item]) => ({
          stepId,
          item,
          result: await this.call(fn, stepId, item.attempt, now),
        })),
      );
      for (const { stepId, item, result } of results) {
        delete this.run.pending[stepId];
        this.apply(fn, round, stepId, item.attempt, result, now);
      }
      this.discoverIfSettled(round, now);
      const final =
        !!round.outcome ||
        !Object.values(this.run.pending).some((item) => item.due !== null && item.due <= now);
      await this.persist(round, now, final);
      if (final) return;
    }
    await this.release();
  }

  /** Gives the run back; a wake-up that arrived meanwhile makes it due again at once. */
  async release(nextAt?: number) {
    const now = this.ctx.clock();
    await this.ctx.sql`
      update inngest_engine.runs set lease_token = null, lease_until = null,
        next_at = case
          when status <> 'running' then null
          when nudges <> ${this.seenNudges} then ${now}
          else coalesce(${nextAt ?? null}::bigint, next_at) end
      where id = ${this.run.id} and lease_token = ${this.run.lease_token}`;
  }
}

/** Drives one claimed run as far as it can go now: calls, memoises, schedules what is next. */
export async function advanceRun(ctx: RunnerContext, run: RunRow): Promise<void> {
  const loop = new RunLoop(ctx, run);
  try {
    await loop.advance();
  } catch (error) {
    if (error instanceof LeaseLost) {
      ctx.log(error.message);
      return;
    }
    // Nothing of the interrupted round was stored; the run is called again from its last
    // memoised state, by this engine or the next one. An unexpected failure (the database
    // going away) backs off rather than spinning on the same run.
    const aborted = error instanceof CallAborted;
    await loop.release(aborted ? undefined : ctx.clock() + FAILURE_RETRY_MS).catch(() => {});
    if (!aborted) throw error;
  }
}
