import { and, desc, eq, gte, ilike, lt, lte, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { splitPage } from "@/db/paging";
import type { Mode } from "@/db/schema";
import { auditLog } from "@/db/schema";
import type { AuditEntry } from "./record";

export type AuditFilters = {
  /** Organisation-wide actions (team, branding) matter in both modes, so mode is a filter. */
  mode?: Mode;
  /** An exact action (`payout.cancel`) or a family (`payout.`). */
  action?: string;
  actorId?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** The `seq` of the previous page's last entry; the page continues with older entries. */
  startingAfter?: bigint;
};

/** Newest first, within one organisation, in insertion order. */
export async function listAuditEntries(
  db: DbOrTx,
  organisationId: string,
  filters: AuditFilters,
): Promise<{ data: AuditEntry[]; hasMore: boolean }> {
  const conditions: SQL[] = [eq(auditLog.organisationId, organisationId)];
  if (filters.mode) conditions.push(eq(auditLog.mode, filters.mode));
  if (filters.action) {
    conditions.push(
      filters.action.endsWith(".")
        ? ilike(auditLog.action, `${filters.action.replace(/[%_\\]/g, "\\$&")}%`)
        : eq(auditLog.action, filters.action),
    );
  }
  if (filters.actorId) conditions.push(eq(auditLog.actorId, filters.actorId));
  if (filters.targetId) conditions.push(eq(auditLog.targetId, filters.targetId));
  if (filters.from) conditions.push(gte(auditLog.createdAt, filters.from));
  if (filters.to) conditions.push(lte(auditLog.createdAt, filters.to));
  if (filters.startingAfter !== undefined) {
    conditions.push(lt(auditLog.seq, filters.startingAfter));
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(filters.limit + 1);
  return splitPage(rows, filters.limit);
}

/** The distinct actions an organisation's log contains, for the filter menu. */
export async function listAuditActions(db: DbOrTx, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .where(eq(auditLog.organisationId, organisationId))
    .orderBy(auditLog.action);
  return rows.map((r) => r.action);
}
