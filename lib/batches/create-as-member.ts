import type { DbOrTx } from "@/db/client";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { createBatch } from "@/lib/batches/create-batch";
import type { BatchRow } from "@/lib/batches/machine";
import { AppError } from "@/lib/errors";
import type { BatchItem } from "./csv-rows";
import { type BatchSettings, batchSettingsSchema } from "./settings";
import { MAX_CSV_ROWS } from "./validate-csv";

export function parseBatchSettings(input: unknown): BatchSettings {
  const parsed = batchSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", "The campaign settings are not valid.", {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}

/**
 * Commits a checked campaign: the batch, its payouts and the reservation of its whole
 * total (all or nothing, by createBatch), and the audit entry, in one transaction. A
 * total above the organisation's approval threshold leaves the batch waiting for a
 * second member.
 */
export async function createBatchAsMember(
  db: DbOrTx,
  member: ActingMember,
  settings: BatchSettings,
  items: BatchItem[],
): Promise<{ batch: BatchRow; payoutIds: string[] }> {
  if (items.length === 0) {
    throw new AppError("validation_failed", "A campaign needs at least one recipient.");
  }
  if (items.length > MAX_CSV_ROWS) {
    throw new AppError("payload_too_large", `A campaign holds at most ${MAX_CSV_ROWS} payouts.`);
  }
  return inTransaction(db, async (tx) => {
    const created = await createBatch(
      tx,
      member.scope,
      {
        name: settings.name,
        currency: settings.currency,
        message: settings.message,
        allowed_methods: settings.allowedMethods.length ? settings.allowedMethods : undefined,
        expires_in_days: settings.expiresInDays,
        items,
      },
      { actor: memberRef(member) },
    );
    const { batch } = created;
    await recordMemberAudit(tx, member, {
      action: "campaign.create",
      target: { type: "batch", id: batch.id },
      after: {
        name: batch.name,
        currency: batch.currency,
        itemCount: batch.itemCount,
        totalAmount: batch.totalAmount,
        status: batch.status,
        allowedMethods: batch.allowedMethods,
        linkExpiryDays: batch.linkExpiryDays,
      },
    });
    return created;
  });
}
