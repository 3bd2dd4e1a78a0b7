import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, db } from "@/db/client";
import { events, organisations, payouts, recipients } from "@/db/schema";
import { parseOrThrow } from "@/lib/api/validation";
import { createBatch, createBatchBodySchema } from "@/lib/batches/create-batch";
import { approveBatch, cancelBatch, completeBatch } from "@/lib/batches/lifecycle";
import { isAppError } from "@/lib/errors";
import { verifyLedger } from "@/lib/ledger";
import { batchProgress } from "@/lib/payouts/queries";
import { balanceOf, fund, insertOrganisation, rowCounts } from "./fixtures";

const item = (i: number, overrides: Record<string, unknown> = {}) => ({
  recipient: { email: `r${i}@example.com`, country: "US", external_id: `ext-${i}` },
  amount: 100 + i,
  ...overrides,
});

const batchBody = (items: unknown[], overrides: Record<string, unknown> = {}) => ({
  name: "March creators",
  currency: "USD",
  message: "Thanks for a great month",
  allowed_methods: ["paypal", "us_ach"],
  expires_in_days: 14,
  items,
  ...overrides,
});

describe("createBatch", () => {
  it("creates the batch, its pending payouts, one reservation and all events together", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const items = [item(0), item(1), item(2, { description: "bonus", metadata: { k: "v" } })];

    const { batch, payoutIds } = await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(batchBody(items)),
      { actor: "user:usr_maker" },
    );

    expect(batch).toMatchObject({
      status: "processing",
      itemCount: 3,
      totalAmount: 303n,
      linkExpiryDays: 14,
      allowedMethods: ["paypal", "us_ach"],
    });
    expect(payoutIds).toHaveLength(3);
    const rows = await db.select().from(payouts).where(eq(payouts.batchId, batch.id));
    expect(rows.map((r) => [r.status, r.amount]).sort()).toEqual([
      ["pending", 100n],
      ["pending", 101n],
      ["pending", 102n],
    ]);
    expect(await balanceOf(db, scope)).toMatchObject({ available: 9_697n, reserved: 303n });
    const [{ transactions } = { transactions: 0 }] = await db.execute<{ transactions: number }>(sql`
      select count(distinct transaction_id)::int as transactions from ledger_transfers
      where organisation_id = ${scope.organisationId} and payout_id is not null`);
    expect(transactions).toBe(1);

    const outbox = await db
      .select()
      .from(events)
      .where(eq(events.organisationId, scope.organisationId));
    expect(outbox.map((e) => e.type).sort()).toEqual([
      "batch.created",
      "payout.created",
      "payout.created",
      "payout.created",
    ]);
    expect(await batchProgress(db, scope, batch.id)).toMatchObject({ pending: 3, claimable: 0 });
  });

  it("reports every bad item by index and writes nothing", async () => {
    const items = Array.from({ length: 10 }, (_, i) => item(i));
    items[3] = item(3, { amount: -5 });
    items[7] = item(7, { recipient: { email: "x@example.com", country: "ZZ" } });
    items[9] = item(9, { recipient: { email: "not-an-email", country: "US" } });

    const error = (() => {
      try {
        parseOrThrow(createBatchBodySchema, batchBody(items), "body");
      } catch (e) {
        return e;
      }
    })();

    expect(isAppError(error, "validation_failed")).toBe(true);
    expect((error as { fieldErrors: { path: string }[] }).fieldErrors.map((e) => e.path)).toEqual([
      "items.3.amount",
      "items.7.recipient.country",
      "items.9.recipient.email",
    ]);
  });

  it("refuses a batch the balance cannot cover and leaves nothing behind", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 200n);
    const before = await rowCounts(db, scope.organisationId);
    const refused = await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(batchBody([item(0), item(1)])),
    ).catch((e) => e);
    expect(isAppError(refused, "insufficient_funds")).toBe(true);
    expect(await rowCounts(db, scope.organisationId)).toEqual(before);
    expect(await balanceOf(db, scope)).toMatchObject({ available: 200n, reserved: 0n });
  });

  it("gives items with the same external_id one recipient", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const { payoutIds } = await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(batchBody([item(1), item(2), item(1, { amount: 999 })])),
    );
    expect(payoutIds).toHaveLength(3);
    const people = await db
      .select()
      .from(recipients)
      .where(eq(recipients.organisationId, scope.organisationId));
    expect(people).toHaveLength(2);
  });

  it("creates a 10,000-item batch in a few dozen statements, all in one transaction", async () => {
    let statements = 0;
    const counted = createDb(process.env.DATABASE_URL as string, {
      max: 1,
      debug: () => {
        statements++;
      },
    });
    try {
      const { scope } = await insertOrganisation(db);
      await fund(db, scope, 100_000_000n);
      const items = Array.from({ length: 10_000 }, (_, i) =>
        item(i, {
          recipient: {
            email: `r${i}@example.com`,
            country: "US",
            ...(i % 2 ? { external_id: `e${i}` } : {}),
          },
        }),
      );
      const body = createBatchBodySchema.parse(batchBody(items));

      const started = performance.now();
      const { batch } = await createBatch(counted.db, scope, body);
      const elapsed = performance.now() - started;

      console.info(`10,000-item batch: ${statements} statements, ${Math.round(elapsed)} ms`);
      // Per-row round trips would be tens of thousands of statements; bulk writes are a
      // handful per table. The time bound is loose because test machines are shared;
      // on an idle machine this takes well under 5 s.
      expect(statements).toBeLessThan(40);
      expect(elapsed).toBeLessThan(30_000);
      expect(await batchProgress(db, scope, batch.id)).toMatchObject({ pending: 10_000 });
      const total = items.reduce((sum, it) => sum + BigInt(it.amount as number), 0n);
      expect(await balanceOf(db, scope)).toMatchObject({ reserved: total });
      const counts = await rowCounts(db, scope.organisationId);
      expect(counts).toMatchObject({ events: 10_001, transitions: 10_000, recipients: 10_000 });
      expect((await verifyLedger(db)).problems).toEqual([]);
    } finally {
      await counted.sql.end({ timeout: 5 });
    }
  }, 90_000);
});

describe("batch lifecycle", () => {
  it("holds a campaign over the approval threshold for a second member (maker-checker)", async () => {
    const { scope, organisationId } = await insertOrganisation(db);
    await db
      .update(organisations)
      .set({ approvalThresholds: { USD: "150" } })
      .where(eq(organisations.id, organisationId));
    await fund(db, scope, 10_000n);
    const small = await createBatch(db, scope, createBatchBodySchema.parse(batchBody([item(0)])), {
      actor: "user:usr_maker",
    });
    expect(small.batch.status).toBe("processing");

    const { batch } = await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(batchBody([item(1), item(2)])),
      { actor: "user:usr_maker" },
    );
    expect(batch.status).toBe("awaiting_approval");

    const selfApproval = await approveBatch(db, scope, {
      batchId: batch.id,
      approverId: "user:usr_maker",
    }).catch((e) => e);
    expect(isAppError(selfApproval, "forbidden")).toBe(true);

    const other = await insertOrganisation(db);
    const foreign = await approveBatch(db, other.scope, {
      batchId: batch.id,
      approverId: "user:usr_checker",
    }).catch((e) => e);
    expect(isAppError(foreign, "not_found")).toBe(true);

    const approved = await approveBatch(db, scope, {
      batchId: batch.id,
      approverId: "user:usr_checker",
    });
    expect(approved).toMatchObject({ status: "processing", approvedBy: "user:usr_checker" });
    const again = await approveBatch(db, scope, {
      batchId: batch.id,
      approverId: "user:usr_checker",
    }).catch((e) => e);
    expect(isAppError(again, "invalid_state_transition")).toBe(true);
  });

  it("completes once, and cancels a campaign by releasing every reserved payout", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const done = await createBatch(db, scope, createBatchBodySchema.parse(batchBody([item(0)])));
    expect(await completeBatch(db, scope, done.batch.id)).toMatchObject({ status: "completed" });
    expect(await completeBatch(db, scope, done.batch.id)).toBeNull();
    const completed = await db.select().from(events).where(eq(events.type, "batch.completed"));
    expect(completed.filter((e) => e.organisationId === scope.organisationId)).toHaveLength(1);

    const { batch } = await createBatch(
      db,
      scope,
      createBatchBodySchema.parse(batchBody([item(1), item(2)])),
    );
    const { canceledPayouts } = await cancelBatch(db, scope, { batchId: batch.id });
    expect(canceledPayouts).toBe(2);
    expect(await batchProgress(db, scope, batch.id)).toMatchObject({ canceled: 2, pending: 0 });
    expect(await balanceOf(db, scope)).toMatchObject({ available: 9_900n, reserved: 100n });
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});
