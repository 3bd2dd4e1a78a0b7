import type { DbOrTx } from "@/db/client";
import { memberships, type Role, users } from "@/db/schema";
import { authorizeMember, type MemberContext } from "@/lib/auth/member-context";
import { createOrganisation } from "@/lib/auth/organisations";
import { createBatchAsMember, parseBatchSettings } from "@/lib/batches/create-as-member";
import { newId } from "@/lib/ids";
import { deposit } from "@/lib/ledger";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";

export async function insertUser(db: DbOrTx, email: string) {
  const id = newId("user");
  await db.insert(users).values({ id, email, name: email.split("@")[0] ?? null });
  return { id, email };
}

/** An organisation created the way the dashboard creates it, with its owner signed in. */
export async function organisationWithOwner(db: DbOrTx, name = "Acme Creators") {
  const owner = await insertUser(db, `owner-${newId("user").slice(-8)}@acme.test`);
  const org = await createOrganisation(db, { name, owner });
  return { org, owner };
}

export async function addMember(db: DbOrTx, organisationId: string, role: Role) {
  const user = await insertUser(db, `${role}-${newId("user").slice(-8)}@acme.test`);
  await db.insert(memberships).values({ organisationId, userId: user.id, role });
  return user;
}

/** The context the guard hands a page for a member with full rights, in test mode. */
export function ownerContext(
  db: DbOrTx,
  userId: string,
  organisationId: string,
): Promise<MemberContext> {
  return authorizeMember(db, { userId, organisationId, mode: "test" }, "dashboard.view");
}

/** An organisation with a funded USD test balance and a campaign whose payouts are claimable. */
export async function organisationWithClaimablePayouts(
  db: DbOrTx,
  rows: { email: string; name: string; country: string; externalId: string; amount: bigint }[],
) {
  const { org, owner } = await organisationWithOwner(db);
  const member = await ownerContext(db, owner.id, org.id);
  await deposit(db, member.scope, {
    currency: "USD",
    amount: 10_000_000n,
    idempotencyKey: `fixture-fund-${org.id}`,
  });
  const { batch, payoutIds } = await createBatchAsMember(
    db,
    member,
    parseBatchSettings({ name: "Fixture campaign", currency: "USD" }),
    rows.map((r) => ({
      recipient: { email: r.email, name: r.name, country: r.country, external_id: r.externalId },
      amount: r.amount,
    })),
  );
  await preparePayouts(db, member.scope, payoutIds);
  return { org, owner, member, batch, payoutIds };
}
