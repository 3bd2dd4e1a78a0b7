import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { payouts, recipients } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Scope } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { amountSchema, currencySchema } from "@/lib/money";
import { inTransaction } from "./in-transaction";
import {
  descriptionSchema,
  expiresInDaysSchema,
  inlineRecipientSchema,
  metadataSchema,
  toInlineRecipient,
} from "./input-schemas";
import { creationMovement, type PayoutRow, postMovement, recordTransitions } from "./transitions";
import { upsertRecipients } from "./upsert-recipients";

export const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

export const createPayoutBodySchema = z
  .strictObject({
    recipient_id: z.string().min(1).optional(),
    recipient: inlineRecipientSchema.optional(),
    amount: amountSchema,
    currency: currencySchema,
    description: descriptionSchema.optional(),
    metadata: metadataSchema.optional(),
    expires_in_days: expiresInDaysSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.recipient_id === undefined) === (body.recipient === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["recipient_id"],
        message: "exactly one of recipient_id or recipient",
      });
    }
  })
  .meta({ id: "CreatePayout" });

export type CreatePayoutBody = z.output<typeof createPayoutBodySchema>;

/**
 * Creates a payout in `pending` and reserves its amount, all in one transaction: when
 * the balance cannot cover it, `insufficient_funds` is thrown and nothing (recipient,
 * payout, ledger rows, events) is left behind.
 */
export async function createPayout(
  db: DbOrTx,
  scope: Scope,
  body: CreatePayoutBody,
  options: { actor?: string } = {},
): Promise<PayoutRow> {
  return inTransaction(db, async (tx) => {
    let recipientId: string;
    if (body.recipient_id !== undefined) {
      const [found] = await tx
        .select({ id: recipients.id })
        .from(recipients)
        .where(
          and(
            eq(recipients.organisationId, scope.organisationId),
            eq(recipients.mode, scope.mode),
            eq(recipients.id, body.recipient_id),
          ),
        );
      if (!found) {
        throw new AppError("validation_failed", "The recipient does not exist.", {
          fieldErrors: [{ path: "recipient_id", message: "no such recipient" }],
        });
      }
      recipientId = found.id;
    } else {
      const [id] = await upsertRecipients(tx, scope, [
        toInlineRecipient(body.recipient as NonNullable<CreatePayoutBody["recipient"]>),
      ]);
      recipientId = id as string;
    }

    const days = body.expires_in_days ?? DEFAULT_EXPIRY_DAYS;
    const now = new Date();
    const [payout] = await tx
      .insert(payouts)
      .values({
        id: newId("payout"),
        organisationId: scope.organisationId,
        mode: scope.mode,
        recipientId,
        amount: body.amount,
        currency: body.currency,
        status: "pending",
        description: body.description ?? null,
        metadata: body.metadata ?? {},
        expiresAt: new Date(now.getTime() + days * DAY_MS),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const row = payout as PayoutRow;
    await recordTransitions(tx, scope, [row], { from: null, actor: options.actor });
    // Last, so the organisation's ledger rows stay locked only until the commit: every
    // payout of the organisation queues on them.
    await postMovement(tx, scope, creationMovement, [row]);
    return row;
  });
}
