import type { SanctionsAlias, sanctionsEntries } from "@/db/schema";

/** An entry as a list file describes it, before it is stored. */
export type ParsedEntry = Pick<
  typeof sanctionsEntries.$inferInsert,
  "uid" | "name" | "type" | "programs" | "countries"
> & { aliases: SanctionsAlias[] };

export type ParsedList = { entries: ParsedEntry[] };
