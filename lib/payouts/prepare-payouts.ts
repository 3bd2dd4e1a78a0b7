import { and, eq } from "drizzle-orm";
import { matchesAny } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type IssuedClaimLink, issueClaimLinks } from "@/lib/claims/links";
import type { Decision } from "@/lib/compliance/findings";
import { recordScreening, type ScreenedOutcome } from "@/lib/compliance/reviews";
import { screenPayouts } from "@/lib/compliance/screen-payouts";
import { applyPayoutEvent, movePayout, type PayoutRow } from "./machine";
import type { ScreenRecipient } from "./screening";

export const PREPARE_CHUNK = 1_000;

export type PrepareResult = {
  /** Newly claimable payouts and their links, for the invite emails. */
  links: IssuedClaimLink[];
  /** Held for a human (`awaiting_review`). */
  review: string[];
  /** Blocked by screening and canceled, their funds released. */
  canceled: { payoutId: string; reason: string }[];
  /** Not `pending` any more (already prepared, or canceled meanwhile): left alone. */
  skipped: string[];
};

/**
 * Takes `pending` payouts through screening to `claimable` with a fresh claim link, in
 * chunks of one transaction each so a 10,000-payout campaign never holds one long
 * transaction. Blocked recipients' payouts are canceled with the screening's reason and
 * their funds released; review outcomes park the payout in `awaiting_review`.
 *
 * Safe to retry: only payouts still `pending` are touched, so a retried call skips the
 * chunks that committed. The tokens returned here should go straight into the email;
 * a background step that must persist its output should return ids and recompute the
 * link with `liveClaimLink` in the email step, so tokens never sit in step state.
 */
export async function preparePayouts(
  db: DbOrTx,
  scope: Scope,
  payoutIds: string[],
  options: { screen?: ScreenRecipient; actor?: string } = {},
): Promise<PrepareResult> {
  const actor = options.actor ?? "system";
  const result: PrepareResult = { links: [], review: [], canceled: [], skipped: [] };
  for (let i = 0; i < payoutIds.length; i += PREPARE_CHUNK) {
    const chunk = payoutIds.slice(i, i + PREPARE_CHUNK);
    await inTransaction(db, async (tx) => {
      const rows = await tx
        .select({
          payoutId: payouts.id,
          recipient: {
            id: recipients.id,
            name: recipients.name,
            email: recipients.email,
            country: recipients.country,
          },
        })
        .from(payouts)
        .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
        .where(
          and(
            tenantWhere(payouts, scope),
            matchesAny(payouts.id, chunk),
            eq(payouts.status, "pending"),
          ),
        );

      const decisions = options.screen
        ? await decisionsOf(rows, options.screen)
        : await screenPayouts(tx, scope, rows, { velocity: true });
      const recipientOf = new Map(rows.map((r) => [r.payoutId, r.recipient.id]));
      const pass: string[] = [];
      const review = new Map<string, string[]>();
      const block = new Map<string, string[]>();
      for (const row of rows) {
        const decision = decisions.get(row.payoutId) as Decision;
        if (decision.outcome === "pass") pass.push(row.payoutId);
        else {
          const group = decision.outcome === "review" ? review : block;
          const reason = decision.reasonCodes.join(",");
          group.set(reason, [...(group.get(reason) ?? []), row.payoutId]);
        }
      }
      const outcomeOf = (id: string): ScreenedOutcome => ({
        payoutId: id,
        recipientId: recipientOf.get(id) as string,
        decision: decisions.get(id) as Decision,
      });

      const moved = new Set<string>();
      const blocked: ScreenedOutcome[] = [];
      const held: ScreenedOutcome[] = [];
      for (const [reason, ids] of block) {
        const { moved: canceled } = await applyPayoutEvent(tx, scope, ids, "cancel", {
          reason,
          actor,
          changes: { failureReason: reason },
        });
        for (const r of canceled) {
          result.canceled.push({ payoutId: r.id, reason });
          blocked.push(outcomeOf(r.id));
          moved.add(r.id);
        }
      }
      for (const [reason, ids] of review) {
        const { moved: heldRows } = await applyPayoutEvent(tx, scope, ids, "hold_for_review", {
          reason,
          actor,
        });
        for (const r of heldRows) {
          result.review.push(r.id);
          held.push(outcomeOf(r.id));
          moved.add(r.id);
        }
      }
      const { moved: opened } = await applyPayoutEvent(tx, scope, pass, "open", { actor });
      result.links.push(...(await issueLinksFor(tx, opened)));
      for (const r of opened) moved.add(r.id);
      await recordScreening(tx, scope, {
        stage: "prepare",
        held,
        blocked,
        passed: opened.map((r) => r.id),
      });
      result.skipped.push(...chunk.filter((id) => !moved.has(id)));
    });
  }
  return result;
}

/** A caller's own screening hook, one recipient at a time, as engine decisions. */
async function decisionsOf(
  rows: { payoutId: string; recipient: Parameters<ScreenRecipient>[0] }[],
  screen: ScreenRecipient,
): Promise<Map<string, Decision>> {
  const out = new Map<string, Decision>();
  for (const row of rows) {
    const outcome = await screen(row.recipient);
    out.set(
      row.payoutId,
      outcome.outcome === "pass"
        ? { outcome: "pass", reasonCodes: [], findings: [] }
        : { outcome: outcome.outcome, reasonCodes: [outcome.reason], findings: [] },
    );
  }
  return out;
}

function issueLinksFor(db: DbOrTx, rows: PayoutRow[]) {
  return issueClaimLinks(
    db,
    rows.map((r) => ({ payoutId: r.id, expiresAt: r.expiresAt })),
  );
}

/** A reviewer cleared a held payout: it becomes claimable with a fresh link. */
export async function approveReviewedPayout(
  db: DbOrTx,
  scope: Scope,
  params: { payoutId: string; actor: string; reason?: string },
): Promise<IssuedClaimLink> {
  return inTransaction(db, async (tx) => {
    const row = await movePayout(tx, scope, params.payoutId, "release_review", {
      reason: params.reason ?? "review_cleared",
      actor: params.actor,
    });
    const [link] = await issueLinksFor(tx, [row]);
    return link as IssuedClaimLink;
  });
}
