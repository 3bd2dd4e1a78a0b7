import { and, desc, eq, gte, ilike, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { batches, type PayoutStatus, payouts, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { payoutStatusSchema } from "@/lib/payouts/serialize";

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** The payouts page's query string: every filter optional, bad values refused by name. */
export const payoutSearchSchema = z.object({
  q: optional(z.string().trim().max(254)),
  status: optional(payoutStatusSchema),
  batch: optional(z.string().max(64)),
  country: optional(
    z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, "a two-letter country code"),
  ),
  method: optional(z.string().regex(/^[a-z0-9_]{1,50}$/, "a method id")),
  from: optional(z.iso.date("a date (YYYY-MM-DD)")),
  to: optional(z.iso.date("a date (YYYY-MM-DD)")),
  after: optional(z.string().max(64)),
});
export type PayoutSearch = z.output<typeof payoutSearchSchema>;

export type PayoutListRow = {
  id: string;
  status: PayoutStatus;
  amount: bigint;
  currency: string;
  method: string | null;
  createdAt: Date;
  recipient: {
    id: string;
    email: string;
    name: string | null;
    externalId: string | null;
    country: string;
  };
  batch: { id: string; name: string } | null;
};

/**
 * One search box for "where is my money?": a payout id, an email, an external id or a
 * part of a name all find the payout. Exact matches use indexes; the name match is a
 * substring match within the organisation's own recipients.
 */
function searchCondition(q: string): SQL | undefined {
  const escaped = q.replace(/[%_\\]/g, "\\$&");
  return or(
    eq(payouts.id, q),
    eq(sql`lower(${recipients.email})`, q.toLowerCase()),
    eq(recipients.externalId, q),
    eq(recipients.id, q),
    ilike(recipients.name, `%${escaped}%`),
    q.includes("@") ? undefined : ilike(recipients.email, `${escaped}%@%`),
  );
}

export async function searchPayouts(
  db: DbOrTx,
  scope: Scope,
  filters: PayoutSearch,
  limit = 50,
): Promise<{ data: PayoutListRow[]; hasMore: boolean }> {
  const conditions: (SQL | undefined)[] = [tenantWhere(payouts, scope)];
  if (filters.q) conditions.push(searchCondition(filters.q));
  if (filters.status) conditions.push(eq(payouts.status, filters.status));
  if (filters.batch) conditions.push(eq(payouts.batchId, filters.batch));
  if (filters.country) conditions.push(eq(recipients.country, filters.country));
  if (filters.method) conditions.push(eq(payouts.method, filters.method));
  if (filters.from) conditions.push(gte(payouts.createdAt, new Date(`${filters.from}T00:00:00Z`)));
  if (filters.to) {
    conditions.push(lte(payouts.createdAt, new Date(`${filters.to}T23:59:59.999Z`)));
  }
  if (filters.after) conditions.push(lt(payouts.id, filters.after));
  const rows = await db
    .select({
      id: payouts.id,
      status: payouts.status,
      amount: payouts.amount,
      currency: payouts.currency,
      method: payouts.method,
      createdAt: payouts.createdAt,
      recipient: {
        id: recipients.id,
        email: recipients.email,
        name: recipients.name,
        externalId: recipients.externalId,
        country: recipients.country,
      },
      batchId: batches.id,
      batchName: batches.name,
    })
    .from(payouts)
    .innerJoin(recipients, eq(recipients.id, payouts.recipientId))
    .leftJoin(batches, eq(batches.id, payouts.batchId))
    .where(and(...conditions))
    .orderBy(desc(payouts.id))
    .limit(limit + 1);
  return {
    data: rows.slice(0, limit).map(({ batchId, batchName, ...r }) => ({
      ...r,
      batch: batchId ? { id: batchId, name: batchName ?? "" } : null,
    })),
    hasMore: rows.length > limit,
  };
}

/** The campaigns and methods that appear in the organisation's payouts, for the filter menus. */
export async function payoutFilterOptions(db: DbOrTx, scope: Scope) {
  const [campaigns, methods] = await Promise.all([
    db
      .select({ id: batches.id, name: batches.name })
      .from(batches)
      .where(and(tenantWhere(batches, scope)))
      .orderBy(desc(batches.id))
      .limit(200),
    db
      .selectDistinct({ method: payouts.method })
      .from(payouts)
      .where(and(tenantWhere(payouts, scope), sql`${payouts.method} is not null`)),
  ]);
  return { campaigns, methods: methods.map((m) => m.method as string).sort() };
}
