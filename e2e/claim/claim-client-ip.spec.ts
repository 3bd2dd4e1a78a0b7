import { ipKey } from "@/lib/claims/rate-limit";
import {
  CLAIM_TEST_TIMEOUT,
  claimPathFor,
  codeFor,
  expect,
  phone,
  recipientEmail,
  test,
} from "./support";

test.use(phone);
test.describe.configure({ timeout: CLAIM_TEST_TIMEOUT });

test("a forged X-Forwarded-For does not move a recipient into another per-IP bucket", async ({
  page,
  api,
  sql,
  mailbox,
}) => {
  const email = recipientEmail("forged");
  const payout = await api.createPayout({
    recipient: { email, name: "Forge Less", country: "US" },
    amount: 1300,
    currency: "USD",
  });
  const claimPath = await claimPathFor(mailbox, payout, email);
  const forged = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
  // No TRUSTED_PROXIES on the e2e server: the header comes from nobody it believes.
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": forged });
  await page.goto(claimPath);
  const asked = new Date(Date.now() - 1000);
  await page.getByRole("button", { name: "Email me a code" }).click();
  expect(await codeFor(mailbox, email, asked)).toMatch(/^\d{6}$/);

  const keys = (
    await sql<{ key: string }[]>`select key from claim_rate_limits where key like 'code-send:ip:%'`
  ).map((r) => r.key);
  expect(keys).not.toContain(`code-send:ip:${ipKey(forged)}`);
  // The request was counted, against the address it really came from.
  const peers = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].map((ip) => `code-send:ip:${ipKey(ip)}`);
  expect(keys.some((key) => peers.includes(key))).toBe(true);
});
