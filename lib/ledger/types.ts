import { ledgerAccountKindEnum, type ledgerTransferPhaseEnum } from "@/db/schema";

export type AccountKind = (typeof ledgerAccountKindEnum.enumValues)[number];
export const accountKinds: readonly AccountKind[] = ledgerAccountKindEnum.enumValues;

export type TransferPhase = (typeof ledgerTransferPhaseEnum.enumValues)[number];

/** balance(to) += amount, balance(from) -= amount. Only `external` may go negative. */
export type TransferInput = {
  from: AccountKind;
  to: AccountKind;
  amount: bigint;
  currency: string;
  payoutId?: string;
  description?: string;
};

export type Transfer = {
  id: string;
  transactionId: string;
  currency: string;
  from: AccountKind;
  to: AccountKind;
  amount: bigint;
  phase: TransferPhase;
  /** The hold this transfer opens (`pending`: its own id) or resolves (`post`, `void`). */
  holdId: string | null;
  payoutId: string | null;
  description: string | null;
  createdAt: Date;
};

export type PostResult = { transactionId: string; transfers: Transfer[]; replayed: boolean };

export type HoldInput = {
  from: AccountKind;
  to: AccountKind;
  amount: bigint;
  currency: string;
  payoutId?: string;
  description?: string;
};

/**
 * Money set aside from `from` for `to`, until it is posted or voided (at most once). As in
 * TigerBeetle, the hold is its pending transfer: the hold id is that transfer's id.
 */
export type Hold = {
  id: string;
  currency: string;
  from: AccountKind;
  to: AccountKind;
  amount: bigint;
  payoutId: string | null;
  createdAt: Date;
};

export type HoldStatus = "pending" | "posted" | "voided";

export type HoldState = Hold & { status: HoldStatus; postedAmount: bigint };
