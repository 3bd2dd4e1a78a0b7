import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { connectPostgres } from "@/db/connect";

export const migrationsFolder = path.resolve(process.cwd(), "db/migrations");

/** Applies every committed migration that the database has not seen yet. */
export async function runMigrations(url: string): Promise<void> {
  const sql = connectPostgres(url, { max: 1 });
  try {
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
