import { defineConfig, devices } from "@playwright/test";
import { findChromium } from "./scripts/chromium";

const port = Number(process.env.E2E_PORT ?? 3100);

export const e2eDataDir = ".data/e2e";

/**
 * Where the e2e deployment's Stripe is: the Stripe double that
 * e2e/claim/stripe-onboarding.spec.ts starts on this port. The app reads STRIPE_API_BASE
 * once per process, so the origin is fixed here, in the server's environment, as an
 * operator points it at a gateway; only the spec that pays through Stripe runs the double.
 */
export const e2eStripeDoublePort = port + 1;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  // One worker: specs share the seeded admin and its sign-in mail, and the app has two cores.
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: findChromium()?.executablePath ?? undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // A production build on a fresh embedded database, seeded like a first `npm run dev`.
    command: `rm -rf ${e2eDataDir} && tsx scripts/start.ts`,
    url: `http://localhost:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: e2eDataDir,
      DEV_MAILBOX: "1",
      LOG_LEVEL: "info",
      STRIPE_API_BASE: `http://127.0.0.1:${e2eStripeDoublePort}`,
    },
  },
});
