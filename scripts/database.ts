import path from "node:path";
import { connectPostgres } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";

export type RunningDatabase = { url: string; embedded: boolean; stop: () => Promise<void> };

/**
 * DATABASE_URL when given, otherwise the embedded cluster under DATA_DIR/pg (stopping one
 * that a killed earlier run left there; `log` says so).
 */
export async function openDatabase(
  config: { DATABASE_URL?: string; DATA_DIR: string },
  log?: (line: string) => void,
): Promise<RunningDatabase> {
  if (config.DATABASE_URL) {
    await assertReachable(config.DATABASE_URL);
    return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const pg = await startEmbeddedPostgres({ dataDir: path.join(config.DATA_DIR, "pg"), log });
  return { url: pg.url, embedded: true, stop: pg.stop };
}

async function assertReachable(url: string): Promise<void> {
  const sql = connectPostgres(url, { max: 1, connect_timeout: 5 });
  try {
    const [row] = await sql<
      { version: number }[]
    >`select current_setting('server_version_num')::int as version`;
    if (!row || row.version < 150000) {
      throw new Error(
        `PostgreSQL ${row?.version ?? "?"} is too old; Disburse needs PostgreSQL 15 or newer`,
      );
    }
  } catch (error) {
    const safeUrl = new URL(url);
    safeUrl.password = safeUrl.password ? "***" : "";
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot connect to DATABASE_URL (${safeUrl.toString()}): ${reason}`);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
