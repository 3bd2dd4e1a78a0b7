import type { SanctionsAlias } from "@/db/schema";
import { countryCode } from "./countries";
import { type CsvRecord, malformed } from "./csv-records";
import type { ParsedEntry, ParsedList } from "./parsed-list";

/**
 * OFAC's legacy CSV layout (the SDN list's sdn.csv, alt.csv, add.csv; the consolidated
 * non-SDN list's cons_prim.csv, cons_alt.csv, cons_add.csv): no header row, "-0-" for
 * an empty field, records linked by ent_num. Columns, per OFAC's data specification:
 *
 *   sdn: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
 *        GRT, Vess_flag, Vess_owner, Remarks
 *   alt: ent_num, alt_num, alt_type, alt_name, alt_remarks
 *   add: Ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks
 */
export type OfacFiles = {
  primary: { file: string; records: CsvRecord[] };
  aliases?: { file: string; records: CsvRecord[] };
  addresses?: { file: string; records: CsvRecord[] };
};

const NULL = "-0-";
const value = (field: string | undefined) => {
  const v = (field ?? "").trim();
  return v === NULL ? "" : v;
};

const sdnTypes: Record<string, ParsedEntry["type"]> = {
  individual: "individual",
  vessel: "vessel",
  aircraft: "aircraft",
  entity: "entity",
  "": "entity",
};

/** "[SDGT] [IFSR]" or "SDGT; IFSR" → ["SDGT", "IFSR"]. */
function programsOf(text: string): string[] {
  return text
    .replace(/\]\s*\[/g, ";")
    .replace(/[[\]]/g, "")
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean);
}

function entNum(file: string, record: CsvRecord): string {
  const id = value(record.fields[0]);
  if (!/^\d+$/.test(id)) {
    throw malformed(file, record.line, `ent_num "${id}" is not a number`);
  }
  return id;
}

function expectFields(file: string, record: CsvRecord, count: number) {
  if (record.fields.length !== count) {
    throw malformed(
      file,
      record.line,
      `expected ${count} fields, found ${record.fields.length} (is this OFAC's CSV layout?)`,
    );
  }
}

export function parseOfacCsv(files: OfacFiles): ParsedList {
  const byId = new Map<string, ParsedEntry>();
  const { file, records } = files.primary;
  for (const record of records) {
    expectFields(file, record, 12);
    const uid = entNum(file, record);
    if (byId.has(uid)) throw malformed(file, record.line, `ent_num ${uid} appears twice`);
    const name = value(record.fields[1]);
    if (!name) throw malformed(file, record.line, "the name (SDN_Name) is empty");
    const typeText = value(record.fields[2]).toLowerCase();
    const type = sdnTypes[typeText];
    if (type === undefined) {
      throw malformed(file, record.line, `unknown SDN_Type "${typeText}"`);
    }
    const flag = countryCode(value(record.fields[9]));
    byId.set(uid, {
      uid,
      name,
      type,
      programs: programsOf(value(record.fields[3])),
      countries: flag ? [flag] : [],
      aliases: [],
    });
  }

  if (files.aliases) {
    const { file: altFile, records: altRecords } = files.aliases;
    for (const record of altRecords) {
      expectFields(altFile, record, 5);
      const entry = byId.get(entNum(altFile, record));
      if (!entry) {
        throw malformed(
          altFile,
          record.line,
          `ent_num ${value(record.fields[0])} is not in ${file}`,
        );
      }
      const type = value(record.fields[2]).toLowerCase().replace(/\./g, "");
      if (type !== "aka" && type !== "fka" && type !== "nka") {
        throw malformed(altFile, record.line, `unknown alt_type "${type}" (aka, fka or nka)`);
      }
      const name = value(record.fields[3]);
      if (!name) throw malformed(altFile, record.line, "the alias (alt_name) is empty");
      entry.aliases.push({ name, type } satisfies SanctionsAlias);
    }
  }

  if (files.addresses) {
    const { file: addFile, records: addRecords } = files.addresses;
    for (const record of addRecords) {
      expectFields(addFile, record, 6);
      const entry = byId.get(entNum(addFile, record));
      if (!entry) {
        throw malformed(
          addFile,
          record.line,
          `ent_num ${value(record.fields[0])} is not in ${file}`,
        );
      }
      const code = countryCode(value(record.fields[4]));
      if (code && !entry.countries?.includes(code))
        entry.countries = [...(entry.countries ?? []), code];
    }
  }
  return { entries: [...byId.values()] };
}
