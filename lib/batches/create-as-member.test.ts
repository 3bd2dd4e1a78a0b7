import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, batches, payouts } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { deposit, getBalances } from "@/lib/ledger";
import { addMember, organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import {
  approveBatchAsMember,
  cancelBatchAsMember,
  getApprovalThresholds,
  setApprovalThreshold,
} from "./approval";
import { createBatchAsMember, parseBatchSettings } from "./create-as-member";
import { fanOutProgress, reconcileBatch } from "./progress";
import { validateBatchCsv } from "./validate-csv";

async function fundedOrganisation(amount = 1_000_000n) {
  const { org, owner } = await organisationWithOwner(db);
  const ctx = await ownerContext(db, owner.id, org.id);
  await deposit(db, ctx.scope, { currency: "USD", amount, idempotencyKey: `test-fund-${org.id}` });
  return { org, owner, ctx };
}

const csv = [
  "email,name,country,amount,external_id",
  "ana@example.com,Ana,BR,10.00,c-1",
  "ben@example.com,Ben,US,20.50,c-2",
  "chi@example.com,Chi,KE,5,c-3",
].join("\n");

const settings = parseBatchSettings({
  name: "October bonuses",
  currency: "USD",
  expiresInDays: "14",
});

describe("createBatchAsMember", () => {
  it("creates the batch and its payouts, reserves the total and audits the creation", async () => {
    const { org, owner, ctx } = await fundedOrganisation();
    const { items } = await validateBatchCsv(csv, { currency: "USD" });
    const { batch, payoutIds } = await createBatchAsMember(db, ctx, settings, items);
    expect(batch).toMatchObject({
      status: "processing",
      itemCount: 3,
      totalAmount: 3_550n,
      linkExpiryDays: 14,
    });
    expect(payoutIds).toHaveLength(3);
    const [usd] = await getBalances(db, ctx.scope);
    expect(usd).toMatchObject({ available: 1_000_000n - 3_550n, reserved: 3_550n });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "campaign.create"));
    expect(entry).toMatchObject({ organisationId: org.id, actorId: owner.id, targetId: batch.id });
    expect(entry?.after).toMatchObject({ totalAmount: "3550", itemCount: 3 });

    const progress = await fanOutProgress(db, ctx.scope, batch.id);
    expect(progress).toMatchObject({ total: 3, fannedOut: 0, percent: 0 });
    const books = await reconcileBatch(db, ctx.scope, batch);
    expect(books.balanced).toBe(true);
    expect(books.lines.find((l) => l.account === "reserved")).toEqual({
      account: "reserved",
      expected: 3_550n,
      ledger: 3_550n,
    });
  });

  it("writes nothing when the balance cannot cover the campaign", async () => {
    const { ctx } = await fundedOrganisation(1_000n);
    const { items } = await validateBatchCsv(csv, { currency: "USD" });
    const error = await createBatchAsMember(db, ctx, settings, items).catch((e) => e);
    expect(isAppError(error, "insufficient_funds")).toBe(true);
    expect(
      await db.select().from(batches).where(eq(batches.organisationId, ctx.scope.organisationId)),
    ).toHaveLength(0);
    const audits = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.organisationId, ctx.scope.organisationId));
    expect(audits.map((a) => a.action)).toEqual(["organisation.create"]);
  });

  it("refuses bad settings with the field that is wrong", () => {
    const error = (() => {
      try {
        return parseBatchSettings({ name: "", currency: "XXX", expiresInDays: 0 });
      } catch (e) {
        return e;
      }
    })() as { code: string; fieldErrors: { path: string }[] };
    expect(error.code).toBe("validation_failed");
    expect(error.fieldErrors.map((f) => f.path).sort()).toEqual([
      "currency",
      "expiresInDays",
      "name",
    ]);
  });
});

describe("maker–checker approval", () => {
  it("holds a campaign over the threshold until another member approves it", async () => {
    const { org, owner, ctx } = await fundedOrganisation();
    await setApprovalThreshold(db, ctx, { currency: "USD", amount: 3_000n });
    expect(await getApprovalThresholds(db, org.id)).toEqual({ USD: 3_000n });
    const { items } = await validateBatchCsv(csv, { currency: "USD" });
    const { batch } = await createBatchAsMember(db, ctx, settings, items);
    expect(batch.status).toBe("awaiting_approval");

    const selfApproval = await approveBatchAsMember(db, ctx, batch.id).catch((e) => e);
    expect(isAppError(selfApproval, "forbidden")).toBe(true);

    const finance = await addMember(db, org.id, "finance");
    const checker = await ownerContext(db, finance.id, org.id);
    const approved = await approveBatchAsMember(db, checker, batch.id);
    expect(approved).toMatchObject({
      status: "processing",
      approvedBy: `user:${finance.id}`,
      createdBy: `user:${owner.id}`,
    });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, "campaign.approve"));
    expect(entry).toMatchObject({ actorId: finance.id, targetId: batch.id });

    const twice = await approveBatchAsMember(db, checker, batch.id).catch((e) => e);
    expect(isAppError(twice, "invalid_state_transition")).toBe(true);
  });

  it("refuses another organisation's campaign", async () => {
    const mine = await fundedOrganisation();
    const theirs = await fundedOrganisation();
    await setApprovalThreshold(db, theirs.ctx, { currency: "USD", amount: 1n });
    const { items } = await validateBatchCsv(csv, { currency: "USD" });
    const { batch } = await createBatchAsMember(db, theirs.ctx, settings, items);
    const error = await approveBatchAsMember(db, mine.ctx, batch.id).catch((e) => e);
    expect(isAppError(error, "not_found")).toBe(true);
    const cancel = await cancelBatchAsMember(db, mine.ctx, batch.id).catch((e) => e);
    expect(isAppError(cancel, "not_found")).toBe(true);
    const [row] = await db.select().from(batches).where(eq(batches.id, batch.id));
    expect(row?.status).toBe("awaiting_approval");
  });

  it("rejecting a held campaign releases its funds and the books still reconcile", async () => {
    const { ctx } = await fundedOrganisation();
    await setApprovalThreshold(db, ctx, { currency: "USD", amount: 0n });
    const { items } = await validateBatchCsv(csv, { currency: "USD" });
    const { batch } = await createBatchAsMember(db, ctx, settings, items);
    const { canceledPayouts } = await cancelBatchAsMember(db, ctx, batch.id);
    expect(canceledPayouts).toBe(3);
    const [usd] = await getBalances(db, ctx.scope);
    expect(usd).toMatchObject({ available: 1_000_000n, reserved: 0n });
    const statuses = await db
      .select({ s: payouts.status })
      .from(payouts)
      .where(eq(payouts.batchId, batch.id));
    expect(new Set(statuses.map((r) => r.s))).toEqual(new Set(["canceled"]));
    const books = await reconcileBatch(db, ctx.scope, batch);
    expect(books.balanced).toBe(true);
    expect(books.lines.find((l) => l.account === "available")?.ledger).toBe(0n);
  });

  it("removes a threshold with null and refuses nonsense", async () => {
    const { org, ctx } = await fundedOrganisation();
    await setApprovalThreshold(db, ctx, { currency: "EUR", amount: 500n });
    await setApprovalThreshold(db, ctx, { currency: "EUR", amount: null });
    expect(await getApprovalThresholds(db, org.id)).toEqual({});
    const bad = await setApprovalThreshold(db, ctx, { currency: "ZZZ", amount: 1n }).catch(
      (e) => e,
    );
    expect(isAppError(bad, "validation_failed")).toBe(true);
  });
});
