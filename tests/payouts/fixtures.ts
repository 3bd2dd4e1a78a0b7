import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organisationKyb, organisations, payouts, recipients } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newId } from "@/lib/ids";
import { deposit, getBalances } from "@/lib/ledger";

/** An organisation row with its test-mode scope; written straight to the table. */
export async function insertOrganisation(
  db: DbOrTx,
  overrides: Partial<typeof organisations.$inferInsert> = {},
): Promise<{ organisationId: string; scope: Scope }> {
  const organisationId = newId("organisation");
  await db.insert(organisations).values({
    id: organisationId,
    name: "Acme Creators",
    slug: `acme-${organisationId.slice(-10)}`,
    supportEmail: "support@acme.test",
    claimMessage: "Thanks for creating with us",
    ...overrides,
  });
  // Established: KYB approved, so live-mode payouts are possible (tests/compliance covers the gate).
  await db.insert(organisationKyb).values({ organisationId, status: "approved" });
  return { organisationId, scope: { organisationId, mode: "test" } };
}

/** A payout in any status with no ledger behind it, for tests of links and queries only. */
export async function insertBarePayout(
  db: DbOrTx,
  scope: Scope,
  overrides: Partial<typeof payouts.$inferInsert> = {},
) {
  const recipientId = newId("recipient");
  await db.insert(recipients).values({
    id: recipientId,
    ...scope,
    email: "ada@example.com",
    name: "Ada Lovelace",
    country: "GB",
  });
  const [row] = await db
    .insert(payouts)
    .values({
      id: newId("payout"),
      ...scope,
      recipientId,
      amount: 2_500n,
      currency: "USD",
      status: "claimable",
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
      ...overrides,
    })
    .returning();
  if (!row) throw new Error("payout not inserted");
  return row;
}

export async function fund(db: DbOrTx, scope: Scope, amount: bigint, currency = "USD") {
  await deposit(db, scope, {
    currency,
    amount,
    idempotencyKey: `test-deposit:${newId("transfer")}`,
  });
}

export async function balanceOf(db: DbOrTx, scope: Scope, currency = "USD") {
  const balances = await getBalances(db, scope);
  const zero = { available: 0n, reserved: 0n, inTransit: 0n, paidOut: 0n };
  const found = balances.find((b) => b.currency === currency);
  return found
    ? {
        available: found.available,
        reserved: found.reserved,
        inTransit: found.inTransit,
        paidOut: found.paidOut,
      }
    : zero;
}

/** Rows per table for one organisation, to prove a refused request left nothing behind. */
export async function rowCounts(db: DbOrTx, organisationId: string) {
  const [row] = await db.execute<Record<string, string>>(sql`
    select
      (select count(*) from recipients where organisation_id = ${organisationId})::text as recipients,
      (select count(*) from batches where organisation_id = ${organisationId})::text as batches,
      (select count(*) from payouts where organisation_id = ${organisationId})::text as payouts,
      (select count(*) from payout_transitions t join payouts p on p.id = t.payout_id
        where p.organisation_id = ${organisationId})::text as transitions,
      (select count(*) from events where organisation_id = ${organisationId})::text as events,
      (select count(*) from ledger_transfers where organisation_id = ${organisationId})::text as transfers`);
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}
