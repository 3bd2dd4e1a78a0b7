import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { type ProviderId, providerRoutes } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { AppError, parseInput } from "@/lib/errors";
import { getMethod } from "@/lib/methods/catalog";
import { type MethodId, methodIdSchema } from "@/lib/methods/types";
import { providerIdSchema, providerNames } from "./credentials";

/**
 * Which providers can pay each method at all. Tremendous pays PayPal and Venmo as
 * reward products, which makes it a failover for them; bank methods need the
 * recipient's Stripe account, so only Stripe pays them.
 */
export const providerCapabilities: Record<ProviderId, readonly MethodId[]> = {
  stripe: ["us_ach", "sepa", "uk_faster_payments"],
  paypal: ["paypal", "venmo"],
  tremendous: ["gift_card", "prepaid_visa", "charity", "paypal", "venmo"],
};

export function providersFor(method: MethodId): ProviderId[] {
  return (Object.keys(providerCapabilities) as ProviderId[]).filter((p) =>
    providerCapabilities[p].includes(method),
  );
}

/** The catalog's provider alone: the route of a method the organisation has not configured. */
export function defaultRoute(method: MethodId): ProviderId[] {
  const provider = getMethod(method).provider;
  return provider === "sandbox-only" ? [] : [provider];
}

/** The ordered providers that pay `method` for this organisation (configuration as data). */
export async function routeFor(db: DbOrTx, scope: Scope, method: MethodId): Promise<ProviderId[]> {
  const [row] = await db
    .select({ providers: providerRoutes.providers })
    .from(providerRoutes)
    .where(and(tenantWhere(providerRoutes, scope), eq(providerRoutes.method, method)));
  return row?.providers ?? defaultRoute(method);
}

export async function listRoutes(db: DbOrTx, scope: Scope) {
  const rows = await db
    .select({ method: providerRoutes.method, providers: providerRoutes.providers })
    .from(providerRoutes)
    .where(tenantWhere(providerRoutes, scope));
  return new Map(rows.map((r) => [r.method, r.providers]));
}

const routeInputSchema = z.object({
  method: methodIdSchema,
  providers: z.array(providerIdSchema).min(1, "at least one provider").max(3),
});

/** Sets the order in which a method's providers are tried; each must be able to pay it. */
export async function setRoute(
  db: DbOrTx,
  member: ActingMember,
  input: { method: unknown; providers: unknown },
): Promise<ProviderId[]> {
  const { method, providers } = parseInput(routeInputSchema, input, "route");
  const unique = [...new Set(providers)];
  const unable = unique.filter((p) => !providerCapabilities[p].includes(method));
  if (unable.length > 0) {
    throw new AppError(
      "validation_failed",
      `${unable.map((p) => providerNames[p]).join(" and ")} cannot pay ${getMethod(method).name}.`,
      {
        fieldErrors: [{ path: "providers", message: `one of ${providersFor(method).join(", ")}` }],
      },
    );
  }
  await inTransaction(db, async (tx) => {
    const where = and(tenantWhere(providerRoutes, member.scope), eq(providerRoutes.method, method));
    const [before] = await tx.select().from(providerRoutes).where(where).for("update");
    await tx
      .insert(providerRoutes)
      .values({ ...member.scope, method, providers: unique })
      .onConflictDoUpdate({
        target: [providerRoutes.organisationId, providerRoutes.mode, providerRoutes.method],
        set: { providers: unique, updatedAt: new Date() },
      });
    await recordMemberAudit(tx, member, {
      action: "provider.route_set",
      target: { type: "method", id: method },
      before: { providers: before?.providers ?? defaultRoute(method) },
      after: { providers: unique },
    });
  });
  return unique;
}
