import { rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { connectPostgres } from "@/db/connect";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";

export const TEMPLATE_DATABASE = "disburse_template";

/**
 * One PostgreSQL for the whole run (embedded unless TEST_DATABASE_URL is set), with a
 * migrated template database that each test file clones, so files never see each
 * other's rows and no file pays for migrations.
 */
export default async function setup(project: TestProject) {
  const override = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  let serverUrl: string;
  if (override) {
    serverUrl = override;
  } else {
    const dataDir = path.resolve(".data/test-pg", String(process.pid));
    const pg = await startEmbeddedPostgres({ dataDir, persistent: false, preferredPort: 55432 });
    serverUrl = pg.url;
    stop = async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const admin = connectPostgres(serverUrl, { max: 1 });
  await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  await runMigrations(templateUrl.toString());
  project.provide("pgServerUrl", serverUrl);
  return stop;
}

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}
