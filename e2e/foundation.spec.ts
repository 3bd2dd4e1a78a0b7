import { expect, test } from "@playwright/test";
import { demoCredentials } from "./demo";

test("the landing page says what Disburse is and links onward", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Open-source payouts");
  await expect(page.getByRole("link", { name: "Open the dashboard" })).toHaveAttribute(
    "href",
    "/dashboard",
  );
  await expect(page.getByRole("link", { name: "API reference" })).toHaveAttribute(
    "href",
    "/docs/api",
  );
  await expect(page.getByRole("link", { name: "Try a demo claim link" })).toBeVisible();
});

test("a seeded claim link shows who pays and how much", async ({ page }) => {
  const [claimUrl] = demoCredentials().claimUrls;
  expect(claimUrl).toBeTruthy();
  const response = await page.goto(new URL(claimUrl as string).pathname);
  expect(response?.status()).toBe(200);
  await expect(page.getByText("Acme Creators").first()).toBeVisible();
  await expect(page.getByText(/\$25\.00/)).toBeVisible();
});

test("an unknown claim token gets a friendly 404", async ({ page }) => {
  const response = await page.goto("/c/not-a-real-token-0000000000000000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: /link (is )?not valid/i })).toBeVisible();
});

test("the health endpoint reports the database and migration", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.ok()).toBe(true);
  const body = await response.json();
  expect(body.database.reachable).toBe(true);
  expect(body.migration.upToDate).toBe(true);
});

test("the built app answers API paths and methods no endpoint serves with problem+json", async ({
  request,
}) => {
  const unknown = await request.get("/api/v1/payout");
  expect(unknown.status()).toBe(404);
  expect(unknown.headers()["content-type"]).toBe("application/problem+json");
  expect((await unknown.json()).detail).toContain("Did you mean /api/v1/payouts?");

  const wrongMethod = await request.put("/api/v1/payouts");
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers().allow).toBe("GET, POST, HEAD, OPTIONS");
  expect((await wrongMethod.json()).code).toBe("method_not_allowed");

  const options = await request.fetch("/api/v1/payouts", { method: "OPTIONS" });
  expect(options.status()).toBe(204);
  expect(options.headers().allow).toBe("GET, POST, HEAD, OPTIONS");
  // The static routes still win over the catch-all.
  expect((await request.get("/api/v1/openapi.json")).status()).toBe(200);
});
