import { sql } from "drizzle-orm";
import { bulkInsert } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { recipients } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newIds } from "@/lib/ids";
import type { InlineRecipient } from "@/lib/payouts/input-schemas";

function row(scope: Scope, id: string, input: InlineRecipient) {
  return {
    id,
    organisationId: scope.organisationId,
    mode: scope.mode,
    externalId: input.externalId,
    email: input.email,
    name: input.name,
    country: input.country,
  };
}

/**
 * Finds or creates the recipients named inline in payout requests, returning one
 * recipient id per input, in order. With an `external_id` the integrator's id is the
 * key: the recipient is created once and later requests refresh its details (a name
 * left out keeps the stored one; within one request the last occurrence wins). Without
 * one, each input is a new recipient.
 *
 * Kept beside payouts because the recipients module has no bulk upsert; it writes only
 * the columns that module owns, with the same meaning.
 */
export async function upsertRecipients(
  db: DbOrTx,
  scope: Scope,
  inputs: InlineRecipient[],
): Promise<string[]> {
  const byExternalId = new Map<string, InlineRecipient>();
  for (const input of inputs) {
    if (input.externalId !== null) byExternalId.set(input.externalId, input);
  }
  // A fixed order means two concurrent requests lock shared recipients in the same
  // order and cannot deadlock.
  const keyed = [...byExternalId.values()].sort((a, b) =>
    (a.externalId as string) < (b.externalId as string) ? -1 : 1,
  );
  // A keyed recipient that already exists keeps its id; the new one is then unused.
  const keyedIds = newIds("recipient", keyed.length);
  const upserted = await bulkInsert(
    db,
    recipients,
    keyed.map((input, i) => row(scope, keyedIds[i] as string, input)),
    {
      onConflict: sql`on conflict (organisation_id, mode, external_id) where external_id is not null
        do update set email = excluded.email, name = coalesce(excluded.name, recipients.name),
          country = excluded.country, updated_at = now()`,
      returning: sql`id, external_id`,
    },
  );
  const idByExternalId = new Map(upserted.map((r) => [r.external_id as string, r.id as string]));

  const fresh = newIds("recipient", inputs.length);
  const ids = inputs.map((input, i) =>
    input.externalId === null
      ? (fresh[i] as string)
      : (idByExternalId.get(input.externalId) as string),
  );
  await bulkInsert(
    db,
    recipients,
    inputs.flatMap((input, i) =>
      input.externalId === null ? [row(scope, ids[i] as string, input)] : [],
    ),
  );
  return ids;
}
