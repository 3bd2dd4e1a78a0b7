import { connectPostgres } from "@/db/connect";
import { inngest } from "@/inngest/client";
import { startTestApp, TEST_EVENT_KEY, type TestApp } from "@/tests/fixtures/inngest-app";

process.env.AUTH_SECRET ??= "functions-test-secret-functions-test-secret-01";
// Mail stays readable (sealed) only for the dev mailbox.
process.env.DEV_MAILBOX ??= "1";

/**
 * Points the app's Inngest client at a local engine that serves no functions, so what
 * the functions under test relay (`relayEvents`) is really sent and can be read back,
 * while `@inngest/test` drives the function itself.
 */
export async function startEventSink() {
  const app: TestApp = await startTestApp(() => []);
  inngest.setEnvVars({
    INNGEST_BASE_URL: app.engine.url,
    INNGEST_DEV: "1",
    INNGEST_EVENT_KEY: TEST_EVENT_KEY,
  });
  const sql = connectPostgres(process.env.DATABASE_URL as string, { max: 2 });
  return {
    /** Events the engine received, by name. */
    async received(name: string) {
      const rows = await sql<{ id: string; event: { data: Record<string, unknown> } }[]>`
        select id, event from inngest_engine.events where name = ${name} order by received_at`;
      return rows;
    },
    async close() {
      await sql.end();
      await app.close();
    },
  };
}

export type EventSink = Awaited<ReturnType<typeof startEventSink>>;

/** The event an `@inngest/test` run starts from, shaped as the relay sends it. */
export function eventOf(name: string, data: Record<string, unknown>) {
  return { name, data, id: `evt_test_${Math.random().toString(36).slice(2)}`, ts: Date.now() };
}
