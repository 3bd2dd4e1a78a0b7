import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { contentHash } from "./content-hash";
import { assertDescription, assertIdempotencyKey, assertMovements } from "./input";
import { commitPosting } from "./posting";
import type { PostResult, TransferInput } from "./types";

export type PostTransactionInput = {
  idempotencyKey: string;
  description?: string;
  transfers: TransferInput[];
};

/**
 * Moves money at once: for each transfer, balance(to) += amount and
 * balance(from) -= amount, all or nothing. Refuses with `insufficient_funds` when an
 * account other than `external` would go below zero. Given a transaction it runs inside
 * it, so it commits with the caller's other writes; given the pool, the posting is one
 * atomic statement of its own.
 */
export async function postTransaction(
  db: DbOrTx,
  scope: Scope,
  input: PostTransactionInput,
): Promise<PostResult> {
  assertIdempotencyKey(input.idempotencyKey);
  assertDescription(input.description);
  assertMovements(input.transfers, "transfers");
  const content = {
    description: input.description ?? null,
    transfers: input.transfers.map((t) => [
      t.from,
      t.to,
      t.amount.toString(),
      t.currency,
      t.payoutId ?? null,
      t.description ?? null,
    ]),
  };
  const transfers = input.transfers.map((t) => ({
    currency: t.currency,
    from: t.from,
    to: t.to,
    amount: t.amount,
    phase: "single" as const,
    pendingId: null,
    payoutId: t.payoutId ?? null,
    description: t.description ?? null,
  }));
  return commitPosting(db, scope, {
    idempotencyKey: input.idempotencyKey,
    contentHash: contentHash("transfer", content),
    description: input.description ?? null,
    transfers,
  });
}

/** Money arriving from outside: external → available. */
export function deposit(
  db: DbOrTx,
  scope: Scope,
  input: { currency: string; amount: bigint; idempotencyKey: string; description?: string },
): Promise<PostResult> {
  return postTransaction(db, scope, {
    idempotencyKey: input.idempotencyKey,
    description: input.description ?? "deposit",
    transfers: [
      { from: "external", to: "available", amount: input.amount, currency: input.currency },
    ],
  });
}
