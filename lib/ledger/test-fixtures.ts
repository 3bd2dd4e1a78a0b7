import type { DbOrTx } from "@/db/client";
import { organisations } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newId } from "@/lib/ids";

/** A fresh organisation, so each test starts from an empty ledger of its own. */
export async function createLedgerScope(db: DbOrTx, mode: Scope["mode"] = "test") {
  const organisationId = newId("organisation");
  await db.insert(organisations).values({
    id: organisationId,
    name: "Ledger Test Co",
    slug: `ledger-${organisationId.slice(-12)}`,
  });
  return { organisationId, mode } satisfies Scope;
}
