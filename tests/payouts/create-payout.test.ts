import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { events, payoutTransitions, recipients } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { payoutLedgerHistory, verifyLedger } from "@/lib/ledger";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { balanceOf, fund, insertOrganisation, rowCounts } from "./fixtures";

const body = (overrides: Record<string, unknown> = {}) =>
  createPayoutBodySchema.parse({
    recipient: { email: "ada@example.com", name: "Ada", country: "KE", external_id: "u-1" },
    amount: 5_000,
    currency: "USD",
    ...overrides,
  });

describe("createPayout", () => {
  it("creates a pending payout and reserves its amount, with its event and timeline row", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 20_000n);

    const payout = await createPayout(db, scope, body({ description: "March bounty" }), {
      actor: "api_key:key_test",
    });

    expect(payout).toMatchObject({
      status: "pending",
      amount: 5_000n,
      currency: "USD",
      attempt: 0,
    });
    expect(await balanceOf(db, scope)).toMatchObject({ available: 15_000n, reserved: 5_000n });
    const history = await payoutLedgerHistory(db, scope, payout.id);
    expect(history.map((t) => [t.from, t.to, t.amount])).toEqual([
      ["available", "reserved", 5_000n],
    ]);

    const [event] = await db
      .select()
      .from(events)
      .where(eq(events.organisationId, scope.organisationId));
    expect(event?.type).toBe("payout.created");
    expect(event?.data).toMatchObject({
      object: { id: payout.id, status: "pending", amount: 5_000, description: "March bounty" },
      previous_status: null,
    });
    const timeline = await db
      .select()
      .from(payoutTransitions)
      .where(eq(payoutTransitions.payoutId, payout.id));
    expect(timeline).toMatchObject([
      { fromStatus: null, toStatus: "pending", actor: "api_key:key_test" },
    ]);
    expect((await verifyLedger(db)).problems).toEqual([]);
  });

  it("upserts an inline recipient by external_id, refreshing its details", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 20_000n);
    const first = await createPayout(db, scope, body());
    // The email is where the money goes: a payout refreshes the country, never the email
    // (tests/payouts/recipient-conflicts.test.ts).
    const second = await createPayout(
      db,
      scope,
      body({ recipient: { email: "ada@example.com", country: "NG", external_id: "u-1" } }),
    );
    expect(second.recipientId).toBe(first.recipientId);
    const rows = await db
      .select()
      .from(recipients)
      .where(eq(recipients.organisationId, scope.organisationId));
    expect(rows).toHaveLength(1);
    // A detail left out keeps its stored value.
    expect(rows[0]).toMatchObject({ email: "ada@example.com", name: "Ada", country: "NG" });

    const third = await createPayout(
      db,
      scope,
      body({ recipient: { email: "ada@example.com", country: "KE" } }),
    );
    expect(third.recipientId).not.toBe(first.recipientId);
  });

  it("pays an existing recipient by id, but not another organisation's", async () => {
    const { scope } = await insertOrganisation(db);
    const other = await insertOrganisation(db);
    await fund(db, scope, 20_000n);
    await fund(db, other.scope, 20_000n);
    const theirs = await createPayout(db, other.scope, body());

    const mine = await createPayout(db, scope, body());
    const again = await createPayout(
      db,
      scope,
      body({ recipient: undefined, recipient_id: mine.recipientId }),
    );
    expect(again.recipientId).toBe(mine.recipientId);

    const before = await rowCounts(db, scope.organisationId);
    const refused = await createPayout(
      db,
      scope,
      body({ recipient: undefined, recipient_id: theirs.recipientId }),
    ).catch((e) => e);
    expect(isAppError(refused, "validation_failed")).toBe(true);
    expect(refused.fieldErrors).toEqual([{ path: "recipient_id", message: "no such recipient" }]);
    expect(await rowCounts(db, scope.organisationId)).toEqual(before);
  });

  it("refuses a payout that would overdraw the balance and leaves nothing behind", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 4_999n);
    const before = await rowCounts(db, scope.organisationId);

    const refused = await createPayout(db, scope, body()).catch((e) => e);

    expect(isAppError(refused, "insufficient_funds")).toBe(true);
    expect(refused.meta).toMatchObject({ currency: "USD", available: "4999", required: "5000" });
    expect(await rowCounts(db, scope.organisationId)).toEqual(before);
    expect(await balanceOf(db, scope)).toMatchObject({ available: 4_999n, reserved: 0n });
  });

  it("keeps modes apart: test-mode funds do not pay a live payout", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 20_000n);
    const refused = await createPayout(db, { ...scope, mode: "live" }, body()).catch((e) => e);
    expect(isAppError(refused, "insufficient_funds")).toBe(true);
    const live = await db
      .select()
      .from(recipients)
      .where(and(eq(recipients.organisationId, scope.organisationId), eq(recipients.mode, "live")));
    expect(live).toEqual([]);
  });

  it("validates the body: one recipient reference, positive integer amounts, known fields", () => {
    const both = createPayoutBodySchema.safeParse({
      recipient_id: "rcp_x",
      recipient: { email: "a@b.co", country: "US" },
      amount: 1,
      currency: "USD",
    });
    expect(both.error?.issues.map((i) => i.path.join("."))).toEqual(["recipient_id"]);
    const bad = createPayoutBodySchema.safeParse({
      recipient: { email: "nope", country: "XX" },
      amount: 1.5,
      currency: "usd",
      colour: "red",
    });
    expect(bad.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(
      ["", "amount", "currency", "recipient.country", "recipient.email"].sort(),
    );
  });
});
