import { createHash } from "node:crypto";
import { and, getTableColumns, type SQL, sql } from "drizzle-orm";
import { bulkInsert, matchesAny } from "@/db/bulk";
import type { DbOrTx, Tx } from "@/db/client";
import { type PayoutStatus, payoutStatusEnum, payouts, payoutTransitions } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { revokeClaimLinks } from "@/lib/claims/links";
import { AppError } from "@/lib/errors";
import { type PendingEvent, recordEvents } from "@/lib/events/outbox";
import { newIds } from "@/lib/ids";
import { postTransaction } from "@/lib/ledger";
import { serializePayout } from "./serialize";

/**
 * The payout state machine: the one door through which a payout is created or changes
 * status. Every change is an event of the table below, applied by `applyPayoutEvent` in
 * one transaction with its ledger movement, its transition rows and its outbox events.
 * Callers name the event, never the status they think the payout is in: the guarded
 * UPDATE decides, so a stale read can never move money.
 */

export type PayoutRow = typeof payouts.$inferSelect;

type Account = "available" | "reserved" | "in_transit" | "paid_out";

/** A ledger movement of the payout's full amount; `name` goes into the idempotency key. */
export type Movement = {
  name: "reserve" | "release" | "submit" | "settle" | "fail" | "return";
  from: Account;
  to: Account;
  /** Whether the key carries the attempt, because the movement can recur on a later attempt. */
  perAttempt: boolean;
};

const reserve: Movement = { name: "reserve", from: "available", to: "reserved", perAttempt: false };
const release: Movement = { name: "release", from: "reserved", to: "available", perAttempt: false };
const submit: Movement = { name: "submit", from: "reserved", to: "in_transit", perAttempt: true };
const settle: Movement = { name: "settle", from: "in_transit", to: "paid_out", perAttempt: true };
const fail: Movement = { name: "fail", from: "in_transit", to: "reserved", perAttempt: true };
// A returned payout's money already sits in paid_out; it comes back to reserved so the
// recipient can pick another method, exactly like a failure.
const giveBack: Movement = { name: "return", from: "paid_out", to: "reserved", perAttempt: true };

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
  /** Screening or a limit wants a human before the link goes out. */
  hold_for_review: {
    from: ["pending"],
    to: "awaiting_review",
    movement: null,
    done: "held for review",
  },
  /** Screening passed: the claim opens and a link is issued. */
  open: { from: ["pending"], to: "claimable", movement: null, done: "opened for claiming" },
  /** A reviewer cleared a held payout. */
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
  Pick<PayoutRow, "method" | "methodDetails" | "providerReference" | "failureReason">
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

/** Deterministic, so a retried step posts each movement once. */
function movementKey(movement: Movement, rows: Pick<PayoutRow, "id" | "attempt">[]): string {
  const part = (r: Pick<PayoutRow, "id" | "attempt">) =>
    movement.perAttempt ? `${r.id}:${movement.name}:${r.attempt}` : `${r.id}:${movement.name}`;
  if (rows.length === 1) return `payout:${part(rows[0] as PayoutRow)}`;
  const digest = createHash("sha256").update(rows.map(part).sort().join("\n")).digest("base64url");
  return `payouts:${movement.name}:${digest}`;
}

async function postMovement(
  tx: Tx,
  scope: Scope,
  movement: Movement,
  rows: Pick<PayoutRow, "id" | "attempt" | "amount" | "currency">[],
  idempotencyKey = movementKey(movement, rows),
): Promise<void> {
  if (rows.length === 0) return;
  await postTransaction(tx, scope, {
    idempotencyKey,
    description: `payout ${movement.name}`,
    transfers: rows.map((r) => ({
      from: movement.from,
      to: movement.to,
      amount: r.amount,
      currency: r.currency,
      payoutId: r.id,
    })),
  });
}

/** The transition row and the outbox event of each change, in bulk. */
async function recordTransitions(
  tx: Tx,
  scope: Scope,
  changes: { row: PayoutRow; from: PayoutStatus | null; reason: string | null }[],
  actor: string | undefined,
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
    changes.map((c) => eventFor(c.row, c.from, c.reason)),
  );
}

function eventFor(row: PayoutRow, from: PayoutStatus | null, reason: string | null): PendingEvent {
  if (row.status === "awaiting_review") {
    return {
      type: "recipient.review_required",
      data: { recipient_id: row.recipientId, payout_id: row.id, reason: reason ?? "review" },
    };
  }
  const type = from === null ? "payout.created" : `payout.${row.status}`;
  return {
    type: type as Exclude<PendingEvent["type"], "recipient.review_required">,
    data: { object: serializePayout(row), previous_status: from, reason },
  } as PendingEvent;
}

/** What an event writes besides the status: its timestamps and counters. */
function effectsOf(event: PayoutEvent, reason: string | undefined, now: Date) {
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
      // created, so a campaign waiting for approval does not eat into it.
      return { expiresAt: sql`now() + (${payouts.expiresAt} - ${payouts.createdAt})` };
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
        ...effectsOf(event, fixedReason, now),
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
};

/**
 * Where payouts enter the machine: inserted in `pending` with one statement however
 * many (one for a single create, 10,000 for a campaign), their `payout.created` events
 * and transition rows written, and their amounts reserved in one ledger posting. When
 * the balance cannot cover them, `insufficient_funds` is thrown and the caller's
 * transaction leaves nothing behind. Rows come back as written, in input order.
 */
export async function enterPayouts(
  tx: Tx,
  scope: Scope,
  newPayouts: NewPayout[],
  options: { actor?: string; reserveKey?: string; now?: Date } = {},
): Promise<PayoutRow[]> {
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
    method: null,
    methodDetails: null,
    providerReference: null,
    failureReason: null,
    attempt: 0,
    expiresAt: new Date(now.getTime() + (p.expiresInDays ?? DEFAULT_EXPIRY_DAYS) * DAY_MS),
    claimedAt: null,
    paidAt: null,
    createdAt: now,
    updatedAt: now,
  }));
  await bulkInsert(tx, payouts, rows);
  await recordTransitions(
    tx,
    scope,
    rows.map((row) => ({ row, from: null, reason: null })),
    options.actor,
  );
  // Last, so the organisation's ledger rows stay locked only until the commit: every
  // payout of the organisation queues on them.
  await postMovement(tx, scope, creationMovement, rows, options.reserveKey);
  return rows;
}
