/**
 * Runs the local engine on its own: `npx tsx inngest/engine/cli.ts`. The app's launcher
 * starts it in-process instead; this entry point serves operators and the crash test.
 * Prints `{"url": …}` on stdout once listening.
 */
import { startLocalEngine } from "./index";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return value;
}

function optionalNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    process.stderr.write(`${name} must be a whole number\n`);
    process.exit(2);
  }
  return number;
}

const engine = await startLocalEngine({
  databaseUrl: required("DATABASE_URL"),
  appUrl: required("INNGEST_ENGINE_APP_URL"),
  port: optionalNumber("INNGEST_ENGINE_PORT"),
  signingKey: process.env.INNGEST_SIGNING_KEY || undefined,
  eventKey: required("INNGEST_EVENT_KEY"),
  concurrency: optionalNumber("INNGEST_ENGINE_CONCURRENCY"),
  leaseMs: optionalNumber("INNGEST_ENGINE_LEASE_MS"),
  pollMs: optionalNumber("INNGEST_ENGINE_POLL_MS"),
  log: (line) => process.stderr.write(`[inngest-engine] ${line}\n`),
});
process.stdout.write(`${JSON.stringify({ url: engine.url })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    engine.stop().then(() => process.exit(0));
  });
}
