import { eq } from "drizzle-orm";
import { type DbOrTx, db as defaultDb } from "@/db/client";
import { memberships, organisations, users } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/keys";
import { loadFixtureList } from "@/lib/compliance/fixture-list";
import { markTestOnly } from "@/lib/compliance/kyb";
import { currentListVersions } from "@/lib/compliance/lists/load";
import { newId } from "@/lib/ids";
import { deposit } from "@/lib/ledger";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";
import { DEMO_ADMIN_EMAIL, demoDeposits, demoOrganisation, demoPayouts } from "./seed-data";

export type DemoCredentials = { adminEmail: string; apiKey: string; claimUrls: string[] };
export type SeedResult = { created: true; credentials: DemoCredentials } | { created: false };

/**
 * Creates the demo organisation on a fresh database and does nothing on a seeded one.
 * The API key and claim links are returned only on creation; the launcher keeps them in
 * DATA_DIR so later starts can print them again.
 */
export async function seedDemoOrganisation(db: DbOrTx = defaultDb): Promise<SeedResult> {
  const seeded = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.slug, demoOrganisation.slug));
  if (seeded.length > 0) return { created: false };

  const { scope, secret, payoutIds } = await db.transaction(async (tx) => {
    const organisationId = newId("organisation");
    await tx.insert(organisations).values({ id: organisationId, ...demoOrganisation });
    const [admin] = await tx
      .insert(users)
      .values({ id: newId("user"), email: DEMO_ADMIN_EMAIL, name: "Ada Admin" })
      .onConflictDoUpdate({ target: users.email, set: { name: "Ada Admin" } })
      .returning({ id: users.id });
    await tx
      .insert(memberships)
      .values({ organisationId, userId: (admin as { id: string }).id, role: "owner" });
    // The demo stays in test mode: live mode is refused to it whatever its KYB says.
    await markTestOnly(tx, organisationId);
    const scope = { organisationId, mode: "test" as const };
    const { secret } = await createApiKey(tx, { ...scope, name: "Demo test key" });
    for (const funding of demoDeposits) {
      await deposit(tx, scope, {
        ...funding,
        idempotencyKey: `demo-seed:deposit:${funding.currency}`,
        description: "Demo funding",
      });
    }
    const payoutIds: string[] = [];
    for (const body of demoPayouts) {
      const payout = await createPayout(tx, scope, createPayoutBodySchema.parse(body), {
        actor: "seed",
      });
      payoutIds.push(payout.id);
    }
    return { scope, secret, payoutIds };
  });

  // A fresh install screens against the fictional fixture list until a real one is
  // loaded (it is labelled a fixture wherever lists are shown).
  if ((await currentListVersions(db)).length === 0) await loadFixtureList(db, "seed");
  // Claim links are issued by the same step the background fan-out uses, so the demo
  // payouts are claimable (and their links printable) before the engine has run.
  const prepared = await preparePayouts(db, scope, payoutIds, { actor: "seed" });
  const urlByPayout = new Map(prepared.links.map((link) => [link.payoutId, link.url]));
  return {
    created: true,
    credentials: {
      adminEmail: DEMO_ADMIN_EMAIL,
      apiKey: secret,
      claimUrls: payoutIds.flatMap((id) => urlByPayout.get(id) ?? []),
    },
  };
}
