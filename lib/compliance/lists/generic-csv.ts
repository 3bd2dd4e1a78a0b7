import { countryCode } from "./countries";
import { type CsvRecord, malformed } from "./csv-records";
import type { ParsedEntry, ParsedList } from "./parsed-list";

/**
 * The generic layout for other lists (EU, UK, UN exports reshaped): a header row with
 * `name`, and optionally `aliases`, `type`, `country`, `program`, `id`. Several aliases,
 * countries or programs go in one cell separated by semicolons. Without an `id` column
 * an entry is known by its name.
 */
export const genericColumns = ["id", "name", "aliases", "type", "country", "program"] as const;
type Column = (typeof genericColumns)[number];

/** Header cells as people write them, singular or plural. */
const headerNames: Record<string, Column> = {
  id: "id",
  name: "name",
  alias: "aliases",
  aliases: "aliases",
  type: "type",
  country: "country",
  countries: "country",
  program: "program",
  programs: "program",
  programme: "program",
  programmes: "program",
};

const types: Record<string, ParsedEntry["type"]> = {
  individual: "individual",
  person: "individual",
  entity: "entity",
  organisation: "entity",
  organization: "entity",
  company: "entity",
  vessel: "vessel",
  ship: "vessel",
  aircraft: "aircraft",
  "": null,
};

const list = (cell: string | undefined) =>
  (cell ?? "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);

/** Whether a header row is the generic layout's. */
export function isGenericHeader(fields: string[]): boolean {
  return fields.some((f) => f.trim().toLowerCase() === "name");
}

export function parseGenericCsv(file: string, records: CsvRecord[]): ParsedList {
  const [header, ...rows] = records;
  if (!header || !isGenericHeader(header.fields)) {
    throw malformed(
      file,
      header?.line ?? 1,
      `the first row must name the columns (${genericColumns.join(", ")}), with at least "name"`,
    );
  }
  const index = new Map<Column, number>();
  for (const [i, cell] of header.fields.entries()) {
    const column = headerNames[cell.trim().toLowerCase()];
    if (column) index.set(column, i);
  }
  const cell = (r: CsvRecord, c: Column) => {
    const i = index.get(c);
    return i === undefined ? "" : (r.fields[i] ?? "").trim();
  };

  const seen = new Set<string>();
  const entries: ParsedEntry[] = [];
  for (const record of rows) {
    if (record.fields.length !== header.fields.length) {
      throw malformed(
        file,
        record.line,
        `expected ${header.fields.length} fields like the header, found ${record.fields.length}`,
      );
    }
    const name = cell(record, "name");
    if (!name) throw malformed(file, record.line, "the name is empty");
    const typeText = cell(record, "type").toLowerCase();
    const type = types[typeText];
    if (type === undefined) {
      throw malformed(
        file,
        record.line,
        `unknown type "${typeText}" (individual, entity, vessel or aircraft)`,
      );
    }
    const countries: string[] = [];
    for (const c of list(cell(record, "country"))) {
      const code = countryCode(c);
      if (!code) throw malformed(file, record.line, `"${c}" is not a country`);
      if (!countries.includes(code)) countries.push(code);
    }
    const uid = cell(record, "id") || name;
    if (seen.has(uid)) throw malformed(file, record.line, `the entry "${uid}" appears twice`);
    seen.add(uid);
    entries.push({
      uid,
      name,
      type,
      programs: list(cell(record, "program")),
      countries,
      aliases: list(cell(record, "aliases")).map((alias) => ({
        name: alias,
        type: "aka" as const,
      })),
    });
  }
  return { entries };
}
