import postgres from "postgres";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
export type Db = Sql | Tx;

/** JSON as stored: the SDK's payloads pass through untouched. */
export type Json = postgres.JSONValue;

export function connect(databaseUrl: string, max: number): Sql {
  return postgres(databaseUrl, {
    max,
    onnotice: () => {},
    // Epoch-millisecond columns are bigint; they fit a JS number exactly.
    types: {
      epochMs: { to: 20, from: [20], serialize: (value: number) => String(value), parse: Number },
    },
  }) as unknown as Sql;
}

export function json(db: Db, value: unknown) {
  return db.json(value as Json);
}

// Serialises concurrent starts (and claims, see scheduler.ts) across engine processes.
export const SCHEMA_LOCK = 0x1_6e6e_6573;

/**
 * The engine's state lives in its own schema so the app's migrations never see it.
 * Created idempotently at every start; times are epoch milliseconds from the engine's
 * clock, except leases, which are about process liveness and use the database's time.
 */
export async function ensureSchema(sql: Sql) {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SCHEMA_LOCK})`;
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
        internal_id text not null unique,
        name text not null,
        event jsonb not null,
        received_at bigint not null
      );
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
      create index if not exists runs_ready on inngest_engine.runs (next_at) where status = 'running';
      create index if not exists runs_leased on inngest_engine.runs (lease_until) where lease_token is not null;
      create index if not exists runs_function on inngest_engine.runs (function_id, status);
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
      create table if not exists inngest_engine.crons (
        function_id text not null,
        schedule text not null,
        next_at bigint not null,
        primary key (function_id, schedule)
      );
    `);
  });
}
