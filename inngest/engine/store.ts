import type postgres from "postgres";
import { connectPostgres } from "@/db/connect";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
export type Db = Sql | Tx;

/** JSON as stored: the SDK's payloads pass through untouched. */
export type Json = postgres.JSONValue;

export function connect(databaseUrl: string, max: number): Sql {
  return connectPostgres(databaseUrl, {
    max,
    // A commit need not wait for its WAL flush: a database crash may then lose the last
    // moments of engine state, which only means a step runs again (steps are idempotent),
    // while a killed engine loses nothing. This keeps fan-out of thousands of runs fast.
    connection: { synchronous_commit: "off" },
    // Epoch-millisecond columns are bigint; they fit a JS number exactly.
    types: {
      epochMs: { to: 20, from: [20], serialize: (value: number) => String(value), parse: Number },
    },
  }) as unknown as Sql;
}

export function json(db: Db, value: unknown) {
  return db.json(value as Json);
}

// Serialises concurrent starts (and, plus one, claims) across engine processes.
const SCHEMA_LOCK = 0x1_6e6e_6573;

// Bumped whenever the DDL below changes, so an up-to-date schema costs one query at start.
const SCHEMA_VERSION = 2;

/**
 * The engine's state lives in its own schema so the app's migrations never see it.
 * Created idempotently at start; times are epoch milliseconds from the engine's clock,
 * except leases, which are about process liveness and use the database's time.
 */
export async function ensureSchema(sql: Sql) {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SCHEMA_LOCK})`;
    const [known] = await tx<{ exists: boolean }[]>`
      select to_regclass('inngest_engine.schema_version') is not null as exists`;
    if (known?.exists) {
      const [current] = await tx<{ version: number }[]>`
        select max(version) as version from inngest_engine.schema_version`;
      if (current?.version === SCHEMA_VERSION) return;
    }
    await tx.unsafe(`
      create schema if not exists inngest_engine;
      create table if not exists inngest_engine.functions (
        id text primary key,
        app_url text not null,
        config jsonb not null,
        synced_at bigint not null
      );
      create table if not exists inngest_engine.events (
        id text primary key,
        name text not null,
        event jsonb not null,
        received_at bigint not null
      );
      alter table inngest_engine.events drop column if exists internal_id;
      create index if not exists events_received on inngest_engine.events (received_at);
      create table if not exists inngest_engine.runs (
        id text primary key,
        function_id text not null,
        event jsonb not null,
        status text not null default 'running'
          check (status in ('running', 'completed', 'failed', 'cancelled')),
        steps jsonb not null default '{}',
        stack jsonb not null default '[]',
        pending jsonb not null default '{}',
        next_at bigint,
        nudges integer not null default 0,
        concurrency jsonb not null default '[]',
        parent jsonb,
        output jsonb,
        error jsonb,
        lease_token text,
        lease_until timestamptz,
        created_at bigint not null,
        ended_at bigint
      );
      alter table inngest_engine.runs add column if not exists events jsonb;
      drop index if exists inngest_engine.runs_ready;
      create index if not exists runs_due on inngest_engine.runs (next_at, id) where status = 'running';
      create index if not exists runs_leased on inngest_engine.runs (lease_until) where lease_token is not null;
      create index if not exists runs_function on inngest_engine.runs (function_id, status);
      create index if not exists runs_ended on inngest_engine.runs (ended_at) where status <> 'running';
      create table if not exists inngest_engine.waits (
        run_id text not null,
        step_id text not null,
        event_name text not null,
        expression text,
        run_event jsonb not null,
        expires_at bigint not null,
        primary key (run_id, step_id)
      );
      create index if not exists waits_event on inngest_engine.waits (event_name);
      create table if not exists inngest_engine.idempotency_keys (
        function_id text not null,
        key text not null,
        expires_at bigint not null,
        primary key (function_id, key)
      );
      create table if not exists inngest_engine.batches (
        function_id text not null,
        key text not null,
        size integer not null,
        due_at bigint not null,
        primary key (function_id, key)
      );
      create index if not exists batches_due on inngest_engine.batches (due_at);
      create table if not exists inngest_engine.batch_events (
        function_id text not null,
        key text not null,
        position bigint generated always as identity,
        event jsonb not null,
        primary key (function_id, key, position)
      );
      create table if not exists inngest_engine.crons (
        function_id text not null,
        schedule text not null,
        next_at bigint not null,
        primary key (function_id, schedule)
      );
    `);
    await tx.unsafe(CLAIM_FUNCTION);
    await tx`create table if not exists inngest_engine.schema_version (version integer not null)`;
    await tx`delete from inngest_engine.schema_version`;
    await tx`insert into inngest_engine.schema_version (version) values (${SCHEMA_VERSION})`;
  });
}

/**
 * Leases up to `p_limit` due runs in one round trip. A run is taken only if every
 * concurrency key it holds has a free slot, counting the runs in flight and those ahead
 * of it in this claim; one that must wait is left for a later claim. The advisory lock
 * serialises claims of several engines on one database; each statement of a volatile
 * function takes a fresh snapshot, so the counts are read after the lock is held.
 */
const CLAIM_FUNCTION = `
  create or replace function inngest_engine.claim_runs(
    p_now bigint, p_limit integer, p_lease_ms integer, p_token text
  ) returns setof inngest_engine.runs language plpgsql volatile as $$
  begin
    perform pg_advisory_xact_lock(${SCHEMA_LOCK + 1});
    return query
    with busy as (
      select c->>'key' as key, count(*)::int as taken
      from inngest_engine.runs as r, jsonb_array_elements(r.concurrency) as c
      where r.lease_token is not null and r.lease_until > now() and r.status = 'running'
      group by 1
    ), candidates as (
      select r.id, r.next_at, r.concurrency from inngest_engine.runs as r
      where r.status = 'running' and r.next_at <= p_now
        and (r.lease_token is null or r.lease_until < now())
        and not exists (
          select 1 from jsonb_array_elements(r.concurrency) as c
          join busy on busy.key = c->>'key'
          where busy.taken >= (c->>'limit')::int)
      order by r.next_at, r.id
      limit p_limit * 4
      for update of r skip locked
    ), slots as (
      select candidates.id, c->>'key' as key, (c->>'limit')::int as slot_limit,
        row_number() over (partition by c->>'key' order by candidates.next_at, candidates.id) as queued
      from candidates, jsonb_array_elements(candidates.concurrency) as c
    ), picked as (
      select candidates.id from candidates
      where candidates.id not in (
        select slots.id from slots left join busy on busy.key = slots.key
        where coalesce(busy.taken, 0) + slots.queued > slots.slot_limit)
      order by candidates.next_at, candidates.id
      limit p_limit
    )
    update inngest_engine.runs as r
    set lease_token = p_token, lease_until = now() + p_lease_ms * interval '1 millisecond'
    from picked where r.id = picked.id
    returning r.*;
  end $$;
`;
