import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ListFile } from "./load";

const OFAC_FILES = [
  "sdn.csv",
  "alt.csv",
  "add.csv",
  "cons_prim.csv",
  "cons_alt.csv",
  "cons_add.csv",
];

/**
 * The files of a list at a path: a directory holding OFAC's files (sdn.csv, alt.csv,
 * add.csv, or the consolidated list's cons_*.csv), or a single CSV file.
 */
export async function listFilesAt(path: string): Promise<ListFile[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [{ name: basename(path), bytes: await readFile(path) }];
  const names = (await readdir(path)).filter((n) => OFAC_FILES.includes(n.toLowerCase()));
  return Promise.all(
    names.map(async (name) => ({ name, bytes: await readFile(join(path, name)) })),
  );
}
