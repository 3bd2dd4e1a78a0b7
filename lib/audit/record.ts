import { bulkInsert } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { auditLog, type Mode } from "@/db/schema";
import type { Scope } from "@/db/scope";
import { newId, newIds } from "@/lib/ids";

export type AuditActor = { id: string; label?: string | null };

export type AuditEntryInput = {
  organisationId: string;
  mode: Mode;
  actor: AuditActor;
  action: string;
  target: { type: string; id?: string | null };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

export type AuditEntry = typeof auditLog.$inferSelect;

/** A signed-in member acting in one organisation and mode: every audited command takes one. */
export type ActingMember = { scope: Scope; actor: AuditActor };

/** JSON has no bigint; amounts keep their exact digits as strings. */
function toJson(value: Record<string, unknown> | null | undefined) {
  if (!value) return null;
  return JSON.parse(
    JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Record<string, unknown>;
}

/**
 * Appends one entry. Call it with the transaction that makes the change, so the log
 * holds an entry exactly when the change committed.
 */
export async function recordAudit(db: DbOrTx, entry: AuditEntryInput): Promise<AuditEntry> {
  const [row] = await db
    .insert(auditLog)
    .values({
      id: newId("auditEntry"),
      organisationId: entry.organisationId,
      mode: entry.mode,
      actorId: entry.actor.id,
      actorLabel: entry.actor.label ?? null,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
    })
    .returning();
  return row as AuditEntry;
}

/**
 * Appends many entries with one statement (screening a chunk writes one per payout it
 * held or blocked); the same rules as `recordAudit`, in the caller's transaction.
 */
export async function recordAudits(db: DbOrTx, entries: AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  const ids = newIds("auditEntry", entries.length);
  await bulkInsert(
    db,
    auditLog,
    entries.map((entry, i) => ({
      id: ids[i] as string,
      organisationId: entry.organisationId,
      mode: entry.mode,
      actorId: entry.actor.id,
      actorLabel: entry.actor.label ?? null,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
    })),
  );
}

/**
 * How a member is named wherever the domain records who did something (transitions,
 * batches, keys): `user:{id}`, the same id the audit log's actor carries.
 */
export function memberRef(member: ActingMember): string {
  return `user:${member.actor.id}`;
}

/** `recordAudit` for what a member did, in the member's organisation and mode. */
export function recordMemberAudit(
  db: DbOrTx,
  member: ActingMember,
  entry: Omit<AuditEntryInput, "organisationId" | "mode" | "actor">,
): Promise<AuditEntry> {
  return recordAudit(db, {
    organisationId: member.scope.organisationId,
    mode: member.scope.mode,
    actor: member.actor,
    ...entry,
  });
}

/** The fields of `after` that differ from `before`, on both sides: what an action changed. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (after[key] === undefined) continue;
    if (JSON.stringify(toJson({ v: before[key] })) !== JSON.stringify(toJson({ v: after[key] }))) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
