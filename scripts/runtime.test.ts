import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { configuredInngestServer, seedsDemo } from "./runtime";

const signingKey = `signkey-prod-${"ab".repeat(32)}`;

describe("which Inngest server the launcher hands background work to", () => {
  it("hands it to Inngest Cloud when both keys of an Inngest environment are set", () => {
    expect(
      configuredInngestServer({ INNGEST_SIGNING_KEY: signingKey, INNGEST_EVENT_KEY: "key" }),
    ).toBe("Inngest Cloud");
  });

  it("hands it to a server named by URL, self-hosted or the Dev Server", () => {
    expect(
      configuredInngestServer({
        INNGEST_BASE_URL: "https://inngest.internal",
        INNGEST_SIGNING_KEY: signingKey,
        INNGEST_EVENT_KEY: "key",
      }),
    ).toBe("Inngest server at https://inngest.internal");
    expect(configuredInngestServer({ INNGEST_DEV: "http://127.0.0.1:8288" })).toBe(
      "Inngest Dev Server at http://127.0.0.1:8288",
    );
  });

  it("keeps it on the local engine with no server and at most one key", () => {
    expect(configuredInngestServer({})).toBeNull();
    expect(configuredInngestServer({ INNGEST_EVENT_KEY: "key" })).toBeNull();
  });
});

describe("whether the launcher seeds the demo organisation", () => {
  const seedFlag = (env: Record<string, string>) => parseConfig(env as NodeJS.ProcessEnv);
  it("seeds the embedded database of `npm run dev`, and never a database of one's own unasked", () => {
    expect(seedsDemo(seedFlag({}), { embedded: true })).toBe(true);
    expect(seedsDemo(seedFlag({}), { embedded: false })).toBe(false);
  });

  it("follows SEED_DEMO either way", () => {
    expect(seedsDemo(seedFlag({ SEED_DEMO: "1" }), { embedded: false })).toBe(true);
    expect(seedsDemo(seedFlag({ SEED_DEMO: "0" }), { embedded: true })).toBe(false);
  });
});
