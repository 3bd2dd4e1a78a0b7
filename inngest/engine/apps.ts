import { nextCronTime } from "./cron";
import {
  cronsOf,
  functionConfigSchema,
  type RegisteredFunction,
  registerFunction,
} from "./registry";
import { json, type Sql } from "./store";

// Function options the local engine does not apply; a sync that uses them is told so.
const UNSUPPORTED_OPTIONS = [
  "debounce",
  "priority",
  "rateLimit",
  "singleton",
  "throttle",
  "timeouts",
];

export class SyncError extends Error {
  override name = "SyncError";
}

/** The functions this engine knows, kept in memory and in `inngest_engine.functions`. */
export class FunctionRegistry extends Map<string, RegisteredFunction> {
  lastRegisteredAt = 0;

  async load(sql: Sql) {
    const rows = await sql<{ config: unknown }[]>`select config from inngest_engine.functions`;
    for (const row of rows) {
      const parsed = functionConfigSchema.safeParse(row.config);
      if (parsed.success) this.set(parsed.data.id, registerFunction(parsed.data));
    }
  }

  /**
   * Replaces the functions with those of a sync (SDK spec 4.3); an engine serves one app,
   * so functions of an earlier sync that are gone (or served from an old address) stop
   * being triggered. Cron schedules keep their next tick unless they changed.
   */
  async register(sql: Sql, appUrl: string, functions: unknown, now: number) {
    if (!Array.isArray(functions)) throw new SyncError("`functions` must be an array");
    const registered: RegisteredFunction[] = [];
    for (const config of functions) {
      const parsed = functionConfigSchema.safeParse(config);
      if (!parsed.success) {
        const id = (config as { id?: unknown })?.id;
        throw new SyncError(
          `Function ${String(id)} has an invalid configuration: ${parsed.error.message}`,
        );
      }
      try {
        registered.push(registerFunction(parsed.data));
      } catch (error) {
        throw new SyncError(`Function ${parsed.data.id}: ${(error as Error).message}`);
      }
    }
    const ids = registered.map((fn) => fn.id);
    const crons = registered.flatMap((fn) =>
      cronsOf(fn).map((schedule) => ({
        function_id: fn.id,
        schedule,
        next_at: nextCronTime(schedule, now),
      })),
    );
    const rows = registered.map((fn) => ({ id: fn.id, config: fn.config }));
    const removed = await sql.begin(async (tx) => {
      const gone = await tx<{ id: string }[]>`
        delete from inngest_engine.functions
        where id <> all(${tx.array(ids)}::text[]) returning id`;
      await tx`
        insert into inngest_engine.functions (id, app_url, config, synced_at)
        select f.id, ${appUrl}, f.config, ${now}
        from jsonb_to_recordset(${json(tx, rows)}) as f(id text, config jsonb)
        on conflict (id) do update
          set app_url = excluded.app_url, config = excluded.config, synced_at = excluded.synced_at`;
      await tx`
        delete from inngest_engine.crons c
        where not exists (select 1 from inngest_engine.functions f where f.id = c.function_id)
          or (c.function_id = any(${tx.array(ids)}::text[]) and not exists (
            select 1 from jsonb_to_recordset(${json(tx, crons)}) as n(function_id text, schedule text)
            where n.function_id = c.function_id and n.schedule = c.schedule))`;
      await tx`
        insert into inngest_engine.crons (function_id, schedule, next_at)
        select n.function_id, n.schedule, n.next_at
        from jsonb_to_recordset(${json(tx, crons)}) as n(function_id text, schedule text, next_at bigint)
        on conflict do nothing`;
      return gone.map((row) => row.id);
    });
    for (const id of removed) this.delete(id);
    for (const fn of registered) this.set(fn.id, fn);
    this.lastRegisteredAt = Date.now();
    const ignored = registered.flatMap((fn) =>
      UNSUPPORTED_OPTIONS.filter((option) => fn.config[option] != null).map(
        (option) => `${fn.id}: ${option}`,
      ),
    );
    return { ids, removed, ignored };
  }
}
