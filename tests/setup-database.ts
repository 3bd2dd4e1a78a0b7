import { afterAll, inject } from "vitest";
import { closeDb } from "@/db/client";
import { connectPostgres } from "@/db/connect";

// Each test file gets its own database, cloned from the migrated template.
const serverUrl = inject("pgServerUrl");
const name = `disburse_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const admin = connectPostgres(serverUrl, { max: 1 });
await admin.unsafe(`create database ${name} template disburse_template`);
await admin.end();

const url = new URL(serverUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();

afterAll(async () => {
  await closeDb();
  const cleanup = connectPostgres(serverUrl, { max: 1 });
  await cleanup.unsafe(`drop database if exists ${name} with (force)`);
  await cleanup.end();
});
