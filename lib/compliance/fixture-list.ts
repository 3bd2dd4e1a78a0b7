import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DbOrTx } from "@/db/client";
import { type LoadResult, loadSanctionsList } from "./lists/load";

/** The fixture's list name: says what it is wherever a list is shown. */
export const FIXTURE_LIST_NAME = "Disburse fixture (fictional)";

const directory = join(process.cwd(), "lib", "compliance", "fixture-list");

/**
 * Loads the fictional fixture list (lib/compliance/fixture-list) for tests and the
 * demo: marked `fixture`, under a name no real list has.
 */
export async function loadFixtureList(db: DbOrTx, loadedBy = "seed"): Promise<LoadResult> {
  const files = await Promise.all(
    ["sdn.csv", "alt.csv", "add.csv"].map(async (name) => ({
      name,
      bytes: await readFile(join(directory, name)),
    })),
  );
  return loadSanctionsList(db, {
    files,
    loadedBy,
    listName: FIXTURE_LIST_NAME,
    source: "lib/compliance/fixture-list",
    fixture: true,
  });
}
