import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organisations } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { approveBatch, cancelBatch } from "@/lib/batches/lifecycle";
import type { BatchRow } from "@/lib/batches/machine";
import { AppError } from "@/lib/errors";
import { type Currency, currencySchema, MAX_AMOUNT } from "@/lib/money";
import { apiKeyActor } from "@/lib/payouts/link-actions";

/**
 * Maker–checker: the second member approves. `approveBatch` refuses the creator inside
 * its UPDATE, so the rule holds even if two people click at once.
 */
export async function approveBatchAsMember(
  db: DbOrTx,
  member: ActingMember,
  batchId: string,
): Promise<BatchRow> {
  return inTransaction(db, async (tx) => {
    const batch = await approveBatch(tx, member.scope, {
      batchId,
      approverId: memberRef(member),
    });
    await recordMemberAudit(tx, member, {
      action: "campaign.approve",
      target: { type: "batch", id: batch.id },
      before: { status: "awaiting_approval" },
      after: { status: batch.status, approvedBy: batch.approvedBy },
    });
    return batch;
  });
}

/**
 * The API's approval: a key acts for the platform and is one actor, so the key that
 * created a campaign cannot approve it (`approveBatch` compares the batch's creator,
 * `api_key:<id>`, inside its UPDATE). Audited like a member's approval.
 */
export async function approveBatchAsApiKey(
  db: DbOrTx,
  scope: Scope,
  params: { batchId: string; apiKeyId: string },
): Promise<BatchRow> {
  const actor = apiKeyActor(scope, params.apiKeyId);
  return inTransaction(db, async (tx) => {
    const batch = await approveBatch(tx, scope, { batchId: params.batchId, approverId: actor.ref });
    await recordMemberAudit(tx, actor, {
      action: "campaign.approve",
      target: { type: "batch", id: batch.id },
      before: { status: "awaiting_approval" },
      after: { status: batch.status, approvedBy: batch.approvedBy },
    });
    return batch;
  });
}

/** Rejecting or stopping a campaign cancels its unpaid payouts and releases their funds. */
export async function cancelBatchAsMember(
  db: DbOrTx,
  member: ActingMember,
  batchId: string,
): Promise<{ batch: BatchRow; canceledPayouts: number }> {
  return inTransaction(db, async (tx) => {
    const result = await cancelBatch(tx, member.scope, {
      batchId,
      actor: memberRef(member),
    });
    await recordMemberAudit(tx, member, {
      action: "campaign.cancel",
      target: { type: "batch", id: batchId },
      after: { status: result.batch.status, canceledPayouts: result.canceledPayouts },
    });
    return result;
  });
}

export async function getApprovalThresholds(
  db: DbOrTx,
  organisationId: string,
): Promise<Partial<Record<Currency, bigint>>> {
  const [org] = await db
    .select({ thresholds: organisations.approvalThresholds })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  return Object.fromEntries(
    Object.entries(org?.thresholds ?? {}).map(([c, v]) => [c, BigInt(v)]),
  ) as Partial<Record<Currency, bigint>>;
}

/**
 * Sets (or with null, removes) the amount above which a campaign in `currency` needs a
 * second member's approval. Stored as a string of minor units: JSON has no bigint.
 */
export async function setApprovalThreshold(
  db: DbOrTx,
  member: ActingMember,
  params: { currency: string; amount: bigint | null },
): Promise<void> {
  const currency = currencySchema.safeParse(params.currency);
  if (!currency.success) {
    throw new AppError("validation_failed", "Unknown currency.", {
      fieldErrors: [{ path: "currency", message: currency.error.issues[0]?.message ?? "" }],
    });
  }
  if (params.amount !== null && (params.amount < 0n || params.amount > MAX_AMOUNT)) {
    throw new AppError("validation_failed", "The threshold is out of range.", {
      fieldErrors: [{ path: "amount", message: "zero or more, at most 10^15 minor units" }],
    });
  }
  await inTransaction(db, async (tx) => {
    const [org] = await tx
      .select({ thresholds: organisations.approvalThresholds })
      .from(organisations)
      .where(eq(organisations.id, member.scope.organisationId))
      .for("update");
    if (!org) throw new AppError("not_found", "No such organisation.");
    const next = { ...org.thresholds };
    const before = next[currency.data] ?? null;
    if (params.amount === null) delete next[currency.data];
    else next[currency.data] = params.amount.toString();
    await tx
      .update(organisations)
      .set({ approvalThresholds: next, updatedAt: new Date() })
      .where(eq(organisations.id, member.scope.organisationId));
    await recordMemberAudit(tx, member, {
      action: "settings.approval_threshold",
      target: { type: "organisation", id: member.scope.organisationId },
      before: { currency: currency.data, amount: before },
      after: { currency: currency.data, amount: params.amount },
    });
  });
}
