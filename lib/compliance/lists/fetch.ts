import { AppError } from "@/lib/errors";
import type { ListFile } from "./load";

const OFAC_FILES = ["sdn.csv", "alt.csv", "add.csv"];

/**
 * Downloads a list: a URL ending in `/` is a folder holding OFAC's sdn.csv, alt.csv and
 * add.csv; any other URL is one CSV file (OFAC's sdn.csv alone, or the generic layout).
 */
export async function fetchListFiles(
  url: string,
  fetcher: typeof fetch = fetch,
): Promise<ListFile[]> {
  const names = url.endsWith("/")
    ? OFAC_FILES
    : [new URL(url).pathname.split("/").pop() || "list.csv"];
  return Promise.all(
    names.map(async (name) => {
      const target = url.endsWith("/") ? new URL(name, url).toString() : url;
      const response = await fetcher(target, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) {
        throw new AppError(
          "conflict",
          `Fetching ${target} answered ${response.status}; nothing was loaded.`,
        );
      }
      return { name, bytes: new Uint8Array(await response.arrayBuffer()) };
    }),
  );
}
