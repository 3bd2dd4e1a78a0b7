import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { memberships, organisations, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";

export type OrganisationRow = typeof organisations.$inferSelect;
export type MembershipSummary = {
  organisationId: string;
  name: string;
  slug: string;
  role: Role;
};

export const organisationNameSchema = z
  .string()
  .trim()
  .min(2, "at least 2 characters")
  .max(100, "at most 100 characters");

/** Every organisation a user belongs to, oldest membership first (the default one). */
export async function listMemberships(db: DbOrTx, userId: string): Promise<MembershipSummary[]> {
  return db
    .select({
      organisationId: organisations.id,
      name: organisations.name,
      slug: organisations.slug,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(organisations.id));
}

export async function getMembership(
  db: DbOrTx,
  userId: string,
  organisationId: string,
): Promise<MembershipSummary | null> {
  const [row] = await db
    .select({
      organisationId: organisations.id,
      name: organisations.name,
      slug: organisations.slug,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)));
  return row ?? null;
}

function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "org";
}

/**
 * Creates an organisation with its creator as owner. The slug is the name's, with a
 * short random suffix when taken (the unique index decides, not a racy pre-check).
 */
export async function createOrganisation(
  db: DbOrTx,
  params: { name: string; owner: { id: string; email?: string | null } },
): Promise<OrganisationRow> {
  const parsed = organisationNameSchema.safeParse(params.name);
  if (!parsed.success) {
    throw new AppError("validation_failed", "The organisation name is not valid.", {
      fieldErrors: [{ path: "name", message: parsed.error.issues[0]?.message ?? "invalid" }],
    });
  }
  const name = parsed.data;
  return db.transaction(async (tx) => {
    const base = slugify(name);
    let org: OrganisationRow | undefined;
    for (let attempt = 0; !org && attempt < 5; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${newId("organisation").slice(-5)}`;
      [org] = await tx
        .insert(organisations)
        .values({ id: newId("organisation"), name, slug })
        .onConflictDoNothing({ target: organisations.slug })
        .returning();
    }
    if (!org) throw new AppError("conflict", "Could not find a free slug for this name.");
    await tx
      .insert(memberships)
      .values({ organisationId: org.id, userId: params.owner.id, role: "owner" });
    // A new organisation starts in test mode, where this first entry belongs.
    await recordAudit(tx, {
      organisationId: org.id,
      mode: "test",
      actor: { id: params.owner.id, label: params.owner.email },
      action: "organisation.create",
      target: { type: "organisation", id: org.id },
      after: { name: org.name, slug: org.slug },
    });
    return org;
  });
}
