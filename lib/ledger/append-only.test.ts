import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { createLedgerScope } from "@/tests/fixtures/ledger";
import { createHold, deposit, postHold } from "./index";

async function databaseError(statement: ReturnType<typeof sql>): Promise<string> {
  try {
    await db.execute(statement);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? String(error);
  }
  throw new Error("expected the database to refuse the statement");
}

describe("the database guards the ledger", () => {
  it("refuses to change or remove posted history, whoever connects", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 500n, idempotencyKey: "fund" });
    const { hold } = await createHold(db, scope, {
      idempotencyKey: "h",
      from: "available",
      to: "reserved",
      amount: 200n,
      currency: "USD",
    });
    await postHold(db, scope, { holdId: hold.id, idempotencyKey: "p" });

    const refusals = [
      sql`update ledger_entries set balance_delta = balance_delta + 1`,
      sql`delete from ledger_entries`,
      sql`update ledger_transfers set amount = 1 where id = ${hold.id}`,
      sql`delete from ledger_transfers where id = ${hold.id}`,
      sql`update ledger_transactions set content_hash = 'x'`,
      sql`delete from ledger_transactions`,
      sql`truncate ledger_entries`,
    ];
    for (const statement of refusals) {
      expect(await databaseError(statement)).toMatch(
        /is append-only: (UPDATE|DELETE|TRUNCATE) refused/,
      );
    }
    const [counts] = await db.execute<{ transfers: number; entries: number }>(sql`
      select (select count(*)::int from ledger_transfers) as transfers,
             (select count(*)::int from ledger_entries) as entries`);
    expect(counts).toEqual({ transfers: 3, entries: 6 });
  });

  it("refuses an account counter that would overdraw, even from raw SQL", async () => {
    const scope = await createLedgerScope(db);
    await deposit(db, scope, { currency: "USD", amount: 500n, idempotencyKey: "fund" });
    const message = await databaseError(sql`
      update ledger_accounts set balance = balance - 501
      where organisation_id = ${scope.organisationId} and kind = 'available'`);
    expect(message).toMatch(/ledger_accounts_spendable_not_negative/);
    await db.execute(sql`
      update ledger_accounts set balance = balance - 1000
      where organisation_id = ${scope.organisationId} and kind = 'external'`);
  });
});
