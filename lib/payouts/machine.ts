import { createHash } from "node:crypto";
import { and, getTableColumns, type SQL, sql } from "drizzle-orm";
import { bulkInsert, matchesAny } from "@/db/bulk";
import type { DbOrTx, Tx } from "@/db/client";
import { type PayoutStatus, payoutStatusEnum, payouts, payoutTransitions } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { revokeClaimLinks } from "@/lib/claims/links";
import { requireLiveAccess } from "@/lib/compliance/kyb";
import { AppError } from "@/lib/errors";
import { type PendingEvent, recordEvents } from "@/lib/events/outbox";
import { newIds } from "@/lib/ids";
import { postTransaction } from "@/lib/ledger";
import { clockNowSql } from "@/lib/test-mode/clock";
import { type PayoutContext, serializePayout } from "./serialize";

/**
 * The payout state machine: the one door through which a payout is created or changes
 * status. Every change is an event of the table below, applied by `applyPayoutEvent` in
 * one transaction with its ledger movement, its transition rows and its outbox events.
 * Callers name the event, never the status they think the payout is in: the guarded
 * UPDATE decides, so a stale read can never move money.
 */

export type PayoutRow = typeof payouts.$inferSelect;

type Account = "available" | "reserved" | "in_transit" | "paid_out";

/**
 * A ledger movement of the payout's amount; `name` goes into the idempotency key. A
 * movement of a submission (`perAttempt`) moves the amount less the fee the recipient
 * bears, since that is what the provider pays out; `fee` says whether it also charges
 * the submission's fee to `fees` or gives it back.
 */
export type Movement = {
  name: "reserve" | "release" | "submit" | "settle" | "fail" | "return";
  from: Account;
  to: Account;
  /** Whether the key carries the attempt, because the movement can recur on a later attempt. */
  perAttempt: boolean;
  /** Whether the key carries the reissue count, because a reissue makes it recur. */
  perReissue?: true;
  fee?: "charge" | "refund";
};

const reserve: Movement = { name: "reserve", from: "available", to: "reserved", perAttempt: false };
const release: Movement = {
  name: "release",
  from: "reserved",
  to: "available",
  perAttempt: false,
  perReissue: true,
};
// An expired payout reissued is funded again, once per reissue.
const reserveAgain: Movement = { ...reserve, perReissue: true };
const submit: Movement = {
  name: "submit",
  from: "reserved",
  to: "in_transit",
  perAttempt: true,
  fee: "charge",
};
const settle: Movement = { name: "settle", from: "in_transit", to: "paid_out", perAttempt: true };
const fail: Movement = {
  name: "fail",
  from: "in_transit",
  to: "reserved",
  perAttempt: true,
  fee: "refund",
};
// A returned payout's money already sits in paid_out; it comes back to reserved so the
// recipient can pick another method, exactly like a failure (and its fee with it).
const giveBack: Movement = {
  name: "return",
  from: "paid_out",
  to: "reserved",
  perAttempt: true,
  fee: "refund",
};

type Rule = {
  from: readonly PayoutStatus[];
  to: PayoutStatus;
  movement: Movement | null;
  /** How a refusal says it: "cannot be {done}". */
  done: string;
};

/**
 * Every event a payout may undergo: the statuses it applies in, where it leads, and the
 * ledger movement it makes. Anything else is refused. `processing` cannot be canceled:
 * the provider holds the money and its outcome decides. Cancel works wherever the funds
 * are still only reserved.
 */
export const payoutEvents = {
  /**
   * Screening or a limit wants a human: before the link goes out, or later when a new
   * list version matches (rescreening) or the recipient's destination is shared.
   */
  hold_for_review: {
    from: ["pending", "claimable", "claimed"],
    to: "awaiting_review",
    movement: null,
    done: "held for review",
  },
  /** Screening passed: the claim opens and a link is issued. */
  open: { from: ["pending"], to: "claimable", movement: null, done: "opened for claiming" },
  /** A reviewer cleared a held payout; the caller issues a fresh link. */
  release_review: {
    from: ["awaiting_review"],
    to: "claimable",
    movement: null,
    done: "released from review",
  },
  /** The recipient chose a method, first time or after a failure or return. */
  claim: {
    from: ["claimable", "failed", "returned"],
    to: "claimed",
    movement: null,
    done: "claimed",
  },
  expire: {
    from: ["claimable", "awaiting_tax_info"],
    to: "expired",
    movement: release,
    done: "expired",
  },
  /** An expired payout gets a new link and a new window, its funds reserved again. */
  reissue: { from: ["expired"], to: "claimable", movement: reserveAgain, done: "reissued" },
  cancel: {
    from: [
      "pending",
      "awaiting_review",
      "claimable",
      "claimed",
      "failed",
      "returned",
      "awaiting_tax_info",
    ],
    to: "canceled",
    movement: release,
    done: "canceled",
  },
  submit: { from: ["claimed"], to: "processing", movement: submit, done: "submitted" },
  settle: { from: ["processing"], to: "paid", movement: settle, done: "settled" },
  fail: { from: ["processing"], to: "failed", movement: fail, done: "failed" },
  return: { from: ["paid"], to: "returned", movement: giveBack, done: "returned" },
  /**
   * The payee's tax details are needed before this payout can be claimed: it would take
   * their yearly total with this payer to a reporting threshold (lib/tax/requirement.ts).
   */
  hold_for_tax_info: {
    from: ["claimable", "failed", "returned"],
    to: "awaiting_tax_info",
    movement: null,
    done: "held for tax details",
  },
  /** The payee's tax form is on file: the claim opens again. */
  release_tax_hold: {
    from: ["awaiting_tax_info"],
    to: "claimable",
    movement: null,
    done: "released from the tax hold",
  },
} as const satisfies Record<string, Rule>;

export type PayoutEvent = keyof typeof payoutEvents;

const rules = payoutEvents as Record<PayoutEvent, Rule>;
const eventNames = Object.keys(payoutEvents) as PayoutEvent[];

/** The movement that funds a new payout (it enters the machine in `pending`). */
const creationMovement = reserve;

// Status lists are read off the table, never written out again.

/** The statuses `event` applies in. */
export function statusesFor(event: PayoutEvent): readonly PayoutStatus[] {
  return rules[event].from;
}

export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return eventNames.some((e) => rules[e].to === to && rules[e].from.includes(from));
}

export function nextStatuses(from: PayoutStatus): PayoutStatus[] {
  return [
    ...new Set(eventNames.filter((e) => rules[e].from.includes(from)).map((e) => rules[e].to)),
  ];
}

/** Where a payout can be canceled and its funds released. */
export const cancelableStatuses: readonly PayoutStatus[] = payoutEvents.cancel.from;
/** Where the recipient may (again) choose a method. */
export const choosableStatuses: readonly PayoutStatus[] = payoutEvents.claim.from;
/** What the recipient watches after choosing: the way from claimed to paid. */
export const trackedStatuses: readonly PayoutStatus[] = [
  payoutEvents.claim.to,
  payoutEvents.submit.to,
  payoutEvents.settle.to,
];
/** Where the recipient must give tax details before choosing a method. */
export const taxHeldStatuses: readonly PayoutStatus[] = [payoutEvents.hold_for_tax_info.to];
/** No event leads out of these. */
export const finalStatuses: readonly PayoutStatus[] = payoutStatusEnum.enumValues.filter(
  (s) => nextStatuses(s).length === 0,
);

/**
 * The account a payout's money sits in while it is in `status`: where the last movement
 * into that status put it, which the table says (a status entered without a movement
 * keeps its money where the statuses before it held it).
 */
export const accountHolding: Readonly<Record<PayoutStatus, Account>> = (() => {
  const held: Partial<Record<PayoutStatus, Account>> = { pending: creationMovement.to };
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of eventNames) {
      const rule = rules[e];
      const source = rule.from.map((s) => held[s]).find((a) => a !== undefined);
      const account = rule.movement?.to ?? source;
      if (account && held[rule.to] === undefined) {
        held[rule.to] = account;
        changed = true;
      }
    }
  }
  return held as Record<PayoutStatus, Account>;
})();

/** Columns a caller may set along with an event (e.g. the chosen method on claim). */
export type PayoutChanges = Partial<
  Pick<
    PayoutRow,
    | "method"
    | "methodDetails"
    | "providerReference"
    | "failureReason"
    | "failureCode"
    | "feeAmount"
    | "feeBearer"
    | "claimWindowDays"
  >
>;

export type EventDetails = {
  /**
   * Why: stored on the transition and on the event; a string reason of a failure or
   * return is also its `failure_reason`. A function gets the status the payout left.
   */
  reason?: string | ((previous: PayoutStatus) => string | undefined);
  /** Who: `user:usr_…`, `api_key:key_…`, `recipient`, `system`, `provider`. */
  actor?: string;
  changes?: PayoutChanges;
  /** Apply only to this submission attempt (provider outcomes about an earlier one are stale). */
  attempt?: number;
};

/** A payout the event moved, with the status it left. */
export type MovedPayout = PayoutRow & { previousStatus: PayoutStatus };

/** A payout the event did not move: absent from the scope (null) or in another status. */
export type RefusedPayout = {
  id: string;
  current: Pick<PayoutRow, "status" | "attempt"> | null;
};

export type EventResult = { moved: MovedPayout[]; refused: RefusedPayout[] };

type Keyed = Pick<PayoutRow, "id" | "attempt" | "reissues">;

/**
 * Deterministic, so a retried step posts each movement once. A movement that can recur
 * carries what tells its occurrences apart: the attempt, or (from the first reissue on)
 * the reissue count, so the keys of a payout that was never reissued stay as they were.
 */
function movementKey(movement: Movement, rows: Keyed[]): string {
  const part = (r: Keyed) =>
    [
      r.id,
      movement.name,
      ...(movement.perAttempt ? [r.attempt] : []),
      ...(movement.perReissue && r.reissues > 0 ? [`reissue${r.reissues}`] : []),
    ].join(":");
  if (rows.length === 1) return `payout:${part(rows[0] as PayoutRow)}`;
  const digest = createHash("sha256").update(rows.map(part).sort().join("\n")).digest("base64url");
  return `payouts:${movement.name}:${digest}`;
}

type MovedRow = Pick<PayoutRow, "id" | "attempt" | "amount" | "currency"> &
  Partial<Pick<PayoutRow, "feeAmount" | "feeBearer">>;

/** The fee of the row's submission that the recipient bears (withheld from what is paid). */
export function withheldFee(row: Partial<Pick<PayoutRow, "feeAmount" | "feeBearer">>): bigint {
  return row.feeBearer === "recipient" ? (row.feeAmount ?? 0n) : 0n;
}

/**
 * The transfers of one payout's movement: its amount (less the withheld fee for a
 * submission's movements) and, for a submission's charge or refund, its fee between
 * `fees` and where the bearer's money sits (`reserved` for the recipient, `available`
 * for the platform). Per payout the money stays whole: amount = what the provider holds
 * or paid + the withheld fee in `fees`.
 */
function transfersOf(movement: Movement, r: MovedRow) {
  const fee = r.feeAmount ?? 0n;
  const net = movement.perAttempt ? r.amount - withheldFee(r) : r.amount;
  const transfers: {
    from: Account | "fees";
    to: Account | "fees";
    amount: bigint;
    currency: string;
    payoutId: string;
  }[] = [
    { from: movement.from, to: movement.to, amount: net, currency: r.currency, payoutId: r.id },
  ];
  if (movement.fee && fee > 0n && r.feeBearer) {
    const payer: Account = r.feeBearer === "recipient" ? "reserved" : "available";
    const [from, to]: [Account | "fees", Account | "fees"] =
      movement.fee === "charge" ? [payer, "fees"] : ["fees", payer];
    transfers.push({ from, to, amount: fee, currency: r.currency, payoutId: r.id });
  }
  return transfers.filter((t) => t.amount > 0n);
}

async function postMovement(
  tx: Tx,
  scope: Scope,
  movement: Movement,
  rows: (Keyed & MovedRow)[],
  idempotencyKey = movementKey(movement, rows),
): Promise<void> {
  if (rows.length === 0) return;
  await postTransaction(tx, scope, {
    idempotencyKey,
    description: `payout ${movement.name}`,
    transfers: rows.flatMap((r) => transfersOf(movement, r)),
  });
}

/** The transition row and the outbox event of each change, in bulk. */
async function recordTransitions(
  tx: Tx,
  scope: Scope,
  changes: { row: PayoutRow; from: PayoutStatus | null; reason: string | null }[],
  actor: string | undefined,
  context: PayoutContext = {},
): Promise<void> {
  const ids = newIds("transition", changes.length);
  await bulkInsert(
    tx,
    payoutTransitions,
    changes.map(({ row, from, reason }, i) => ({
      id: ids[i] as string,
      payoutId: row.id,
      fromStatus: from,
      toStatus: row.status,
      reason,
      actor: actor ?? null,
    })),
  );
  await recordEvents(
    tx,
    scope,
    changes.map((c) => eventFor(c.row, c.from, c.reason, context)),
  );
}

function eventFor(
  row: PayoutRow,
  from: PayoutStatus | null,
  reason: string | null,
  context: PayoutContext,
): PendingEvent {
  if (row.status === "awaiting_review") {
    return {
      type: "recipient.review_required",
      data: { recipient_id: row.recipientId, payout_id: row.id, reason: reason ?? "review" },
    };
  }
  const type = from === null ? "payout.created" : `payout.${row.status}`;
  return {
    type: type as Exclude<PendingEvent["type"], "recipient.review_required">,
    data: { object: serializePayout(row, context), previous_status: from, reason },
  } as PendingEvent;
}

/** What an event writes besides the status: its timestamps and counters. */
function effectsOf(event: PayoutEvent, details: EventDetails, now: Date) {
  const reason = typeof details.reason === "string" ? details.reason : undefined;
  switch (event) {
    case "submit":
      return { attempt: sql`${payouts.attempt} + 1` };
    case "claim":
      return { claimedAt: now };
    case "settle":
      return { paidAt: now };
    case "fail":
    case "return":
      return reason ? { failureReason: reason } : {};
    case "open":
    case "release_review":
      // The claim window starts when the link is issued, not when the payout was
      // created, so a campaign waiting for approval does not eat into it; in the
      // organisation's time, which a test clock may have moved ahead.
      return {
        expiresAt: sql`${clockNowSql(payouts)} + (${payouts.expiresAt} - ${payouts.createdAt})`,
      };
    case "reissue": {
      const days = details.changes?.claimWindowDays ?? payouts.claimWindowDays;
      return {
        expiresAt: sql`${clockNowSql(payouts)} + make_interval(days => ${days})`,
        reissues: sql`${payouts.reissues} + 1`,
      };
    }
    default:
      return {};
  }
}

/**
 * Applies `event` to payouts of this scope in one transaction: one guarded UPDATE moves
 * exactly those whose status the event applies in (the row lock taken by the UPDATE's
 * own sub-select is what makes concurrent events safe: the loser re-reads the row after
 * the winner commits and no longer matches), then their ledger movement, transition rows
 * and outbox events are written. Payouts the event does not apply to are returned as
 * refused with their current status, and nothing of theirs changes.
 */
export async function applyPayoutEvent(
  db: DbOrTx,
  scope: Scope,
  payoutIds: string | readonly string[],
  event: PayoutEvent,
  details: EventDetails = {},
): Promise<EventResult> {
  const ids = [...new Set(typeof payoutIds === "string" ? [payoutIds] : payoutIds)];
  if (ids.length === 0) return { moved: [], refused: [] };
  const rule = rules[event];
  const fixedReason = typeof details.reason === "string" ? details.reason : undefined;

  return inTransaction(db, async (tx) => {
    const now = new Date();
    const guard: SQL[] = [
      tenantWhere(payouts, scope),
      matchesAny(payouts.id, ids),
      sql`${payouts.status} = any(${sql.param(rule.from)}::payout_status[])`,
    ];
    if (details.attempt !== undefined) guard.push(sql`${payouts.attempt} = ${details.attempt}`);
    const source = tx
      .select({ id: sql<string>`${payouts.id}`.as("source_id"), previous: payouts.status })
      .from(payouts)
      .where(and(...guard))
      .for("update")
      .as("source");
    const moved = (await tx
      .update(payouts)
      .set({
        ...details.changes,
        ...effectsOf(event, details, now),
        status: rule.to,
        updatedAt: now,
      })
      .from(source)
      .where(sql`${payouts.id} = ${source.id}`)
      .returning({
        ...getTableColumns(payouts),
        previousStatus: source.previous,
      })) as MovedPayout[];

    const reasonOf = (row: MovedPayout) =>
      (typeof details.reason === "function" ? details.reason(row.previousStatus) : fixedReason) ??
      null;
    if (rule.movement) await postMovement(tx, scope, rule.movement, moved);
    if (rule.to === "canceled" || rule.to === "expired") {
      await revokeClaimLinks(
        tx,
        moved.map((r) => r.id),
      );
    }
    await recordTransitions(
      tx,
      scope,
      moved.map((row) => ({ row, from: row.previousStatus, reason: reasonOf(row) })),
      details.actor,
    );
    return { moved, refused: await refusedOf(tx, scope, ids, moved) };
  });
}

/** The payouts an event left alone, read only when there are some. */
async function refusedOf(
  tx: Tx,
  scope: Scope,
  ids: string[],
  moved: MovedPayout[],
): Promise<RefusedPayout[]> {
  if (moved.length === ids.length) return [];
  const movedIds = new Set(moved.map((r) => r.id));
  const others = ids.filter((id) => !movedIds.has(id));
  const rows = await tx
    .select({ id: payouts.id, status: payouts.status, attempt: payouts.attempt })
    .from(payouts)
    .where(and(tenantWhere(payouts, scope), matchesAny(payouts.id, others)));
  const current = new Map(rows.map((r) => [r.id, r]));
  return others.map((id) => {
    const row = current.get(id);
    return { id, current: row ? { status: row.status, attempt: row.attempt } : null };
  });
}

/**
 * `applyPayoutEvent` for one payout, which must move: `not_found` when it is not in this
 * organisation and mode, `invalid_state_transition` when the event does not apply to its
 * status (including when a concurrent change got there first).
 */
export async function movePayout(
  db: DbOrTx,
  scope: Scope,
  payoutId: string,
  event: PayoutEvent,
  details: EventDetails = {},
): Promise<MovedPayout> {
  const { moved, refused } = await applyPayoutEvent(db, scope, payoutId, event, details);
  const [row] = moved;
  if (row) return row;
  const current = refused[0]?.current;
  if (!current) throw new AppError("not_found", `No such payout: ${payoutId}`);
  throw refusal(event, current.status);
}

/** The error for an event that does not apply to a payout's status. */
export function refusal(event: PayoutEvent, current: PayoutStatus): AppError {
  const { to, done } = rules[event];
  return new AppError(
    "invalid_state_transition",
    `A ${current.replace(/_/g, " ")} payout cannot be ${done}.`,
    { meta: { event, current, to } },
  );
}

export const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

export type NewPayout = {
  recipientId: string;
  batchId: string | null;
  amount: bigint;
  currency: string;
  description: string | null;
  metadata: PayoutRow["metadata"];
  expiresInDays: number | undefined;
  reference?: string | null;
  notify?: PayoutRow["notify"];
};

/**
 * Where payouts enter the machine: inserted in `pending` with one statement however
 * many (one for a single create, 10,000 for a campaign), their `payout.created` events
 * and transition rows written, and their amounts reserved in one ledger posting. When
 * the balance cannot cover them, `insufficient_funds` is thrown and the caller's
 * transaction leaves nothing behind. Rows come back as written, in input order. Live
 * payouts need the organisation's KYB approved (`requireLiveAccess`), wherever they
 * come from: the API, a campaign, a script.
 */
export async function enterPayouts(
  tx: Tx,
  scope: Scope,
  newPayouts: NewPayout[],
  options: {
    actor?: string;
    reserveKey?: string;
    now?: Date;
    /** What the `payout.created` events should say about the payouts' situation. */
    context?: PayoutContext;
    /** Where each payout's `reference` came from, for the error naming a taken one. */
    referenceAt?: (index: number) => string;
  } = {},
): Promise<PayoutRow[]> {
  if (scope.mode === "live")
    await requireLiveAccess(tx, scope.organisationId, "Creating live payouts");
  const now = options.now ?? new Date();
  const ids = newIds("payout", newPayouts.length);
  const rows: PayoutRow[] = newPayouts.map((p, i) => ({
    id: ids[i] as string,
    organisationId: scope.organisationId,
    mode: scope.mode,
    recipientId: p.recipientId,
    batchId: p.batchId,
    amount: p.amount,
    currency: p.currency,
    status: "pending",
    description: p.description,
    metadata: p.metadata,
    reference: p.reference ?? null,
    notify: p.notify ?? "email",
    claimWindowDays: p.expiresInDays ?? DEFAULT_EXPIRY_DAYS,
    reissues: 0,
    method: null,
    methodDetails: null,
    providerReference: null,
    failureReason: null,
    failureCode: null,
    attempt: 0,
    feeAmount: 0n,
    feeBearer: null,
    expiresAt: new Date(now.getTime() + (p.expiresInDays ?? DEFAULT_EXPIRY_DAYS) * DAY_MS),
    claimedAt: null,
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  }));
  await insertPayouts(tx, scope, rows, options.referenceAt ?? (() => "reference"));
  await recordTransitions(
    tx,
    scope,
    rows.map((row) => ({ row, from: null, reason: null })),
    options.actor,
    options.context,
  );
  // Last, so the organisation's ledger rows stay locked only until the commit: every
  // payout of the organisation queues on them.
  await postMovement(tx, scope, creationMovement, rows, options.reserveKey);
  return rows;
}

/**
 * Inserts new payouts. With references, a taken one (by an earlier payout, or by a
 * concurrent request that committed first: the unique index decides, and the insert
 * waits for it) skips its row instead of failing the statement, and the whole creation
 * is refused naming each taken reference and the payout that holds it.
 */
async function insertPayouts(
  tx: Tx,
  scope: Scope,
  rows: PayoutRow[],
  referenceAt: (index: number) => string,
): Promise<void> {
  if (!rows.some((r) => r.reference !== null)) {
    await bulkInsert(tx, payouts, rows);
    return;
  }
  const inserted = await bulkInsert(tx, payouts, rows, {
    onConflict: sql`on conflict (organisation_id, mode, reference) where reference is not null do nothing`,
    returning: sql`id`,
  });
  if (inserted.length === rows.length) return;
  const written = new Set(inserted.map((r) => r.id as string));
  const taken = rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => !written.has(row.id));
  const holders = await tx
    .select({ id: payouts.id, reference: payouts.reference })
    .from(payouts)
    .where(
      and(
        tenantWhere(payouts, scope),
        matchesAny(
          payouts.reference,
          taken.map(({ row }) => row.reference as string),
        ),
      ),
    );
  const holderOf = new Map(holders.map((h) => [h.reference, h.id]));
  const fieldErrors = taken.map(({ row, index }) => ({
    path: referenceAt(index),
    message: `already used by payout ${holderOf.get(row.reference) ?? "being created by another request"}`,
  }));
  throw new AppError(
    "conflict",
    fieldErrors.length === 1
      ? `The reference is ${fieldErrors[0]?.message}.`
      : `${fieldErrors.length} references are already used by other payouts; see errors.`,
    { fieldErrors },
  );
}
