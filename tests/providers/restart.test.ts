import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import { serve } from "inngest/node";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { connectPostgres } from "@/db/connect";
import { payouts } from "@/db/schema";
import { appStarted, inngest } from "@/inngest/client";
import { type LocalEngine, startLocalEngine } from "@/inngest/engine";
import { functions } from "@/inngest/functions";
import { createPayoutBodySchema, createPayouts } from "@/lib/payouts/create-payout";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { startSubmission } from "@/lib/payouts/submission";
import { TEST_EVENT_KEY, until } from "@/tests/fixtures/inngest-app";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";

process.env.AUTH_SECRET ??= "restart-test-secret-restart-test-secret-0123";

let server: http.Server | undefined;
let engine: LocalEngine | undefined;

afterAll(async () => {
  await engine?.stop();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  const sql = connectPostgres(process.env.DATABASE_URL as string, { max: 1 });
  await sql`drop schema if exists inngest_engine cascade`;
  await sql.end();
});

describe("a restart after a kill -9 mid-way through claims", { timeout: 120_000 }, () => {
  it("resumes the submissions the crash left in processing within 60 s of the restart, paying none twice", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000_000n);
    const rows = await createPayouts(
      db,
      scope,
      Array.from({ length: 240 }, (_, i) =>
        createPayoutBodySchema.parse({
          recipient: { email: `k${i}@example.com`, country: "US" },
          amount: 1_000 + i * 100,
          currency: "USD",
        }),
      ),
    );
    const ids = rows.map((r) => r.id);
    await applyPayoutEvent(db, scope, ids, "open");
    await applyPayoutEvent(db, scope, ids, "claim", {
      actor: "recipient",
      changes: {
        method: "paypal",
        methodDetails: { account: "k@example.com", accountType: "email" },
      },
    });
    // The crash: 78 submissions had moved their payouts to processing when everything
    // died; no run is left that would finish them.
    const stranded = ids.slice(0, 78);
    for (const id of stranded) await startSubmission(db, scope, id);

    // The restart: the engine and the app's functions come up; the launcher announces it.
    server = http.createServer();
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
    engine = await startLocalEngine({
      databaseUrl: process.env.DATABASE_URL as string,
      appUrl,
      port: 0,
      pollMs: 50,
      log: () => {},
      eventKey: TEST_EVENT_KEY,
    });
    inngest.setEnvVars({
      INNGEST_BASE_URL: engine.url,
      INNGEST_DEV: "1",
      INNGEST_EVENT_KEY: TEST_EVENT_KEY,
    });
    server.on("request", serve({ client: inngest, functions }));
    await engine.sync();
    const restartedAt = Date.now();
    await inngest.send(appStarted.create({ at: new Date().toISOString() }));

    await until(
      async () => {
        const left = await db
          .select({ id: payouts.id })
          .from(payouts)
          .where(and(inArray(payouts.id, stranded), eq(payouts.status, "processing")));
        return left.length === 0;
      },
      "the stranded submissions to finish",
      60_000,
    );
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    const after = await db.select().from(payouts).where(inArray(payouts.id, stranded));
    // Each paid once: the sandbox is asked under the first attempt's id, and no second attempt exists.
    expect(after.every((p) => p.status === "paid" && p.attempt === 1)).toBe(true);
  });
});
