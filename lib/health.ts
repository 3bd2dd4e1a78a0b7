import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import journal from "@/db/migrations/meta/_journal.json";

export type Health = {
  status: "ok" | "degraded";
  database: { reachable: boolean; latencyMs?: number; error?: string };
  migration: { applied: string | null; expected: string; upToDate: boolean };
};

const latestExpected = journal.entries.at(-1)?.tag ?? "none";

/** Reports whether the database answers and which committed migration it is on. */
export async function checkHealth(db: DbOrTx): Promise<Health> {
  const started = performance.now();
  try {
    const rows = await db.execute<{ created_at: string }>(
      sql`select created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    const latencyMs = Math.round(performance.now() - started);
    const appliedAt = Number(rows[0]?.created_at);
    const applied = journal.entries.find((entry) => entry.when === appliedAt)?.tag ?? null;
    const upToDate = applied === latestExpected;
    return {
      status: upToDate ? "ok" : "degraded",
      database: { reachable: true, latencyMs },
      migration: { applied, expected: latestExpected, upToDate },
    };
  } catch (error) {
    return {
      status: "degraded",
      database: { reachable: false, error: error instanceof Error ? error.message : String(error) },
      migration: { applied: null, expected: latestExpected, upToDate: false },
    };
  }
}
