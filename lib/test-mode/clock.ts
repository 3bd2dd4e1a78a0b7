import { gt, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import { testClocks } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { AppError } from "@/lib/errors";

/**
 * A test clock is an offset per organisation in test mode: its test mode lives at real
 * time plus the offset. Deadlines are set in the clock's time (a claim window starts at
 * the clock's now) and the sweeps that act on time (claim expiry, reminders, provider
 * polls) compare against it, so advancing the clock makes due whatever would be due
 * that much later, and nothing else changes: no stored time is rewritten. Live mode has
 * no clock (a check on the table), so its offset is always zero.
 */

/** How far one organisation's test mode may run ahead: ten years. */
export const MAX_CLOCK_OFFSET_SECONDS = 10 * 366 * 86_400;

export type TestClock = { offsetSeconds: number; now: Date };

type TenantRow = { organisationId: PgColumn; mode: PgColumn };

/** The test clock's offset of the row's organisation and mode, as an interval (zero without one). */
function clockOffsetSql(row: TenantRow): SQL {
  return sql`coalesce((select make_interval(secs => ${testClocks.offsetSeconds}) from ${testClocks} where ${testClocks.organisationId} = ${row.organisationId} and ${testClocks.mode} = ${row.mode}), interval '0')`;
}

/**
 * `now()` as the clock of the row's organisation and mode reads it, for deadlines set
 * inside one statement (the payout machine's UPDATE).
 */
export function clockNowSql(row: TenantRow): SQL {
  return sql`(now() + ${clockOffsetSql(row)})`;
}

/** The row's organisation and mode has no clock running ahead: the real-time sweeps' share. */
export function onRealTime(row: TenantRow): SQL {
  return sql`not exists (select 1 from ${testClocks} where ${testClocks.organisationId} = ${row.organisationId} and ${testClocks.mode} = ${row.mode} and ${testClocks.offsetSeconds} > 0)`;
}

/** Every scope whose clock runs ahead, with its time, for the sweeps' second pass. */
export async function advancedClocks(
  db: DbOrTx,
  real = new Date(),
): Promise<{ scope: Scope; now: Date }[]> {
  const rows = await db.select().from(testClocks).where(gt(testClocks.offsetSeconds, 0));
  return rows.map((r) => ({
    scope: { organisationId: r.organisationId, mode: r.mode },
    now: new Date(real.getTime() + r.offsetSeconds * 1000),
  }));
}

/**
 * Moves the scope's test clock forward by `seconds` and returns it. Live mode has no
 * clock: the caller refuses before this, and the table's check refuses whatever slips by.
 */
export async function advanceClock(
  db: DbOrTx,
  scope: Scope,
  seconds: number,
  real = new Date(),
): Promise<TestClock> {
  if (scope.mode !== "test") {
    throw new AppError("not_found", "Test clocks exist in test mode only.");
  }
  const [row] = await db
    .insert(testClocks)
    .values({ ...scope, offsetSeconds: seconds })
    .onConflictDoUpdate({
      target: [testClocks.organisationId, testClocks.mode],
      set: { offsetSeconds: sql`${testClocks.offsetSeconds} + ${seconds}`, updatedAt: real },
      setWhere: sql`${testClocks.offsetSeconds} + ${seconds} <= ${MAX_CLOCK_OFFSET_SECONDS}`,
    })
    .returning({ offsetSeconds: testClocks.offsetSeconds });
  if (!row) {
    throw new AppError(
      "validation_failed",
      "A test clock runs at most ten years ahead of real time.",
      { fieldErrors: [{ path: "seconds", message: "would take the clock past ten years ahead" }] },
    );
  }
  return {
    offsetSeconds: row.offsetSeconds,
    now: new Date(real.getTime() + row.offsetSeconds * 1000),
  };
}
