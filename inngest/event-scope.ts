import type { Mode } from "@/db/schema/columns";
import type { Scope } from "@/db/scope";

type ScopedData = { organisation_id: string; mode: Mode };

/** The tenant an event belongs to, as lib/ functions take it. */
export function scopeOf(data: ScopedData): Scope {
  return { organisationId: data.organisation_id, mode: data.mode };
}

/** A batch of events split by tenant, in order of first appearance. */
export function scopesOf<E extends { data: ScopedData }>(
  events: E[],
): { scope: Scope; events: E[] }[] {
  const groups = new Map<string, { scope: Scope; events: E[] }>();
  for (const event of events) {
    const key = `${event.data.organisation_id}:${event.data.mode}`;
    const group = groups.get(key) ?? { scope: scopeOf(event.data), events: [] };
    group.events.push(event);
    groups.set(key, group);
  }
  return [...groups.values()];
}
