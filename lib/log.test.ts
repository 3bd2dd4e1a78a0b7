import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/db/client";
import { logError, safeLogger } from "./log";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What `log` writes to the console's error stream, as one string. */
function loggedBy(log: () => void): string {
  const lines: unknown[][] = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    lines.push(args);
  });
  log();
  return JSON.stringify(lines);
}

describe("logError", () => {
  it("keeps a failed query's text and code but never its parameters or the constraint's detail", async () => {
    const taxId = "123-45-6789";
    const failure = await db
      .execute(sql`select 1 / (${taxId}::text = 'x')::int as boom`)
      .catch((error: unknown) => error);
    expect(String((failure as Error).message)).toContain(taxId);

    const logged = loggedBy(() => logError("test", failure));
    expect(logged).not.toContain(taxId);
    expect(logged).toContain("select 1 /");
    expect(logged).toContain("22012");
  });

  it("drops a unique violation's detail, which names the duplicate value", async () => {
    const email = "secret-person@example.com";
    await db.execute(sql`create table log_probe (email text unique)`);
    await db.execute(sql`insert into log_probe values (${email})`);
    const failure = await db
      .execute(sql`insert into log_probe values (${email})`)
      .catch((error: unknown) => error);
    const logged = loggedBy(() => logError("test", failure));
    expect(logged).not.toContain(email);
    expect(logged).toContain("log_probe_email_key");
  });

  it("also guards the logger handed to libraries that log errors themselves", async () => {
    const email = "someone@example.com";
    const failure = await db
      .execute(sql`select 1 / (${email}::text = 'x')::int`)
      .catch((error: unknown) => error);
    // The Inngest SDK logs a failed step as `error({ err }, "Inngest step error")`.
    const logged = loggedBy(() => {
      safeLogger.error({ err: failure }, "Inngest step error");
      safeLogger.error("Inngest step error", [failure]);
    });
    expect(logged).not.toContain(email);
    expect(logged).toContain("Inngest step error");
    expect(logged).toContain("select 1 /");
  });
});
