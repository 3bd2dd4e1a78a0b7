import { and, eq, sql } from "drizzle-orm";
import { bulkInsert, matchesAny } from "@/db/bulk";
import type { DbOrTx, Tx } from "@/db/client";
import { complianceReviews } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import {
  type ActingMember,
  type AuditEntryInput,
  memberRef,
  recordAudits,
  recordMemberAudit,
} from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { newIds } from "@/lib/ids";
import { movePayout } from "@/lib/payouts/machine";
import { type Decision, describeFinding } from "./findings";
import { sendPayoutStoppedNotice } from "./notices";

export type ReviewRow = typeof complianceReviews.$inferSelect;
export type ReviewStage = ReviewRow["stage"];

/** The screening actor in the audit log: no person, the engine. */
const engine = { id: "system", label: "compliance screening" };

/** Finding keys a reviewer approved for each recipient: they do not hold it again. */
export async function clearedFindingKeys(
  db: DbOrTx,
  scope: Scope,
  recipientIds: string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (recipientIds.length === 0) return out;
  const rows = await db
    .select({ recipientId: complianceReviews.recipientId, keys: complianceReviews.findingKeys })
    .from(complianceReviews)
    .where(
      and(
        tenantWhere(complianceReviews, scope),
        matchesAny(complianceReviews.recipientId, recipientIds),
        eq(complianceReviews.status, "approved"),
      ),
    );
  for (const row of rows) {
    const set = out.get(row.recipientId) ?? new Set<string>();
    for (const key of row.keys) set.add(key);
    out.set(row.recipientId, set);
  }
  return out;
}

export type ScreenedOutcome = {
  payoutId: string;
  recipientId: string;
  decision: Decision;
};

/**
 * Writes what screening decided for payouts the machine moved: a review row for each
 * payout held (its findings are the queue's explanation), and audit entries — one per
 * hold or block with its findings, one per call for the payouts that passed. Call it in
 * the transaction of the moves.
 */
export async function recordScreening(
  tx: Tx,
  scope: Scope,
  input: {
    stage: ReviewStage;
    held: ScreenedOutcome[];
    blocked: ScreenedOutcome[];
    passed: string[];
  },
): Promise<void> {
  if (input.held.length > 0) {
    const ids = newIds("complianceReview", input.held.length);
    await bulkInsert(
      tx,
      complianceReviews,
      input.held.map((h, i) => ({
        id: ids[i] as string,
        organisationId: scope.organisationId,
        mode: scope.mode,
        payoutId: h.payoutId,
        recipientId: h.recipientId,
        stage: input.stage,
        reasonCodes: h.decision.reasonCodes,
        findings: h.decision.findings as unknown as Record<string, unknown>[],
        findingKeys: h.decision.findings.flatMap((f) => (f.key ? [f.key] : [])),
        status: "open" as const,
      })),
      { onConflict: sql`on conflict do nothing` },
    );
  }
  const entries: AuditEntryInput[] = [
    ...(
      [
        ["review", input.held],
        ["block", input.blocked],
      ] as const
    ).flatMap(([outcome, list]) =>
      list.map((h) => ({
        ...scope,
        actor: engine,
        action: `compliance.screening.${outcome}`,
        target: { type: "payout", id: h.payoutId },
        after: {
          stage: input.stage,
          recipientId: h.recipientId,
          reasonCodes: h.decision.reasonCodes,
          findings: h.decision.findings.map(describeFinding),
        },
      })),
    ),
  ];
  if (input.passed.length > 0) {
    entries.push({
      ...scope,
      actor: engine,
      action: "compliance.screening.pass",
      target: { type: "payouts", id: null },
      after: { stage: input.stage, payoutIds: input.passed },
    });
  }
  await recordAudits(tx, entries);
}

/** The open review of a payout, decided: approved or rejected with the reviewer's note. */
async function closeReview(
  tx: Tx,
  member: ActingMember,
  payoutId: string,
  status: "approved" | "rejected",
  note: string | null,
): Promise<ReviewRow | null> {
  const [row] = await tx
    .update(complianceReviews)
    .set({ status, note, decidedBy: memberRef(member), decidedAt: new Date() })
    .where(
      and(
        tenantWhere(complianceReviews, member.scope),
        eq(complianceReviews.payoutId, payoutId),
        eq(complianceReviews.status, "open"),
      ),
    )
    .returning();
  await recordMemberAudit(tx, member, {
    action: `compliance.review.${status === "approved" ? "approve" : "reject"}`,
    target: { type: "payout", id: payoutId },
    before: { status: "awaiting_review", reasonCodes: row?.reasonCodes ?? [] },
    after: { decision: status, note },
  });
  return row ?? null;
}

/** Records the approval of a held payout's review; the payout's release is the caller's. */
export function approveReview(
  tx: Tx,
  member: ActingMember,
  params: { payoutId: string; note?: string | null },
): Promise<ReviewRow | null> {
  return closeReview(tx, member, params.payoutId, "approved", params.note?.trim() || null);
}

/**
 * A reviewer rejects a held payout: it is canceled with `review_rejected`, its funds go
 * back to the available balance, the review records the decision and note, and after
 * commit the recipient gets a polite notice with the payer's contact (one per payout).
 */
export async function rejectHeldPayout(
  db: DbOrTx,
  member: ActingMember,
  params: { payoutId: string; note?: string | null },
) {
  const payout = await inTransaction(db, async (tx) => {
    const payout = await movePayout(tx, member.scope, params.payoutId, "cancel", {
      reason: "review_rejected",
      actor: memberRef(member),
      changes: { failureReason: "review_rejected" },
    });
    if (payout.previousStatus !== "awaiting_review") {
      throw new AppError(
        "invalid_state_transition",
        "Only a payout awaiting review can be rejected; cancel it instead.",
      );
    }
    await closeReview(tx, member, params.payoutId, "rejected", params.note?.trim() || null);
    return payout;
  });
  await sendPayoutStoppedNotice(db, member.scope, payout.id);
  return payout;
}
