import { and, eq, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Mode } from "./schema";

/**
 * Who a query acts for: one organisation in one mode, as in Stripe. Every tenant-owned
 * row carries both, and every query takes a scope, so nothing reads across them.
 */
export type Scope = { organisationId: string; mode: Mode };

/** A table whose rows belong to one organisation and one mode. */
type TenantTable = { organisationId: PgColumn; mode: PgColumn };

/** `organisation_id = … and mode = …`: the one tenant filter every scoped query uses. */
export function tenantWhere(table: TenantTable, scope: Scope): SQL {
  return and(eq(table.organisationId, scope.organisationId), eq(table.mode, scope.mode)) as SQL;
}

/** The scope a tenant-owned row belongs to. */
export function scopeOf(row: { organisationId: string; mode: Mode }): Scope {
  return { organisationId: row.organisationId, mode: row.mode };
}
