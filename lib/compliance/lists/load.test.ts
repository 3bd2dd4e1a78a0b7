import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { sanctionsEntries, sanctionsListVersions } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { FIXTURE_LIST_NAME, loadFixtureList } from "../fixture-list";
import { currentListVersions, loadSanctionsList } from "./load";

const utf8 = (text: string) => new TextEncoder().encode(text);
const fixtureDir = join(process.cwd(), "lib", "compliance", "fixture-list");

async function counts() {
  const [versions, entries] = await Promise.all([
    db.select().from(sanctionsListVersions),
    db.select().from(sanctionsEntries),
  ]);
  return { versions: versions.length, entries: entries.length };
}

async function refusal(files: { name: string; bytes: Uint8Array }[]) {
  const before = await counts();
  const error = await loadSanctionsList(db, { files, loadedBy: "test" }).catch((e) => e);
  expect(isAppError(error, "validation_failed")).toBe(true);
  expect(await counts()).toEqual(before);
  return error as Error & { meta: Record<string, unknown> };
}

describe("loading sanctions lists", () => {
  it("loads OFAC's CSV layout with aliases, programs and countries, as a versioned, labelled fixture", async () => {
    const { version, unchanged } = await loadFixtureList(db, "test");
    expect(unchanged).toBe(false);
    expect(version).toMatchObject({
      listName: FIXTURE_LIST_NAME,
      format: "ofac_csv",
      entryCount: 8,
      aliasCount: 6,
      fixture: true,
      loadedBy: "test",
    });
    const rows = await db
      .select()
      .from(sanctionsEntries)
      .where(eq(sanctionsEntries.versionId, version.id));
    const zahrani = rows.find((r) => r.uid === "1004");
    expect(zahrani).toMatchObject({
      name: "AL-ZAHRANI, Khalid Hassan",
      type: "individual",
      programs: ["FIXTURE-A", "FIXTURE-D"],
      countries: ["SY"],
      aliases: [{ name: "ABU KHALID", type: "aka" }],
    });
    expect(rows.find((r) => r.uid === "1002")?.type).toBe("entity");
    expect(rows.find((r) => r.uid === "1003")?.countries).toEqual(["KP"]);

    // The same files again load nothing new.
    expect((await loadFixtureList(db, "test")).unchanged).toBe(true);
    expect((await currentListVersions(db)).map((v) => v.id)).toContain(version.id);
  });

  it("refuses a broken line with its file and line number, and loads nothing", async () => {
    const sdn = await readFile(join(fixtureDir, "sdn.csv"), "utf8");
    const lines = sdn.split("\r\n");
    lines[2] = '1003,"SEA FALCON 7",vessel';
    const error = await refusal([{ name: "sdn.csv", bytes: utf8(lines.join("\r\n")) }]);
    expect(error.message).toBe(
      "sdn.csv, line 3: expected 12 fields, found 3 (is this OFAC's CSV layout?). Nothing was loaded.",
    );
    expect(error.meta).toMatchObject({ file: "sdn.csv", line: 3 });

    const alt = '1001,2001,"aka","OSTROV, Vanya",-0- \r\n9999,2002,"aka","NOBODY",-0- \r\n';
    const orphan = await refusal([
      { name: "sdn.csv", bytes: utf8(sdn) },
      { name: "alt.csv", bytes: utf8(alt) },
    ]);
    expect(orphan.message).toMatch(/^alt\.csv, line 2: ent_num 9999 is not in sdn\.csv/);

    const unclosed = await refusal([
      { name: "list.csv", bytes: utf8('name,country\nAcme,IR\n"Beta,SY\nGamma,CU\n') },
    ]);
    expect(unclosed.message).toMatch(/^list\.csv, line 3: a quoted field is not closed/);
  });

  it("reads UTF-8 with a byte-order mark and UTF-16, and refuses other encodings at the line", async () => {
    const text = "name,aliases,type,country,program\nJosé Núñez,Pepe Núñez,individual,VE,TEST\n";
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
    const { version } = await loadSanctionsList(db, {
      files: [{ name: "bom.csv", bytes: withBom }],
      loadedBy: "test",
    });
    const [entry] = await db
      .select()
      .from(sanctionsEntries)
      .where(eq(sanctionsEntries.versionId, version.id));
    expect(entry).toMatchObject({ name: "José Núñez", countries: ["VE"], programs: ["TEST"] });

    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const loaded = await loadSanctionsList(db, {
      files: [{ name: "utf16.csv", bytes: new Uint8Array(utf16) }],
      loadedBy: "test",
    });
    expect(loaded.version.entryCount).toBe(1);

    const latin1 = Buffer.from("name,country\nAcme,IR\nJos\xe9 N\xfa\xf1ez,VE\n", "latin1");
    const error = await refusal([{ name: "latin1.csv", bytes: new Uint8Array(latin1) }]);
    expect(error.message).toMatch(/^latin1\.csv, line 3: the text is not UTF-8/);
  });

  it("loads the generic layout and refuses unknown countries and types by line", async () => {
    const { version } = await loadSanctionsList(db, {
      files: [
        {
          name: "eu.csv",
          bytes: utf8(
            "id,name,aliases,type,country,program\nEU-1,Nordwind Freight GmbH,Northwind Freight;NWF,entity,Germany;RU,EU-RUS\n",
          ),
        },
      ],
      loadedBy: "test",
    });
    expect(version).toMatchObject({
      listName: "eu",
      format: "generic_csv",
      entryCount: 1,
      aliasCount: 2,
    });
    const bad = await refusal([
      { name: "uk.csv", bytes: utf8("name,type,country\nAcme,entity,GB\nBeta,spaceship,GB\n") },
    ]);
    expect(bad.message).toMatch(/^uk\.csv, line 3: unknown type "spaceship"/);
    const nowhere = await refusal([
      { name: "un.csv", bytes: utf8("name,country\nAcme,Atlantis\n") },
    ]);
    expect(nowhere.message).toMatch(/^un\.csv, line 2: "Atlantis" is not a country/);
  });
});
