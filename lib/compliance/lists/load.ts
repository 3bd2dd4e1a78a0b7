import { createHash } from "node:crypto";
import { basename } from "node:path";
import { and, desc, eq } from "drizzle-orm";
import { bulkInsert } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { sanctionsEntries, sanctionsListVersions } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { newId, newIds } from "@/lib/ids";
import { csvRecords, decodeListFile } from "./csv-records";
import { parseGenericCsv } from "./generic-csv";
import { parseOfacCsv } from "./ofac-csv";
import type { ParsedList } from "./parsed-list";

export type ListFile = { name: string; bytes: Uint8Array };

export type ListVersion = typeof sanctionsListVersions.$inferSelect;

export type LoadResult = { version: ListVersion; unchanged: boolean };

/** Files of one list load; refuses anything that is not one list in a known layout. */
export function parseListFiles(files: ListFile[]): {
  listName: string;
  format: ListVersion["format"];
  parsed: ParsedList;
} {
  const byName = new Map(files.map((f) => [basename(f.name).toLowerCase(), f]));
  const read = (name: string) => {
    const file = byName.get(name);
    return file
      ? { file: name, records: csvRecords(name, decodeListFile(name, file.bytes)) }
      : undefined;
  };
  for (const [prefix, listName] of [
    ["sdn", "OFAC SDN"],
    ["cons", "OFAC consolidated non-SDN"],
  ] as const) {
    const primaryName = prefix === "sdn" ? "sdn.csv" : "cons_prim.csv";
    const primary = read(primaryName);
    if (!primary) continue;
    const parsed = parseOfacCsv({
      primary,
      aliases: read(prefix === "sdn" ? "alt.csv" : "cons_alt.csv"),
      addresses: read(prefix === "sdn" ? "add.csv" : "cons_add.csv"),
    });
    return { listName, format: "ofac_csv", parsed };
  }
  const [only, ...more] = files;
  if (!only || more.length > 0) {
    throw new AppError(
      "validation_failed",
      "Load OFAC's sdn.csv (with alt.csv and add.csv beside it) or cons_prim.csv, or one CSV in the generic layout (name, aliases, type, country, program).",
    );
  }
  const name = basename(only.name);
  const parsed = parseGenericCsv(name, csvRecords(name, decodeListFile(name, only.bytes)));
  return { listName: name.replace(/\.csv$/i, ""), format: "generic_csv", parsed };
}

function contentHash(files: ListFile[]): string {
  const hash = createHash("sha256");
  for (const f of [...files].sort((a, b) => basename(a.name).localeCompare(basename(b.name)))) {
    hash.update(basename(f.name).toLowerCase()).update("\0").update(f.bytes).update("\0");
  }
  return hash.digest("hex");
}

const INSERT_CHUNK = 5_000;

/**
 * Loads a list as a new version, or refuses it whole: every file is parsed before
 * anything is written, and the version and its entries go in one transaction. The same
 * content as the list's newest version is not loaded again (`unchanged`).
 */
export async function loadSanctionsList(
  db: DbOrTx,
  input: {
    files: ListFile[];
    loadedBy: string;
    /** Overrides the name read from the files ("OFAC SDN", or the generic file's name). */
    listName?: string;
    source?: string;
    fixture?: boolean;
  },
): Promise<LoadResult> {
  const { listName: readName, format, parsed } = parseListFiles(input.files);
  if (parsed.entries.length === 0) {
    throw new AppError("validation_failed", "The list has no entries. Nothing was loaded.");
  }
  const listName = input.listName?.trim() || readName;
  const hash = contentHash(input.files);
  return inTransaction(db, async (tx) => {
    const [latest] = await tx
      .select()
      .from(sanctionsListVersions)
      .where(eq(sanctionsListVersions.listName, listName))
      .orderBy(desc(sanctionsListVersions.createdAt))
      .limit(1);
    if (latest?.contentHash === hash) return { version: latest, unchanged: true };

    const [version] = await tx
      .insert(sanctionsListVersions)
      .values({
        id: newId("sanctionsListVersion"),
        listName,
        format,
        source: input.source ?? input.files.map((f) => basename(f.name)).join(", "),
        loadedBy: input.loadedBy,
        entryCount: parsed.entries.length,
        aliasCount: parsed.entries.reduce((n, e) => n + e.aliases.length, 0),
        contentHash: hash,
        fixture: input.fixture ?? false,
      })
      .returning();
    const row = version as ListVersion;
    for (let i = 0; i < parsed.entries.length; i += INSERT_CHUNK) {
      const chunk = parsed.entries.slice(i, i + INSERT_CHUNK);
      const ids = newIds("sanctionsEntry", chunk.length);
      await bulkInsert(
        tx,
        sanctionsEntries,
        chunk.map((e, n) => ({
          id: ids[n] as string,
          versionId: row.id,
          uid: e.uid,
          name: e.name,
          type: e.type ?? null,
          programs: e.programs ?? [],
          countries: e.countries ?? [],
          aliases: e.aliases,
        })),
      );
    }
    return { version: row, unchanged: false };
  });
}

/** The newest version of every list: what screening runs against. */
export async function currentListVersions(db: DbOrTx): Promise<ListVersion[]> {
  return db
    .selectDistinctOn([sanctionsListVersions.listName])
    .from(sanctionsListVersions)
    .orderBy(sanctionsListVersions.listName, desc(sanctionsListVersions.createdAt));
}

/** Every version loaded, newest first, for the operators' page. */
export async function listVersionHistory(db: DbOrTx, limit = 50): Promise<ListVersion[]> {
  return db
    .select()
    .from(sanctionsListVersions)
    .orderBy(desc(sanctionsListVersions.createdAt))
    .limit(limit);
}

/** Current versions whose rescreen of open payouts has not finished. */
export async function versionsAwaitingRescreen(db: DbOrTx): Promise<ListVersion[]> {
  const current = await currentListVersions(db);
  return current.filter((v) => v.rescreenedAt === null);
}

export async function markRescreened(db: DbOrTx, versionId: string): Promise<void> {
  await db
    .update(sanctionsListVersions)
    .set({ rescreenedAt: new Date() })
    .where(and(eq(sanctionsListVersions.id, versionId)));
}
