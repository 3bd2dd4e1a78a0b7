import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export type FoundChromium = {
  /** Null: Playwright's own download, which Playwright finds by itself. */
  executablePath: string | null;
  source: "CHROMIUM_PATH" | "system" | "playwright";
};

/** What `npm test` prints, on one line, when no browser can run the browser tests. */
export const NO_CHROMIUM =
  "No Chromium for the browser tests: run `npx playwright install chromium` (or `apt-get install chromium`, or set CHROMIUM_PATH), then `npm test` again.";

/**
 * The Chromium the browser tests drive: CHROMIUM_PATH, else the system's /usr/bin/chromium,
 * else Playwright's own download. Null when there is none, so `npm test` can say what to
 * install before it spends minutes on a build whose tests cannot run.
 */
export function findChromium(
  env: { CHROMIUM_PATH?: string } = { CHROMIUM_PATH: process.env.CHROMIUM_PATH },
  exists: (path: string) => boolean = existsSync,
  playwrightChromium: () => string = () => chromium.executablePath(),
): FoundChromium | null {
  if (env.CHROMIUM_PATH) {
    return exists(env.CHROMIUM_PATH)
      ? { executablePath: env.CHROMIUM_PATH, source: "CHROMIUM_PATH" }
      : null;
  }
  if (exists("/usr/bin/chromium")) return { executablePath: "/usr/bin/chromium", source: "system" };
  const own = playwrightChromium();
  return own && exists(own) ? { executablePath: null, source: "playwright" } : null;
}
