import { evaluateKey, matches } from "./expressions";
import { ulid } from "./ids";
import {
  type ConcurrencyLimit,
  cancelsOf,
  concurrencyLimits,
  isTriggeredBy,
  type RegisteredFunction,
} from "./registry";
import { json, type Tx } from "./store";

export type EngineEvent = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user?: Record<string, unknown>;
  v?: string;
};

export type Registry = ReadonlyMap<string, RegisteredFunction>;

// Inngest keeps function idempotency keys for 24 hours.
const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export type NewRun = {
  id: string;
  function_id: string;
  event: EngineEvent;
  concurrency: ConcurrencyLimit[];
  parent: { run_id: string; step_id: string } | null;
};

/** Builds a run row; a run starts with one pending call that discovers its first steps. */
export function newRun(
  fn: RegisteredFunction,
  event: EngineEvent,
  parent: NewRun["parent"] = null,
): NewRun {
  let concurrency: ConcurrencyLimit[] = [];
  try {
    concurrency = concurrencyLimits(fn, (key) => evaluateKey(key, { event }));
  } catch {
    // A key that cannot be evaluated for this event falls back to the function-wide slot.
    concurrency = concurrencyLimits(fn, () => "");
  }
  return { id: ulid(), function_id: fn.id, event, concurrency, parent };
}

export async function insertRuns(tx: Tx, runs: NewRun[], now: number): Promise<void> {
  if (runs.length === 0) return;
  const pending = { step: { kind: "run", attempt: 0, due: now } };
  await tx`
    insert into inngest_engine.runs (id, function_id, event, concurrency, parent, pending, next_at, created_at)
    select r.id, r.function_id, r.event, r.concurrency, r.parent, ${json(tx, pending)}, ${now}, ${now}
    from jsonb_to_recordset(${json(tx, runs)}) as r(
      id text, function_id text, event jsonb, concurrency jsonb, parent jsonb
    )`;
}

/** Drops runs whose function `idempotency` key was already used within the window. */
async function applyIdempotency(tx: Tx, registry: Registry, runs: NewRun[], now: number) {
  const keyed: { run: NewRun; key: string }[] = [];
  const free: NewRun[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    const expression = registry.get(run.function_id)?.config.idempotency;
    if (!expression) {
      free.push(run);
      continue;
    }
    let key: string;
    try {
      key = evaluateKey(expression, { event: run.event });
    } catch {
      key = "";
    }
    const id = `${run.function_id}\u0000${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    keyed.push({ run, key });
  }
  if (keyed.length === 0) return free;
  const rows = keyed.map(({ run, key }) => ({ function_id: run.function_id, key }));
  const claimed = await tx<{ function_id: string; key: string }[]>`
    insert into inngest_engine.idempotency_keys (function_id, key, expires_at)
    select k.function_id, k.key, ${now + IDEMPOTENCY_WINDOW_MS}
    from jsonb_to_recordset(${json(tx, rows)}) as k(function_id text, key text)
    on conflict (function_id, key) do update set expires_at = excluded.expires_at
      where inngest_engine.idempotency_keys.expires_at <= ${now}
    returning function_id, key`;
  const won = new Set(claimed.map((row) => `${row.function_id}\u0000${row.key}`));
  return [
    ...free,
    ...keyed
      .filter(({ run, key }) => won.has(`${run.function_id}\u0000${key}`))
      .map(({ run }) => run),
  ];
}

/**
 * Records a memoised step result on a run from outside its call loop (an event that
 * satisfied a wait, a child run that finished) and wakes the run. `nudges` lets a call
 * loop holding the run notice the wake-up it would otherwise overwrite.
 */
export async function resolveStep(
  tx: Tx,
  runId: string,
  stepId: string,
  result: unknown,
  now: number,
) {
  await tx`
    update inngest_engine.runs
    set steps = steps || jsonb_build_object(${stepId}::text, ${json(tx, result)}::jsonb),
        stack = stack || to_jsonb(${stepId}::text),
        next_at = ${now}, nudges = nudges + 1
    where id = ${runId} and status = 'running' and not steps ? ${stepId}`;
}

async function resolveWaits(tx: Tx, events: EngineEvent[], now: number) {
  const names = [...new Set(events.map((event) => event.name))];
  const waits = await tx<
    {
      run_id: string;
      step_id: string;
      event_name: string;
      expression: string | null;
      run_event: unknown;
    }[]
  >`select run_id, step_id, event_name, expression, run_event from inngest_engine.waits
    where event_name = any(${tx.array(names)}::text[]) and expires_at > ${now}`;
  for (const wait of waits) {
    const match = events.find(
      (event) =>
        event.name === wait.event_name &&
        (!wait.expression || matches(wait.expression, { event: wait.run_event, async: event })),
    );
    if (!match) continue;
    const taken = await tx`
      delete from inngest_engine.waits where run_id = ${wait.run_id} and step_id = ${wait.step_id}
      returning run_id`;
    if (taken.length > 0) await resolveStep(tx, wait.run_id, wait.step_id, { data: match }, now);
  }
}

async function applyCancellations(tx: Tx, registry: Registry, events: EngineEvent[], now: number) {
  for (const fn of registry.values()) {
    for (const cancel of cancelsOf(fn)) {
      const incoming = events.filter((event) => event.name === cancel.event);
      if (incoming.length === 0) continue;
      const runs = await tx<{ id: string; event: EngineEvent }[]>`
        select id, event from inngest_engine.runs
        where function_id = ${fn.id} and status = 'running'`;
      const cancelled = runs
        .filter((run) =>
          incoming.some(
            (event) => !cancel.if || matches(cancel.if, { event: run.event, async: event }),
          ),
        )
        .map((run) => run.id);
      if (cancelled.length === 0) continue;
      const ended = await tx<{ parent: NewRun["parent"] }[]>`
        update inngest_engine.runs set status = 'cancelled', ended_at = ${now}, next_at = null
        where id = any(${tx.array(cancelled)}::text[]) and status = 'running'
        returning parent`;
      await tx`delete from inngest_engine.waits where run_id = any(${tx.array(cancelled)}::text[])`;
      for (const { parent } of ended) {
        if (!parent) continue;
        const error = { name: "Error", message: "The invoked function was cancelled" };
        await resolveStep(tx, parent.run_id, parent.step_id, { error }, now);
      }
    }
  }
}

/**
 * Takes events in: stores each once (a repeated event `id` is ignored, as Inngest
 * deduplicates by id), starts the runs they trigger, satisfies waiting runs and applies
 * cancellations, all in the caller's transaction so nothing is half-done after a crash.
 */
export async function ingestEvents(
  tx: Tx,
  registry: Registry,
  events: EngineEvent[],
  now: number,
  /** Start only this function, whatever its triggers (cron ticks). */
  only?: RegisteredFunction,
): Promise<{ fresh: EngineEvent[]; runIds: string[] }> {
  if (events.length === 0) return { fresh: [], runIds: [] };
  const rows = events.map((event) => ({ id: event.id, name: event.name, event }));
  const stored = await tx<{ id: string }[]>`
    insert into inngest_engine.events (id, name, event, received_at)
    select e.id, e.name, e.event, ${now}
    from jsonb_to_recordset(${json(tx, rows)}) as e(id text, name text, event jsonb)
    on conflict (id) do nothing
    returning id`;
  const storedIds = new Set(stored.map((row) => row.id));
  const fresh = events.filter((event) => storedIds.delete(event.id));
  if (fresh.length === 0) return { fresh, runIds: [] };

  const functions = [...registry.values()];
  const candidates = fresh.flatMap((event) =>
    only
      ? [newRun(only, event)]
      : functions.filter((fn) => isTriggeredBy(fn, event)).map((fn) => newRun(fn, event)),
  );
  const runs = await applyIdempotency(tx, registry, candidates, now);
  await insertRuns(tx, runs, now);
  if (!only) {
    await resolveWaits(tx, fresh, now);
    await applyCancellations(tx, registry, fresh, now);
  }
  return { fresh, runIds: runs.map((run) => run.id) };
}
