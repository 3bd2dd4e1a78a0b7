import { z } from "zod";
import { databaseConfigShape, flag } from "@/db/config";
import { isTrustedProxyEntry } from "@/lib/http/client-ip";

/**
 * Every environment variable the app reads, in one place. The README's
 * configuration table mirrors this schema.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ...databaseConfigShape,
  DATA_DIR: z.string().min(1).default(".data"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The function worker's port on 127.0.0.1 (only with the local engine); a free one when unset. */
  WORKER_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  APP_URL: z.url({ error: "an absolute http(s) URL such as http://localhost:3000" }).optional(),
  AUTH_SECRET: z.string().min(32, "at least 32 characters of random data").optional(),
  /**
   * Keys that seal tax ids (TINs) at rest: `id:base64key,…`, 32 bytes each, the current
   * key first; older ones only open what they sealed (lib/tax/tin-vault.ts).
   */
  TAX_ID_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=_-]{40,}(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=_-]{40,})*$/,
      {
        error: "id:base64key pairs separated by commas, the current key first",
      },
    )
    .optional(),
  DEV_MAILBOX: flag.default(false),
  /**
   * Seed the demo organisation (admin login, test key, claim links) into an empty
   * database. Unset: only on the embedded PostgreSQL of a local machine, never into a
   * database named by DATABASE_URL, such as production's.
   */
  SEED_DEMO: flag.optional(),
  SMTP_URL: z.url({ error: "an smtp:// or smtps:// URL" }).optional(),
  MAIL_FROM: z.string().min(3).default("Disburse <no-reply@disburse.local>"),
  INNGEST_BASE_URL: z.url().optional(),
  INNGEST_DEV: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z
    .string()
    .regex(/^signkey-(test|prod|branch)-[0-9a-f]+$/, "an Inngest signing key (signkey-…-<hex>)")
    .optional(),
  /** OAuth sign-in is offered only for providers whose id and secret are both set. */
  AUTH_GITHUB_ID: z.string().min(1).optional(),
  AUTH_GITHUB_SECRET: z.string().min(1).optional(),
  AUTH_GOOGLE_ID: z.string().min(1).optional(),
  AUTH_GOOGLE_SECRET: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Requests per window per API key, also the burst a key may send at once. */
  API_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(100),
  API_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(1),
  /**
   * Days a finished webhook delivery and its attempts (with each request and response)
   * are kept; the hourly `purge-webhook-logs` deletes older ones.
   */
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(7).max(3_650).default(30),
  /**
   * Reverse proxies whose X-Forwarded-For is believed, comma-separated. None by default:
   * the socket peer is the client, whatever a request claims.
   */
  TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine(isTrustedProxyEntry, {
          error: "IP addresses or CIDR ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal",
        }),
      ),
    )
    .default([]),
  /**
   * Where the live providers' APIs are, for a deployment that reaches them through a
   * gateway (or a recorded double); each provider's own origin when unset. Deployment
   * settings, never an organisation's: an admin cannot send keys elsewhere.
   */
  STRIPE_API_BASE: z.url().optional(),
  PAYPAL_API_BASE: z.url().optional(),
  TREMENDOUS_API_BASE: z.url().optional(),
  /**
   * Where the daily sanctions list fetch downloads from: a generic-layout CSV, or a
   * directory URL holding OFAC's sdn.csv, alt.csv and add.csv. Unset: no daily fetch;
   * lists are loaded with `npm run compliance:load` or the operators' upload.
   */
  SANCTIONS_LIST_URL: z.url({ error: "an http(s) URL of a list file or folder" }).optional(),
  /** Platform operators (comma-separated emails): they load lists and decide KYB. */
  OPERATOR_EMAILS: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .default([]),
  /**
   * Key of the payout destinations' fingerprints (HMAC-SHA-256), at least 32 characters;
   * unset, one is derived from AUTH_SECRET. Changing it makes earlier fingerprints
   * unmatchable, so shared destinations are only found among later claims.
   */
  DESTINATION_FINGERPRINT_KEY: z
    .string()
    .min(32, "at least 32 characters of random data")
    .optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join(".")}: expected ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= parseConfig();
  return cached;
}

export function appUrl(): string {
  const c = config();
  return (c.APP_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, "");
}
