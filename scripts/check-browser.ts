import { findChromium, NO_CHROMIUM } from "./chromium";

// Run by `npm test` and `npm run test:e2e` before anything slow.
if (!findChromium()) {
  console.error(NO_CHROMIUM);
  process.exit(1);
}
