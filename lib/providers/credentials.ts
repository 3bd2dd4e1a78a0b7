import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { type ProviderId, providerCredentials, providerIdEnum } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { open, seal } from "@/lib/crypto/secret-box";
import { AppError, parseInput } from "@/lib/errors";
import { createPaypalProvider, paypalCredentialsSchema } from "./paypal";
import { createStripeProvider, type StripeProvider, stripeCredentialsSchema } from "./stripe";
import { createTremendousProvider, tremendousCredentialsSchema } from "./tremendous";
import type { LivePayoutProvider } from "./types";

export const providerIds = providerIdEnum.enumValues;
export const providerIdSchema = z.enum(providerIds, { error: "stripe, paypal or tremendous" });

export const providerNames: Record<ProviderId, string> = {
  stripe: "Stripe",
  paypal: "PayPal",
  tremendous: "Tremendous",
};

/** Non-secret settings an organisation chooses per provider. */
const settingsSchemas = {
  stripe: z.object({}),
  paypal: z.object({ environment: z.enum(["live", "sandbox"]).default("live") }),
  tremendous: z.object({
    environment: z.enum(["production", "testflight"]).default("production"),
    fundingSourceId: z.string().trim().min(1).default("balance"),
    /** `method` or `method:brand` → Tremendous product id. */
    products: z.record(z.string(), z.string().trim().min(1)).default({}),
  }),
} as const;

const credentialSchemas = {
  stripe: stripeCredentialsSchema,
  paypal: paypalCredentialsSchema,
  tremendous: tremendousCredentialsSchema,
} as const;

/** Which secret field the dashboard may hint at (its last four characters). */
const hintField: Record<ProviderId, string> = {
  stripe: "secretKey",
  paypal: "clientId",
  tremendous: "apiKey",
};

type Stored = { credentials: Record<string, string>; settings: Record<string, unknown> };

/** The adapter for stored credentials; the API origin is the deployment's, never the organisation's. */
export function buildProvider(provider: ProviderId, stored: Stored): LivePayoutProvider {
  const c = config();
  switch (provider) {
    case "stripe":
      return createStripeProvider(stripeCredentialsSchema.parse(stored.credentials), {
        apiBaseUrl: c.STRIPE_API_BASE,
      });
    case "paypal":
      return createPaypalProvider(paypalCredentialsSchema.parse(stored.credentials), {
        ...settingsSchemas.paypal.parse(stored.settings),
        apiBaseUrl: c.PAYPAL_API_BASE,
      });
    case "tremendous":
      return createTremendousProvider(tremendousCredentialsSchema.parse(stored.credentials), {
        ...settingsSchemas.tremendous.parse(stored.settings),
        apiBaseUrl: c.TREMENDOUS_API_BASE,
      });
  }
}

function sealContext(scope: Scope, provider: ProviderId): string {
  return `provider-credentials:${scope.organisationId}:${scope.mode}:${provider}`;
}

/**
 * Stores a provider's credentials after one cheap authenticated read proves them
 * (Stripe's balance, PayPal's OAuth token, Tremendous's funding sources). The secrets
 * are sealed; the audit log, errors and logs only ever name the provider and a hint.
 */
export async function saveProviderCredentials(
  db: DbOrTx,
  member: ActingMember,
  input: { provider: unknown; credentials: unknown; settings?: unknown },
): Promise<{ provider: ProviderId; hint: string }> {
  const provider = parseInput(providerIdSchema, input.provider, "provider");
  const credentials = parseInput(
    credentialSchemas[provider],
    input.credentials,
    `${providerNames[provider]} credentials`,
  ) as Record<string, string>;
  const settings = parseInput(
    settingsSchemas[provider],
    input.settings ?? {},
    `${providerNames[provider]} settings`,
  ) as Record<string, unknown>;
  try {
    await buildProvider(provider, { credentials, settings }).verifyCredentials();
  } catch (error) {
    throw new AppError(
      "validation_failed",
      `${providerNames[provider]} did not accept these credentials. Check them and try again.`,
      { meta: { provider, cause: (error as Error).name } },
    );
  }
  const hint = `…${String(credentials[hintField[provider]] ?? "").slice(-4)}`;
  const now = new Date();
  await inTransaction(db, async (tx) => {
    const values = {
      ...member.scope,
      provider,
      sealed: seal(JSON.stringify(credentials), sealContext(member.scope, provider)),
      settings: settings as Record<string, string>,
      hint,
      validatedAt: now,
      updatedAt: now,
    };
    await tx
      .insert(providerCredentials)
      .values(values)
      .onConflictDoUpdate({
        target: [
          providerCredentials.organisationId,
          providerCredentials.mode,
          providerCredentials.provider,
        ],
        set: values,
      });
    await recordMemberAudit(tx, member, {
      action: "provider.credentials_saved",
      target: { type: "provider", id: provider },
      after: { provider, hint },
    });
  });
  return { provider, hint };
}

export async function removeProviderCredentials(
  db: DbOrTx,
  member: ActingMember,
  provider: unknown,
): Promise<void> {
  const id = parseInput(providerIdSchema, provider, "provider");
  await inTransaction(db, async (tx) => {
    await tx
      .delete(providerCredentials)
      .where(
        and(tenantWhere(providerCredentials, member.scope), eq(providerCredentials.provider, id)),
      );
    await recordMemberAudit(tx, member, {
      action: "provider.credentials_removed",
      target: { type: "provider", id },
    });
  });
}

/** What the dashboard shows of each connected provider: never a secret. */
export async function listConnectedProviders(db: DbOrTx, scope: Scope) {
  return db
    .select({
      provider: providerCredentials.provider,
      hint: providerCredentials.hint,
      settings: providerCredentials.settings,
      validatedAt: providerCredentials.validatedAt,
    })
    .from(providerCredentials)
    .where(tenantWhere(providerCredentials, scope));
}

/** Adapters are rebuilt when their row changes, and otherwise reused across calls. */
const built = new Map<string, { at: number; provider: LivePayoutProvider }>();

/** The live adapters this organisation has credentials for, in this mode. */
export async function loadLiveProviders(
  db: DbOrTx,
  scope: Scope,
): Promise<Partial<Record<ProviderId, LivePayoutProvider>>> {
  const rows = await db
    .select()
    .from(providerCredentials)
    .where(tenantWhere(providerCredentials, scope));
  const adapters: Partial<Record<ProviderId, LivePayoutProvider>> = {};
  for (const row of rows) {
    const key = `${scope.organisationId}:${scope.mode}:${row.provider}`;
    const cached = built.get(key);
    if (cached && cached.at === row.updatedAt.getTime()) {
      adapters[row.provider] = cached.provider;
      continue;
    }
    const credentials = JSON.parse(open(row.sealed, sealContext(scope, row.provider))) as Record<
      string,
      string
    >;
    const provider = buildProvider(row.provider, { credentials, settings: row.settings });
    built.set(key, { at: row.updatedAt.getTime(), provider });
    adapters[row.provider] = provider;
  }
  return adapters;
}

/** The Stripe adapter with its Connect onboarding calls, for the claim page's hosted onboarding. */
export async function loadStripe(db: DbOrTx, scope: Scope): Promise<StripeProvider | null> {
  return ((await loadLiveProviders(db, scope)).stripe as StripeProvider | undefined) ?? null;
}
