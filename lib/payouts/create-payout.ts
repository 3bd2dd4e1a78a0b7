import { and, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { amountSchema, currencySchema } from "@/lib/money";
import { upsertRecipients } from "@/lib/recipients/upsert";
import {
  descriptionSchema,
  expiresInDaysSchema,
  inlineRecipientSchema,
  metadataSchema,
  notifySchema,
  referenceSchema,
  toInlineRecipient,
} from "./input-schemas";
import { enterPayouts, type PayoutRow } from "./machine";

export const createPayoutBodySchema = z
  .strictObject({
    recipient_id: z.string().min(1).optional(),
    recipient: inlineRecipientSchema.optional(),
    amount: amountSchema,
    currency: currencySchema,
    description: descriptionSchema.optional(),
    metadata: metadataSchema.optional(),
    expires_in_days: expiresInDaysSchema.optional(),
    reference: referenceSchema.optional(),
    notify: notifySchema.optional(),
  })
  .refine((body) => (body.recipient_id === undefined) !== (body.recipient === undefined), {
    path: ["recipient_id"],
    message: "exactly one of recipient_id or recipient",
    // Also when other fields failed, so one answer names every problem with the body.
    when: ({ value }) => typeof value === "object" && value !== null && !Array.isArray(value),
  })
  .meta({ id: "CreatePayout" });

export type CreatePayoutBody = z.output<typeof createPayoutBodySchema>;

/**
 * Creates a payout in `pending` and reserves its amount, all in one transaction: when
 * the balance cannot cover it, `insufficient_funds` is thrown and nothing (recipient,
 * payout, ledger rows, events) is left behind; a `reference` already used is a
 * `conflict` naming the payout that has it.
 */
export async function createPayout(
  db: DbOrTx,
  scope: Scope,
  body: CreatePayoutBody,
  options: { actor?: string } = {},
): Promise<PayoutRow> {
  const [row] = await createPayouts(db, scope, [body], options);
  return row as PayoutRow;
}

/**
 * Creates several payouts, each as `createPayout` would, in one transaction with one
 * statement per table and one ledger posting: all of them or, on any refusal (an unknown
 * recipient, the balance), none. Rows come back in the order of `bodies`.
 */
export async function createPayouts(
  db: DbOrTx,
  scope: Scope,
  bodies: CreatePayoutBody[],
  options: { actor?: string } = {},
): Promise<PayoutRow[]> {
  return inTransaction(db, async (tx) => {
    const recipientIds = await resolveRecipients(tx, scope, bodies);
    return enterPayouts(
      tx,
      scope,
      bodies.map((body, i) => ({
        recipientId: recipientIds[i] as string,
        batchId: null,
        amount: body.amount,
        currency: body.currency,
        description: body.description ?? null,
        metadata: body.metadata ?? {},
        expiresInDays: body.expires_in_days,
        reference: body.reference ?? null,
        notify: body.notify ?? "email",
      })),
      { actor: options.actor },
    );
  });
}

/** Each body's recipient: an existing one by id (all must exist), or an inline one upserted. */
async function resolveRecipients(
  tx: DbOrTx,
  scope: Scope,
  bodies: CreatePayoutBody[],
): Promise<string[]> {
  const wanted = [
    ...new Set(bodies.flatMap((b) => (b.recipient_id === undefined ? [] : [b.recipient_id]))),
  ];
  const found = new Set<string>();
  if (wanted.length > 0) {
    const rows = await tx
      .select({ id: recipients.id })
      .from(recipients)
      .where(and(tenantWhere(recipients, scope), inArray(recipients.id, wanted)));
    for (const row of rows) found.add(row.id);
    if (found.size < wanted.length) {
      throw new AppError("validation_failed", "The recipient does not exist.", {
        fieldErrors: [{ path: "recipient_id", message: "no such recipient" }],
      });
    }
  }
  const inline = bodies.flatMap((b) =>
    b.recipient === undefined ? [] : [toInlineRecipient(b.recipient)],
  );
  const inlineIds = inline.length > 0 ? await upsertRecipients(tx, scope, inline) : [];
  let next = 0;
  return bodies.map((b) => b.recipient_id ?? (inlineIds[next++] as string));
}
