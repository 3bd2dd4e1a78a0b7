export type { AccountBalance, CurrencyBalance } from "./balances";
export { getAccountBalance, getBalances } from "./balances";
export type { HoldResult, HoldsResult } from "./holds";
export { createHold, createHolds, getHold, postHold, voidHold } from "./holds";
export { MAX_TRANSFERS_PER_TRANSACTION } from "./input";
export type { PostTransactionInput } from "./post";
export { deposit, postTransaction } from "./post";
export type { ListTransfersParams } from "./transfers";
export { listTransfers, payoutLedgerHistory } from "./transfers";
export type {
  AccountKind,
  Hold,
  HoldInput,
  HoldState,
  HoldStatus,
  PostResult,
  Transfer,
  TransferInput,
  TransferPhase,
} from "./types";
export { accountKinds } from "./types";
export { verifyLedger } from "./verify";
