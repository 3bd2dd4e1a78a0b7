import { eq } from "drizzle-orm";
import { createDb } from "@/db/client";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { organisations } from "@/db/schema";
import { insertClaimablePayout } from "@/tests/fixtures/claims";

/**
 * A throwaway database with a few claimable payouts, for working on the claim pages
 * with `next dev` before the full launcher's seed exists. Prints DATABASE_URL and links.
 */
process.env.AUTH_SECRET ??= "claim-dev-secret-0000000000000000000000";
process.env.APP_URL ??= "http://localhost:3200";
// With DATABASE_URL, only add payouts to that database; otherwise start a cluster of our own.
const pg = process.env.DATABASE_URL
  ? null
  : await startEmbeddedPostgres({ dataDir: ".data/claim-dev", preferredPort: 55500 });
const url = pg?.url ?? (process.env.DATABASE_URL as string);
await runMigrations(url);
const { db, sql } = createDb(url);
const examples = [
  { country: "US", currency: "USD", amount: 2500n, email: "maya.chen@example.com" },
  { country: "KE", currency: "USD", amount: 1500n, email: "amani.otieno@example.com" },
  { country: "DE", currency: "EUR", amount: 4000n, email: "lukas.weber@example.com" },
  { country: "IR", currency: "USD", amount: 1000n, email: "sara@example.com" },
];
for (const example of examples) {
  const claim = await insertClaimablePayout(db, example);
  await db
    .update(organisations)
    .set({
      name: "Acme Creators",
      primaryColor: "#b4234d",
      accentColor: "#1f2937",
      claimMessage: "Thank you for creating with Acme this season. Here is your reward.",
      logoUrl: null,
    })
    .where(eq(organisations.id, claim.organisationId));
  process.stdout.write(`${example.country}: ${process.env.APP_URL}/c/${claim.token}\n`);
}
await sql.end();
if (pg) {
  process.stdout.write(`DATABASE_URL=${pg.url}\n`);
  // Keep the cluster up until interrupted.
  process.on("SIGINT", () => void pg.stop().then(() => process.exit(0)));
  process.on("SIGTERM", () => void pg.stop().then(() => process.exit(0)));
  setInterval(() => {}, 1 << 30);
}
