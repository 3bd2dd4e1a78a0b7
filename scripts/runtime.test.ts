import { describe, expect, it } from "vitest";
import { configuredInngestServer } from "./runtime";

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
