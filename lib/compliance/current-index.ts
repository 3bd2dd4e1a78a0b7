import { inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { sanctionsEntries } from "@/db/schema";
import { currentListVersions } from "./lists/load";
import { buildNameIndex, type NameIndex } from "./name-index";

/**
 * The index of the current list versions, built once per process per set of versions:
 * building it normalises every listed name (about a second for 30,000 names), and
 * screening a chunk of payouts then costs only the look-ups. Asking costs one query, so
 * a newly loaded version is used from the next chunk on.
 */
let cached: { key: string; index: Promise<NameIndex> } | null = null;

export async function currentNameIndex(db: DbOrTx): Promise<NameIndex> {
  const versions = await currentListVersions(db);
  const key = versions
    .map((v) => v.id)
    .sort()
    .join(",");
  if (cached?.key === key) return cached.index;
  const index = (async () => {
    const entries =
      versions.length === 0
        ? []
        : await db
            .select({
              id: sanctionsEntries.id,
              versionId: sanctionsEntries.versionId,
              uid: sanctionsEntries.uid,
              name: sanctionsEntries.name,
              type: sanctionsEntries.type,
              programs: sanctionsEntries.programs,
              countries: sanctionsEntries.countries,
              aliases: sanctionsEntries.aliases,
            })
            .from(sanctionsEntries)
            .where(
              inArray(
                sanctionsEntries.versionId,
                versions.map((v) => v.id),
              ),
            );
    return buildNameIndex(
      versions.map((v) => ({ versionId: v.id, listName: v.listName, fixture: v.fixture })),
      entries,
    );
  })();
  cached = { key, index };
  index.catch(() => {
    if (cached?.index === index) cached = null;
  });
  return index;
}
