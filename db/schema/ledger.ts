import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, currency, minorUnits, modeEnum } from "./columns";
import { organisations } from "./organisations";

export const ledgerAccountKindEnum = pgEnum("ledger_account_kind", [
  "available",
  "reserved",
  "in_transit",
  "paid_out",
  "fees",
  "external",
]);

/**
 * TigerBeetle's transfer shapes: `single` moves money at once; `pending` holds it (the
 * pending transfer is the hold, its id the hold id); `post` and `void` resolve a hold,
 * at most once, by the unique index on `pending_id` below.
 */
export const ledgerTransferPhaseEnum = pgEnum("ledger_transfer_phase", [
  "single",
  "pending",
  "post",
  "void",
]);

/**
 * One account per organisation, mode, currency and kind, carrying running counters so a
 * balance read never sums history. `balance` is posted credits minus posted debits;
 * pending amounts are kept apart until their hold is posted or voided.
 */
export const ledgerAccounts = pgTable(
  "ledger_accounts",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id),
    mode: modeEnum().notNull(),
    currency: currency().notNull(),
    kind: ledgerAccountKindEnum().notNull(),
    balance: minorUnits().notNull().default(sql`0`),
    pendingDebits: minorUnits().notNull().default(sql`0`),
    pendingCredits: minorUnits().notNull().default(sql`0`),
    /** Number of entries written to this account; each entry carries its version. */
    version: bigint({ mode: "bigint" }).notNull().default(sql`0`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.organisationId, t.mode, t.currency, t.kind),
    // The last line of defence behind the code's insufficient_funds check: only the
    // outside world may owe money.
    check(
      "ledger_accounts_spendable_not_negative",
      sql`${t.kind} = 'external' or ${t.balance} - ${t.pendingDebits} >= 0`,
    ),
    check(
      "ledger_accounts_pending_not_negative",
      sql`${t.pendingDebits} >= 0 and ${t.pendingCredits} >= 0`,
    ),
    // Within 2^53 - 1, the largest whole number a JSON client reads exactly, so the API's
    // integer amounts are never rounded. Deposits grow the total money, so they meet it first.
    check(
      "ledger_accounts_within_json_safe_range",
      sql`abs(${t.balance}) <= 9007199254740991 and ${t.pendingDebits} <= 9007199254740991 and ${t.pendingCredits} <= 9007199254740991`,
    ),
  ],
);

/** A group of transfers posted atomically under one idempotency key. */
export const ledgerTransactions = pgTable(
  "ledger_transactions",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id),
    mode: modeEnum().notNull(),
    idempotencyKey: text().notNull(),
    /** SHA-256 of the request, so a reused key with different content is refused. */
    contentHash: text().notNull(),
    description: text(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.organisationId, t.mode, t.idempotencyKey)],
);

export const ledgerTransfers = pgTable(
  "ledger_transfers",
  {
    /** The transaction's id plus a position: one key range per transaction (transfer-ids.ts). */
    id: text().primaryKey(),
    /** Insertion order, for histories and cursors (ids only order to the millisecond). */
    seq: bigint({ mode: "bigint" }).notNull().generatedAlwaysAsIdentity(),
    // No foreign keys on this, the one table that grows by thousands of rows per posting:
    // each would cost a trigger call per row, and the rows are only ever written in the
    // same statement as their transaction, against accounts it holds locked.
    // verifyLedger checks the references instead.
    transactionId: text().notNull(),
    organisationId: text().notNull(),
    mode: modeEnum().notNull(),
    currency: currency().notNull(),
    debitAccountId: text().notNull(),
    creditAccountId: text().notNull(),
    amount: minorUnits().notNull(),
    phase: ledgerTransferPhaseEnum().notNull(),
    /** For `post` and `void`: the pending transfer (hold) this resolves. */
    pendingId: text(),
    payoutId: text(),
    description: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.organisationId, t.mode, t.seq),
    index("ledger_transfers_payout_idx")
      .on(t.payoutId, t.seq)
      .where(sql`${t.payoutId} is not null`),
    uniqueIndex("ledger_transfers_hold_resolved_idx")
      .on(t.pendingId)
      .where(sql`${t.pendingId} is not null`),
    check("ledger_transfers_amount_positive", sql`${t.amount} > 0`),
    check("ledger_transfers_distinct_accounts", sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check(
      "ledger_transfers_pending_id_matches_phase",
      sql`(${t.phase} in ('post', 'void')) = (${t.pendingId} is not null)`,
    ),
  ],
);

/**
 * One entry per account per ledger transaction: the netted change to each counter and
 * the counters after it, so a balance at a past time is one index lookup.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    accountId: text()
      .notNull()
      .references(() => ledgerAccounts.id),
    version: bigint({ mode: "bigint" }).notNull(),
    transactionId: text()
      .notNull()
      .references(() => ledgerTransactions.id),
    balanceDelta: minorUnits().notNull(),
    pendingDebitsDelta: minorUnits().notNull(),
    pendingCreditsDelta: minorUnits().notNull(),
    balance: minorUnits().notNull(),
    pendingDebits: minorUnits().notNull(),
    pendingCredits: minorUnits().notNull(),
    // Wall-clock time of the write, taken after the account row is locked, so an
    // account's entries are in time order even when transactions started out of order.
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.version] }), index().on(t.accountId, t.createdAt)],
);
