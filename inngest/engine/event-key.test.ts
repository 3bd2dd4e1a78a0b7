import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, TEST_EVENT_KEY, type TestApp } from "@/tests/fixtures/inngest-app";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(() => []);
});
afterAll(async () => {
  await app.close();
});

const post = (key: string) =>
  fetch(`${app.engine.url}/e/${key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ name: "test/anyone", data: {} }]),
  });

describe("the engine's event API", () => {
  it("refuses events sent with any key but the one it was started with", async () => {
    for (const key of ["wrongkey", "NO_EVENT_KEY_SET", `${TEST_EVENT_KEY}x`, "%00"]) {
      const refused = await post(key);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: "Invalid event key" });
    }
    const accepted = await post(TEST_EVENT_KEY);
    expect(accepted.status).toBe(200);
    expect((await accepted.json()) as { ids: string[] }).toMatchObject({
      ids: [expect.any(String)],
    });
  });

  it("takes events from the SDK configured with the key", async () => {
    const sent = await app.inngest.send({ name: "test/keyed", data: {} });
    expect(sent.ids).toHaveLength(1);
  });
});
