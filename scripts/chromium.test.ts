import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { findChromium, NO_CHROMIUM } from "./chromium";

const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);
const ownBrowser = () => "/home/dev/.cache/ms-playwright/chromium-1/chrome";

describe("finding a browser for the browser tests", () => {
  it("prefers CHROMIUM_PATH, then the system's Chromium, then Playwright's own", () => {
    const all = only("/opt/chrome", "/usr/bin/chromium", ownBrowser());
    expect(findChromium({ CHROMIUM_PATH: "/opt/chrome" }, all, ownBrowser)).toEqual({
      executablePath: "/opt/chrome",
      source: "CHROMIUM_PATH",
    });
    expect(findChromium({}, all, ownBrowser)?.source).toBe("system");
    expect(findChromium({}, only(ownBrowser()), ownBrowser)).toEqual({
      executablePath: null,
      source: "playwright",
    });
  });

  it("finds none on a fresh machine, or when CHROMIUM_PATH names nothing", () => {
    expect(findChromium({}, only(), ownBrowser)).toBeNull();
    expect(
      findChromium({ CHROMIUM_PATH: "/nope" }, only("/usr/bin/chromium"), ownBrowser),
    ).toBeNull();
  });

  it("stops `npm test` at once with one line saying what to run", () => {
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, ["--import", "tsx", "scripts/check-browser.ts"], {
        env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" },
        stdio: "pipe",
      });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      failure = { status: e.status, stderr: e.stderr.toString() };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toBe(`${NO_CHROMIUM}\n`);
  });
});
