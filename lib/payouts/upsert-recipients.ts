import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { recipients } from "@/db/schema";
import type { Scope } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import type { InlineRecipient } from "./input-schemas";

const CHUNK = 2_000;

/**
 * Finds or creates the recipients named inline in payout requests, returning one
 * recipient id per input, in order. With an `external_id` the integrator's id is the
 * key: the recipient is created once and later requests refresh its details. Without
 * one, each input is a new recipient.
 *
 * Kept beside payouts until the recipients module offers a bulk upsert; it writes
 * only the columns that module owns, with its own semantics.
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
  const idByExternalId = new Map<string, string>();
  for (let i = 0; i < keyed.length; i += CHUNK) {
    const rows = await db
      .insert(recipients)
      .values(
        keyed.slice(i, i + CHUNK).map((r) => ({
          id: newId("recipient"),
          organisationId: scope.organisationId,
          mode: scope.mode,
          ...r,
        })),
      )
      .onConflictDoUpdate({
        target: [recipients.organisationId, recipients.mode, recipients.externalId],
        targetWhere: sql`${recipients.externalId} is not null`,
        set: {
          email: sql`excluded.email`,
          name: sql`coalesce(excluded.name, ${recipients.name})`,
          country: sql`excluded.country`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: recipients.id, externalId: recipients.externalId });
    for (const row of rows) idByExternalId.set(row.externalId as string, row.id);
  }

  const ids = inputs.map((input) =>
    input.externalId === null
      ? newId("recipient")
      : (idByExternalId.get(input.externalId) as string),
  );
  const fresh = inputs.flatMap((input, i) =>
    input.externalId === null
      ? [
          {
            id: ids[i] as string,
            organisationId: scope.organisationId,
            mode: scope.mode,
            ...input,
          },
        ]
      : [],
  );
  for (let i = 0; i < fresh.length; i += CHUNK) {
    await db.insert(recipients).values(fresh.slice(i, i + CHUNK));
  }
  return ids;
}
