import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter } from "next-auth/adapters";
import { createDb } from "@/db/client";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { config } from "@/lib/config";
import { newId } from "@/lib/ids";

let adapter: Adapter | undefined;

/**
 * The Auth.js drizzle adapter on our auth tables. It gets a small pool of its own: the
 * adapter needs a real drizzle instance, while the shared `db` is a lazy proxy that
 * only opens its pool on first use (so `next build` never needs a database).
 */
export function authAdapter(): Adapter {
  if (adapter) return adapter;
  const url = config().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set; start the app with `npm run dev`");
  const base = DrizzleAdapter(createDb(url, { max: 4 }).db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  });
  adapter = {
    ...base,
    // Our ids are type-prefixed everywhere, users included.
    createUser: (user) =>
      (base.createUser as NonNullable<Adapter["createUser"]>)({ ...user, id: newId("user") }),
  };
  return adapter;
}
