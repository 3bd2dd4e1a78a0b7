import { spawnSync } from "node:child_process";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import { createHold, deposit, postHold, verifyLedger } from "./index";

function runVerifyScript() {
  return spawnSync("node_modules/.bin/tsx", ["scripts/ledger-verify.ts"], {
    env: { ...process.env },
    encoding: "utf8",
  });
}

describe("verifyLedger", () => {
  it("passes a consistent ledger and finds a counter that drifted from its entries", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 500n, idempotencyKey: "fund" });
    const { hold } = await createHold(db, scope, {
      idempotencyKey: "h",
      from: "available",
      to: "reserved",
      amount: 200n,
      currency: "USD",
    });
    await postHold(db, scope, { holdId: hold.id, amount: 150n, idempotencyKey: "p" });
    expect(await verifyLedger(db)).toEqual({ ok: true, problems: [] });

    // Counters are the one mutable part of the ledger; a stray write must not go unseen.
    await db.execute(sql`
      update ledger_accounts set balance = balance + 7
      where organisation_id = ${scope.organisationId} and kind = 'reserved'`);
    const report = await verifyLedger(db);
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.startsWith("accounts sum to zero:"))).toBe(true);
    expect(report.problems.some((p) => p.startsWith("counters equal their entries:"))).toBe(true);

    const script = runVerifyScript();
    expect(script.status).toBe(1);
    expect(script.stderr).toContain("counters equal their entries");
  });
});
