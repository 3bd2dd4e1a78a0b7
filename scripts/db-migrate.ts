import { runMigrations } from "@/db/migrate";
import { ConfigError, parseConfig } from "@/lib/config";
import { openDatabase } from "./database";

try {
  const database = await openDatabase(parseConfig());
  await runMigrations(database.url);
  await database.stop();
  process.stdout.write("✓ Migrations applied\n");
} catch (error) {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`✗ ${message}\n`);
  process.exit(1);
}
