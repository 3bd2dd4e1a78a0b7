import { sql } from "drizzle-orm";
import { bulkInsert } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { recipients } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { describeConflicts, recipientConflicts } from "@/lib/batches/recipient-conflicts";
import { AppError } from "@/lib/errors";
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
    locale: input.locale,
  };
}

/**
 * Finds or creates the recipients named inline in payout requests, returning one
 * recipient id per input, in order. With an `external_id` the integrator's id is the
 * key: the recipient is created once and later requests refresh its name and country (a
 * name left out keeps the stored one). Without one, each input is a new recipient.
 *
 * The email is where the money goes, so it is never changed here: an input whose
 * `external_id` names a recipient with another email is refused, as are inputs of one
 * request that describe the same `external_id` differently (lib/batches/recipient-conflicts.ts).
 * A recipient's email changes only on the recipient itself (PATCH /v1/recipients/{id},
 * or a dashboard change approved by a second member). `at` names input i's recipient in
 * the caller's request, for the errors.
 *
 * Kept beside payouts because the recipients module has no bulk upsert; it writes only
 * the columns that module owns, with the same meaning.
 */
export async function upsertRecipients(
  db: DbOrTx,
  scope: Scope,
  inputs: InlineRecipient[],
  options: { at?: (index: number) => string } = {},
): Promise<string[]> {
  const at = options.at ?? (() => "recipient");
  refuseConflicts(inputs, at);
  const byExternalId = new Map<string, InlineRecipient>();
  for (const input of inputs) {
    if (input.externalId === null) continue;
    const first = byExternalId.get(input.externalId);
    if (!first) byExternalId.set(input.externalId, input);
    else if (!first.name && input.name)
      byExternalId.set(input.externalId, { ...first, name: input.name });
  }
  // A fixed order means two concurrent requests lock shared recipients in the same
  // order and cannot deadlock.
  const keyed = [...byExternalId.values()].sort((a, b) =>
    (a.externalId as string) < (b.externalId as string) ? -1 : 1,
  );
  // A keyed recipient that already exists keeps its id; the new one is then unused. The
  // upsert locks the row, so the email it returns is the one that stays.
  const keyedIds = newIds("recipient", keyed.length);
  const upserted = await bulkInsert(
    db,
    recipients,
    keyed.map((input, i) => row(scope, keyedIds[i] as string, input)),
    {
      onConflict: sql`on conflict (organisation_id, mode, external_id) where external_id is not null
        do update set name = coalesce(excluded.name, recipients.name),
          country = excluded.country, locale = coalesce(excluded.locale, recipients.locale),
          updated_at = now()`,
      returning: sql`id, external_id, email`,
    },
  );
  const stored = new Map(
    upserted.map((r) => [
      r.external_id as string,
      { id: r.id as string, email: r.email as string },
    ]),
  );
  refuseEmailChanges(inputs, stored, at);

  const fresh = newIds("recipient", inputs.length);
  const ids = inputs.map((input, i) =>
    input.externalId === null ? (fresh[i] as string) : (stored.get(input.externalId)?.id as string),
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

function refuseConflicts(inputs: InlineRecipient[], at: (index: number) => string): void {
  const sameRecipient = recipientConflicts();
  const errors = inputs.flatMap((input, i) => {
    if (input.externalId === null) return [];
    const externalId = input.externalId;
    return sameRecipient(i, externalId, input).map((conflict) => ({
      path: `${at(i)}.${conflict.field}`,
      message: describeConflicts(
        externalId,
        [conflict],
        (first) => `The recipient at ${at(first)}`,
      ),
    }));
  });
  if (errors.length > 0) {
    throw new AppError(
      "validation_failed",
      "Items naming the same recipient by external_id describe them differently.",
      { fieldErrors: errors },
    );
  }
}

function refuseEmailChanges(
  inputs: InlineRecipient[],
  stored: Map<string, { email: string }>,
  at: (index: number) => string,
): void {
  const errors = inputs.flatMap((input, i) => {
    const email = input.externalId === null ? null : stored.get(input.externalId)?.email;
    if (!email || email.toLowerCase() === input.email.toLowerCase()) return [];
    return [
      {
        path: `${at(i)}.email`,
        message: `"${input.externalId}" is an existing recipient with a different email`,
      },
    ];
  });
  if (errors.length > 0) {
    throw new AppError(
      "validation_failed",
      "A payout does not change a recipient's email. Change it on the recipient first (PATCH /v1/recipients/{id}, or an email change approved in the dashboard), or use the email on file.",
      { fieldErrors: errors },
    );
  }
}
