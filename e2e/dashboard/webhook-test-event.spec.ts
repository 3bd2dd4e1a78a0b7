import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { foundOrganisation } from "./flows";
import { expect, test } from "./support";

type Received = { headers: Record<string, string>; body: string };

/** A receiver on this machine (test mode may deliver to loopback), recording every request. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(",") : (v ?? ""),
          ]),
        ),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    received,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("Send test event delivers a signed ping to the endpoint, shown under its deliveries", async ({
  page,
  mailbox,
}) => {
  test.setTimeout(180_000);
  const receiver = await startReceiver();
  try {
    await foundOrganisation(page, mailbox, "Hooks Co");
    await page.goto("/dashboard/developers");
    await page.getByLabel("Name", { exact: true }).fill("backend");
    await page.getByRole("button", { name: "Create test key" }).click();
    const key = (await page.getByTestId("revealed-secret").textContent())?.trim() ?? "";
    // A path that is not valid percent-encoding names nothing: 404 problem+json, not a 500.
    for (const path of ["/api/v1/payouts/%C0%AE", "/api/v1/batches/bat_%ZZ"]) {
      const response = await page.request.get(path, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status(), path).toBe(404);
      expect(response.headers()["content-type"], path).toBe("application/problem+json");
    }

    await page.goto("/dashboard/developers/webhooks");
    await page.getByLabel("URL").fill(receiver.url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("revealed-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_/);

    await page.getByRole("link", { name: receiver.url }).click();
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText("Test event sent.")).toBeVisible();

    await expect.poll(() => receiver.received.length, { timeout: 60_000 }).toBeGreaterThan(0);
    const [ping] = receiver.received;
    const event = new Webhook(secret).verify(ping?.body ?? "", ping?.headers ?? {}) as {
      type: string;
    };
    expect(event.type).toBe("ping");

    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("deliveries").getByText("ping", { exact: true }).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await expect(
      page.getByText("Finished deliveries and their attempts are kept for 30 days."),
    ).toBeVisible();
  } finally {
    await receiver.close();
  }
});

test("API paths that are not valid percent-encoding get 404 problem+json, never a bare 500", async ({
  request,
}) => {
  for (const path of [
    "/api/v1/payouts/%C0%AE",
    "/api/v1/batches/bat_%ZZ",
    "/api/v1/payouts/%ZZ/cancel",
    "/api/v1/pay%ZZ",
  ]) {
    const headerSets: Record<string, string>[] = [{}, { authorization: "Bearer sk_test_nope" }];
    for (const headers of headerSets) {
      const response = await request.get(path, { headers });
      expect(response.status(), path).toBe(404);
      expect(response.headers()["content-type"], path).toBe("application/problem+json");
      expect(response.headers()["request-id"], path).toMatch(/^req_/);
      expect((await response.json()).code, path).toBe("not_found");
    }
  }
  // A well-formed escape still reaches its route as before.
  const encoded = await request.get("/api/v1/payouts/po_%41", {
    headers: { authorization: "Bearer sk_test_nope" },
  });
  expect(encoded.status()).toBe(401);
});
