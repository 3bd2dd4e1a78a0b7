import type postgres from "postgres";
import type { Scope } from "@/db/scope";
import { newId } from "@/lib/ids";
import { textArray } from "./pg-array";
import { accountKinds } from "./types";

/**
 * Creates all six accounts of a currency at once, in lock order (kind order), on first
 * use: a currency's accounts then either all exist or none do, and a concurrent creator
 * waits on the first row instead of interleaving with this one.
 */
export async function createCurrencyAccounts(
  client: postgres.Sql,
  scope: Scope,
  currency: string,
): Promise<void> {
  await client.unsafe(
    `insert into ledger_accounts (id, organisation_id, mode, currency, kind)
     select x.id, $1, $2::mode, $3, x.kind
     from unnest($4::text[], $5::ledger_account_kind[]) as x(id, kind)
     order by x.kind
     on conflict (organisation_id, mode, currency, kind) do nothing`,
    [
      scope.organisationId,
      scope.mode,
      currency,
      textArray(accountKinds.map(() => newId("ledgerAccount"))),
      textArray([...accountKinds]),
    ],
    { prepare: true },
  );
}
