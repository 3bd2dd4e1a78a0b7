import { createDb } from "@/db/client";
import { listFilesAt } from "@/lib/compliance/lists/files";
import { loadSanctionsList } from "@/lib/compliance/lists/load";
import { ConfigError, parseConfig } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { openDatabase } from "./database";

/**
 * `npm run compliance:load -- <dir|file> [--name "EU consolidated"]`: loads a sanctions
 * list as a new version into DATABASE_URL (or the dev cluster). A directory holds OFAC's
 * sdn.csv, alt.csv and add.csv (or cons_prim.csv, …); a file is one CSV in the generic
 * layout. A malformed file is refused with its line and nothing is loaded. Open payouts
 * are rescreened by the background sweep within ten minutes.
 */
async function main(argv: string[]): Promise<number> {
  const nameAt = argv.indexOf("--name");
  const listName = nameAt >= 0 ? argv[nameAt + 1] : undefined;
  const path = argv.filter((_, i) => i !== nameAt && i !== nameAt + 1)[0];
  if (!path) {
    process.stderr.write("Usage: npm run compliance:load -- <dir|file> [--name <list name>]\n");
    return 2;
  }
  const database = await openDatabase(parseConfig());
  const { db, sql } = createDb(database.url, { max: 1 });
  try {
    const { version, unchanged } = await loadSanctionsList(db, {
      files: await listFilesAt(path),
      loadedBy: "cli",
      listName,
      source: path,
    });
    process.stdout.write(
      unchanged
        ? `✓ ${version.listName} is unchanged since ${version.createdAt.toISOString()} (${version.id}); nothing loaded\n`
        : `✓ Loaded ${version.listName}: ${version.entryCount} entries, ${version.aliasCount} aliases (${version.id})\n`,
    );
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      process.stderr.write(`✗ ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
    await database.stop();
  }
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`✗ ${message}\n`);
  code = 2;
}
process.exit(code);
