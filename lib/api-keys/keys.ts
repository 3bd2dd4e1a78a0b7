import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { sql as client, type DbOrTx } from "@/db/client";
import { apiKeys, type Mode } from "@/db/schema";
import { requireLiveAccess } from "@/lib/compliance/kyb";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { type KeyCache, keyCache } from "./key-cache";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 40;
/** `sk_test_` / `sk_live_` then 40 base62 characters (~238 bits). */
export const API_KEY_PATTERN = /^sk_(test|live)_[0-9A-Za-z]{40}$/;

/** Rejection sampling keeps every character uniformly likely (256 is not a multiple of 62). */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Creates a key and returns its secret: the only time the secret exists outside the caller. */
export async function createApiKey(
  db: DbOrTx,
  params: { organisationId: string; mode: Mode; name: string; createdBy?: string },
): Promise<{ apiKey: ApiKeyRow; secret: string }> {
  if (params.mode === "live") {
    await requireLiveAccess(db, params.organisationId, "Creating a live API key");
  }
  const secret = `sk_${params.mode}_${randomBase62(SECRET_LENGTH)}`;
  const [apiKey] = await db
    .insert(apiKeys)
    .values({
      id: newId("apiKey"),
      organisationId: params.organisationId,
      mode: params.mode,
      name: params.name,
      prefix: `${secret.slice(0, `sk_${params.mode}_`.length + 4)}…`,
      hash: hashApiKey(secret),
      createdBy: params.createdBy ?? null,
    })
    .returning();
  return { apiKey: apiKey as ApiKeyRow, secret };
}

export async function listApiKeys(
  db: DbOrTx,
  scope: { organisationId: string; mode?: Mode },
): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.organisationId, scope.organisationId),
        scope.mode ? eq(apiKeys.mode, scope.mode) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt));
}

/**
 * Revocation takes effect on this instance's next request, and on other instances as soon
 * as the change notification reaches them (lib/api-keys/key-cache.ts).
 */
export async function revokeApiKey(
  db: DbOrTx,
  scope: { organisationId: string },
  id: string,
): Promise<ApiKeyRow> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(apiKeys.organisationId, scope.organisationId),
        eq(apiKeys.id, id),
        isNull(apiKeys.revokedAt),
      ),
    )
    .returning();
  if (row) {
    authenticatedKeys().forget(row.hash);
    return row;
  }
  const [existing] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.organisationId, scope.organisationId), eq(apiKeys.id, id)));
  if (!existing) throw new AppError("not_found", `No such API key: ${id}`);
  return existing;
}

/** Last-used times are for humans; minute precision spares a write on every request. */
const LAST_USED_PRECISION_MS = 60_000;

export type AuthenticatedKey = { id: string; organisationId: string; mode: Mode };

type Authenticated = { key: AuthenticatedKey; lastUsedAt: number | null };

/** One cache per database handle: a handle closed and opened again starts a fresh listener. */
const caches = new WeakMap<ReturnType<typeof client>, KeyCache<Authenticated>>();

function authenticatedKeys(): KeyCache<Authenticated> {
  const connection = client();
  let cache = caches.get(connection);
  if (!cache) {
    cache = keyCache<Authenticated>({
      listen: async (channel, onNotify, onListen) => connection.listen(channel, onNotify, onListen),
      ttlMs: 60_000,
      maxEntries: 10_000,
    });
    caches.set(connection, cache);
  }
  return cache;
}

/**
 * Resolves a presented secret to its organisation and mode. Every failure is the same
 * 401 apart from the detail, so a caller cannot probe which keys exist.
 */
export async function authenticateApiKey(db: DbOrTx, secret: string): Promise<AuthenticatedKey> {
  if (!API_KEY_PATTERN.test(secret)) {
    throw new AppError(
      "unauthenticated",
      "The API key is malformed. Keys look like sk_test_… or sk_live_… followed by 40 letters and digits.",
    );
  }
  const hash = hashApiKey(secret);
  const authenticated = authenticatedKeys();
  const cached = authenticated.get(hash);
  if (cached) {
    await touch(db, cached);
    return cached.key;
  }
  const generation = authenticated.generation();
  const [row] = await db
    .select({
      id: apiKeys.id,
      organisationId: apiKeys.organisationId,
      mode: apiKeys.mode,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.hash, hash));
  if (!row) throw new AppError("unauthenticated", "The API key is not recognised.");
  if (row.revokedAt) throw new AppError("unauthenticated", "The API key has been revoked.");

  const found: Authenticated = {
    key: { id: row.id, organisationId: row.organisationId, mode: row.mode },
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
  };
  await touch(db, found);
  authenticated.set(hash, found, generation);
  return found.key;
}

async function touch(db: DbOrTx, key: Authenticated): Promise<void> {
  const now = Date.now();
  if (key.lastUsedAt !== null && now - key.lastUsedAt < LAST_USED_PRECISION_MS) return;
  key.lastUsedAt = now;
  const stale = new Date(now - LAST_USED_PRECISION_MS);
  await db
    .update(apiKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(
      and(
        eq(apiKeys.id, key.key.id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale)),
      ),
    );
}
