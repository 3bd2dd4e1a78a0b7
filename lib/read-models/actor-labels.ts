import { inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";

/**
 * Readable names for the payouts domain's actor strings (`user:usr_…`, `api_key:key_…`,
 * `system`): a user becomes their email, anything else stays as written.
 */
export async function actorLabels(
  db: DbOrTx,
  actors: (string | null | undefined)[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(actors.flatMap((a) => (a?.startsWith("user:") ? [a.slice("user:".length)] : []))),
  ];
  const labels = new Map<string, string>();
  if (ids.length > 0) {
    const rows = await db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.id, ids));
    for (const row of rows) labels.set(`user:${row.id}`, row.email ?? row.id);
  }
  for (const actor of actors) if (actor && !labels.has(actor)) labels.set(actor, actor);
  return labels;
}
