import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "@/tests/fixtures/inngest-app";
import { canonicalJson, hashedSigningKey, signatureHeader } from "./signing";

const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function signedApp(ran: string[]) {
  return startTestApp(
    (inngest) => [
      inngest.createFunction(
        { id: "signed", triggers: [{ event: "test/signed" }] },
        async ({ event, step }) => {
          const first = await step.run("first", () => {
            ran.push("first");
            return event.data.amount;
          });
          return step.run("second", () => {
            ran.push("second");
            return first * 2;
          });
        },
      ),
    ],
    { signingKey, isDev: false },
  );
}

const callBody = {
  event: { name: "test/signed", data: { amount: 1 } },
  events: [{ name: "test/signed", data: { amount: 1 } }],
  steps: {},
  ctx: { run_id: "forged", attempt: 0, disable_immediate_execution: false, use_api: false },
  version: 2,
};

describe("signed calls", () => {
  it("syncs and runs functions against an SDK that verifies signatures", async () => {
    const ran: string[] = [];
    app = await signedApp(ran);
    await app.inngest.send({ name: "test/signed", data: { amount: 21 } });
    await app.engine.idle();
    expect(ran).toEqual(["first", "second"]);
    const { runs } = (await (await fetch(`${app.engine.url}/runs?status=completed`)).json()) as {
      runs: { id: string }[];
    };
    const run = await (await fetch(`${app.engine.url}/runs/${runs[0]?.id}`)).json();
    expect(run.output).toBe(42);
  });

  it("is refused by the app when unsigned or signed with another key", async () => {
    const ran: string[] = [];
    app = await signedApp(ran);
    const url = `${app.appUrl}?fnId=engine-test-signed&stepId=step`;
    const body = canonicalJson(callBody);
    const unsigned = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    const otherKey = `signkey-test-${randomBytes(32).toString("hex")}`;
    const forged = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inngest-signature": signatureHeader(body, otherKey, Date.now()),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const genuine = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inngest-signature": signatureHeader(body, signingKey, Date.now()),
      },
      body,
    });
    expect(genuine.status).toBe(206);
    expect(ran).toEqual(["first"]);
  });

  it("syncs out-of-band, with the hashed key, when the app refuses in-band syncs", async () => {
    process.env.INNGEST_ALLOW_IN_BAND_SYNC = "0";
    try {
      const ran: string[] = [];
      app = await signedApp(ran);
      expect(app.logs.some((line) => line.includes("(out_of_band)"))).toBe(true);
      await app.inngest.send({ name: "test/signed", data: { amount: 2 } });
      await app.engine.idle();
      expect(ran).toEqual(["first", "second"]);
    } finally {
      delete process.env.INNGEST_ALLOW_IN_BAND_SYNC;
    }
  });

  it("accepts an out-of-band sync only with the hashed signing key", async () => {
    app = await signedApp([]);
    const sync = { url: app.appUrl, appName: "intruder", functions: [] };
    const refused = await fetch(`${app.engine.url}/fn/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sync),
    });
    expect(refused.status).toBe(401);
    const health = (await (await fetch(`${app.engine.url}/health`)).json()) as {
      functions: number;
    };
    expect(health.functions).toBe(1);
    const accepted = await fetch(`${app.engine.url}/fn/register`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${hashedSigningKey(signingKey)}`,
      },
      body: JSON.stringify(sync),
    });
    expect(accepted.status).toBe(200);
  });
});
