import { evaluateKey, matches } from "./expressions";
import { ulid } from "./ids";
import {
  type BatchPolicy,
  batchPolicyOf,
  type ConcurrencyLimit,
  cancelsOf,
  concurrencyLimits,
  isTriggeredBy,
  type RegisteredFunction,
} from "./registry";
import { json, type Sql, type Tx } from "./store";

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
  /** A batched run's events (`event` is the first); null for a run of one event. */
  events: EngineEvent[] | null;
  concurrency: ConcurrencyLimit[];
  parent: { run_id: string; step_id: string } | null;
};

/** Builds a run row; a run starts with one pending call that discovers its first steps. */
export function newRun(
  fn: RegisteredFunction,
  event: EngineEvent,
  parent: NewRun["parent"] = null,
  events: EngineEvent[] | null = null,
): NewRun {
  let concurrency: ConcurrencyLimit[] = [];
  try {
    concurrency = concurrencyLimits(fn, (key) => evaluateKey(key, { event }));
  } catch {
    // A key that cannot be evaluated for this event falls back to the function-wide slot.
    concurrency = concurrencyLimits(fn, () => "");
  }
  return { id: ulid(), function_id: fn.id, event, events, concurrency, parent };
}

export async function insertRuns(tx: Tx, runs: NewRun[], now: number): Promise<void> {
  if (runs.length === 0) return;
  const pending = { step: { kind: "run", attempt: 0, due: now } };
  await tx`
    insert into inngest_engine.runs (id, function_id, event, events, concurrency, parent, pending, next_at, created_at)
    select r.id, r.function_id, r.event, r.events, r.concurrency, r.parent, ${json(tx, pending)}, ${now}, ${now}
    from jsonb_to_recordset(${json(tx, runs)}) as r(
      id text, function_id text, event jsonb, events jsonb, concurrency jsonb, parent jsonb
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

type BatchGroup = {
  fn: RegisteredFunction;
  policy: BatchPolicy;
  key: string;
  events: EngineEvent[];
};

/**
 * Where an event goes for a function with `batchEvents`: the batch of its key, or, when
 * the policy's `if` does not hold for it, a run of its own at once.
 */
function batchKeyOf(policy: BatchPolicy, event: EngineEvent): string | null {
  try {
    if (policy.if && !matches(policy.if, { event })) return null;
    return policy.key ? evaluateKey(policy.key, { event }) : "";
  } catch {
    return policy.if ? null : "";
  }
}

/**
 * Appends events to their open batches (a batch opens with its first event and is due
 * `timeout` later); a batch that reaches `maxSize` is taken at once and becomes runs.
 * The batch's head row is locked by the append, so concurrent appends queue and the one
 * that fills it takes every event.
 */
async function addToBatches(
  tx: Tx,
  groups: BatchGroup[],
  now: number,
): Promise<{ runs: NewRun[]; due: number | null }> {
  const runs: NewRun[] = [];
  let due: number | null = null;
  for (const group of groups) {
    const [head] = await tx<{ size: number; due_at: number }[]>`
      with head as (
        insert into inngest_engine.batches (function_id, key, size, due_at)
        values (${group.fn.id}, ${group.key}, ${group.events.length}, ${now + group.policy.timeoutMs})
        on conflict (function_id, key) do update set size = inngest_engine.batches.size + excluded.size
        returning size, due_at
      ), added as (
        insert into inngest_engine.batch_events (function_id, key, event)
        select ${group.fn.id}, ${group.key}, x.event
        from jsonb_array_elements(${json(tx, group.events)}) with ordinality as x(event, n)
        order by x.n
      )
      select size, due_at from head`;
    if (!head) continue;
    if (head.size >= group.policy.maxSize) {
      runs.push(...(await takeBatch(tx, group.fn.id, group.key, group.fn)));
    } else {
      due = Math.min(due ?? head.due_at, head.due_at);
    }
  }
  return { runs, due };
}

/**
 * Empties one batch into runs of at most `maxSize` events each, in arrival order. If the
 * function is gone its events are dropped; if it no longer batches, each runs alone.
 */
async function takeBatch(
  tx: Tx,
  functionId: string,
  key: string,
  fn: RegisteredFunction | undefined,
): Promise<NewRun[]> {
  await tx`delete from inngest_engine.batches where function_id = ${functionId} and key = ${key}`;
  const taken = await tx<{ event: EngineEvent; position: string }[]>`
    delete from inngest_engine.batch_events where function_id = ${functionId} and key = ${key}
    returning event, position`;
  if (!fn) return [];
  const events = [...taken]
    .sort((a, b) => Number(BigInt(a.position) - BigInt(b.position)))
    .map((row) => row.event);
  const policy = batchPolicyOf(fn);
  if (!policy) return events.map((event) => newRun(fn, event));
  const runs: NewRun[] = [];
  for (let start = 0; start < events.length; start += policy.maxSize) {
    const chunk = events.slice(start, start + policy.maxSize);
    runs.push(newRun(fn, chunk[0] as EngineEvent, null, chunk));
  }
  return runs;
}

/** Starts the runs of every batch whose timeout has passed; another engine's are skipped. */
export async function flushDueBatches(tx: Tx, registry: Registry, now: number): Promise<void> {
  const due = await tx<{ function_id: string; key: string }[]>`
    select function_id, key from inngest_engine.batches
    where due_at <= ${now} for update skip locked`;
  const runs: NewRun[] = [];
  for (const batch of due) {
    runs.push(
      ...(await takeBatch(tx, batch.function_id, batch.key, registry.get(batch.function_id))),
    );
  }
  await insertRuns(tx, runs, now);
}

/** When the earliest open batch falls due, or null when none is open. */
export async function nextBatchDue(db: Tx | Sql): Promise<number | null> {
  const [row] = await db<
    { at: number | null }[]
  >`select min(due_at) as at from inngest_engine.batches`;
  return row?.at ?? null;
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
 * deduplicates by id), starts the runs they trigger or adds them to their functions'
 * batches (`batchDue`: when the earliest batch still open falls due), satisfies waiting runs and applies
 * cancellations, all in the caller's transaction so nothing is half-done after a crash.
 */
export async function ingestEvents(
  tx: Tx,
  registry: Registry,
  events: EngineEvent[],
  now: number,
  /** Start only this function, whatever its triggers (cron ticks). */
  only?: RegisteredFunction,
): Promise<{ fresh: EngineEvent[]; runIds: string[]; batchDue: number | null }> {
  if (events.length === 0) return { fresh: [], runIds: [], batchDue: null };
  const rows = events.map((event) => ({ id: event.id, name: event.name, event }));
  const stored = await tx<{ id: string }[]>`
    insert into inngest_engine.events (id, name, event, received_at)
    select e.id, e.name, e.event, ${now}
    from jsonb_to_recordset(${json(tx, rows)}) as e(id text, name text, event jsonb)
    on conflict (id) do nothing
    returning id`;
  const storedIds = new Set(stored.map((row) => row.id));
  const fresh = events.filter((event) => storedIds.delete(event.id));
  if (fresh.length === 0) return { fresh, runIds: [], batchDue: null };

  const functions = [...registry.values()];
  const single: NewRun[] = [];
  const groups = new Map<string, BatchGroup>();
  for (const event of fresh) {
    if (only) {
      single.push(newRun(only, event));
      continue;
    }
    for (const fn of functions) {
      if (!isTriggeredBy(fn, event)) continue;
      const policy = batchPolicyOf(fn);
      const key = policy ? batchKeyOf(policy, event) : null;
      if (!policy || key === null) {
        single.push(newRun(fn, event));
        continue;
      }
      const id = `${fn.id}\u0000${key}`;
      const group = groups.get(id) ?? { fn, policy, key, events: [] };
      group.events.push(event);
      groups.set(id, group);
    }
  }
  const batched = await addToBatches(tx, [...groups.values()], now);
  const runs = [...(await applyIdempotency(tx, registry, single, now)), ...batched.runs];
  await insertRuns(tx, runs, now);
  if (!only) {
    await resolveWaits(tx, fresh, now);
    await applyCancellations(tx, registry, fresh, now);
  }
  return { fresh, runIds: runs.map((run) => run.id), batchDue: batched.due };
}
