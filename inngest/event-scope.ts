import type { Mode } from "@/db/schema/columns";
import type { Scope } from "@/lib/events/outbox";

/** The tenant an event belongs to, as lib/ functions take it. */
export function scopeOf(data: { organisation_id: string; mode: Mode }): Scope {
  return { organisationId: data.organisation_id, mode: data.mode };
}
