import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import {
  auditLog,
  type ClaimActivityKind,
  claimLinks,
  emails,
  events,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { listClaimActivity } from "@/lib/claims/claim-activity";
import { payoutLedgerHistory, type Transfer } from "@/lib/ledger";
import { listPayoutTransitions, loadPayoutContext } from "@/lib/payouts/queries";
import { payoutAttempts } from "@/lib/providers/attempts";
import { actorLabels } from "./actor-labels";

export type TimelineEntry = { key: string } & (
  | {
      kind: "transition";
      at: Date;
      from: string | null;
      to: string;
      reason: string | null;
      actor: string | null;
    }
  | { kind: "ledger"; at: Date; transfer: Transfer }
  | {
      kind: "email";
      at: Date;
      id: string;
      subject: string;
      to: string;
      emailKind: string;
      sentAt: Date | null;
    }
  | {
      kind: "webhook";
      at: Date;
      eventType: string;
      url: string;
      attempt: number;
      status: number | null;
      error: string | null;
      durationMs: number;
    }
  | { kind: "link"; at: Date; linkId: string; event: "issued" | "revoked"; expiresAt: Date }
  /** On a claim link: a wrong code, the lock, a recipient's request (lib/claims/claim-activity). */
  | { kind: "claim"; at: Date; linkId: string; activity: ClaimActivityKind }
  | { kind: "audit"; at: Date; action: string; actor: string; before: unknown; after: unknown }
  | {
      kind: "provider";
      at: Date;
      provider: string;
      attempt: number;
      position: number;
      status: string;
      reference: string | null;
      failureCode: string | null;
      amount: bigint;
      currency: string;
    }
);

export type PayoutDetail = NonNullable<Awaited<ReturnType<typeof getPayoutDetail>>>;

/**
 * Everything support needs to answer "where is my money?" for one payout, as one
 * timeline: state changes, ledger transfers, emails, claim links, webhook attempts and
 * admin actions. Null when the payout is not in this organisation and mode.
 */
export async function getPayoutDetail(db: DbOrTx, scope: Scope, payoutId: string) {
  const row = await loadPayoutContext(db, scope, payoutId);
  if (!row) return null;
  const { payout } = row;

  const [transitions, ledger, mails, links, audits, webhooks, attempts, activity] =
    await Promise.all([
      listPayoutTransitions(db, scope, payoutId),
      payoutLedgerHistory(db, scope, payoutId),
      db
        .select()
        .from(emails)
        .where(
          and(eq(emails.subjectRef, payoutId), eq(emails.organisationId, scope.organisationId)),
        )
        .orderBy(asc(emails.createdAt)),
      db
        .select()
        .from(claimLinks)
        .where(eq(claimLinks.payoutId, payoutId))
        .orderBy(asc(claimLinks.createdAt)),
      db
        .select()
        .from(auditLog)
        .where(
          and(eq(auditLog.organisationId, scope.organisationId), eq(auditLog.targetId, payoutId)),
        )
        .orderBy(asc(auditLog.seq)),
      db
        .select({
          eventType: events.type,
          url: webhookAttempts.url,
          key: webhookAttempts.id,
          attempt: webhookAttempts.attemptNumber,
          status: webhookAttempts.responseStatus,
          error: webhookAttempts.error,
          durationMs: webhookAttempts.durationMs,
          at: webhookAttempts.startedAt,
          endpointId: webhookEndpoints.id,
        })
        .from(events)
        .innerJoin(webhookDeliveries, eq(webhookDeliveries.eventId, events.id))
        .innerJoin(webhookAttempts, eq(webhookAttempts.deliveryId, webhookDeliveries.id))
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(
          and(
            tenantWhere(events, scope),
            gte(events.createdAt, payout.createdAt),
            sql`${events.data} -> 'object' ->> 'id' = ${payoutId}`,
          ),
        )
        .orderBy(asc(webhookAttempts.startedAt)),
      payoutAttempts(db, scope, payoutId),
      listClaimActivity(db, scope, payoutId),
    ]);

  const labels = await actorLabels(
    db,
    transitions.map((t) => t.actor),
  );
  const timeline: TimelineEntry[] = [
    ...transitions.map((t) => ({
      kind: "transition" as const,
      key: t.id,
      at: t.createdAt,
      from: t.fromStatus,
      to: t.toStatus,
      reason: t.reason,
      actor: t.actor ? (labels.get(t.actor) ?? t.actor) : null,
    })),
    // Every hand-over to a provider, failovers included, with what became of it.
    ...attempts.map((a) => ({
      kind: "provider" as const,
      key: a.id,
      at: a.updatedAt,
      provider: a.provider,
      attempt: a.attempt,
      position: a.position,
      status: a.status,
      reference: a.providerReference,
      failureCode: a.failureCode,
      amount: a.amount,
      currency: a.currency,
    })),
    ...ledger.map((transfer) => ({
      kind: "ledger" as const,
      key: transfer.id,
      at: transfer.createdAt,
      transfer,
    })),
    ...mails.map((m) => ({
      kind: "email" as const,
      key: m.id,
      at: m.createdAt,
      id: m.id,
      subject: m.subject,
      to: m.to,
      emailKind: m.kind,
      sentAt: m.sentAt,
    })),
    ...links.flatMap((l) => [
      {
        kind: "link" as const,
        key: `${l.id}:issued`,
        at: l.createdAt,
        linkId: l.id,
        event: "issued" as const,
        expiresAt: l.expiresAt,
      },
      ...(l.revokedAt
        ? [
            {
              kind: "link" as const,
              key: `${l.id}:revoked`,
              at: l.revokedAt,
              linkId: l.id,
              event: "revoked" as const,
              expiresAt: l.expiresAt,
            },
          ]
        : []),
    ]),
    ...audits.map((a) => ({
      kind: "audit" as const,
      key: a.id,
      at: a.createdAt,
      action: a.action,
      actor: a.actorLabel ?? a.actorId,
      before: a.before,
      after: a.after,
    })),
    ...activity.map((a) => ({
      kind: "claim" as const,
      key: a.id,
      at: a.createdAt,
      linkId: a.claimLinkId,
      activity: a.kind,
    })),
    ...webhooks.map((w) => ({ kind: "webhook" as const, ...w })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  const now = new Date();
  const liveLink = links.find((l) => !l.revokedAt && l.expiresAt > now) ?? null;
  return {
    payout,
    recipient: row.recipient,
    batch: row.batch,
    ledger,
    liveLink: liveLink
      ? {
          id: liveLink.id,
          expiresAt: liveLink.expiresAt,
          // Too many wrong codes: only a reissued link lets the recipient in again.
          locked: activity.some((a) => a.claimLinkId === liveLink.id && a.kind === "locked"),
          wrongCodes: activity.filter(
            (a) => a.claimLinkId === liveLink.id && a.kind === "wrong_code",
          ).length,
        }
      : null,
    timeline,
  };
}
