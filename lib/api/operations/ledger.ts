import { z } from "zod";
import { ledgerAccountKindEnum, ledgerTransferPhaseEnum } from "@/db/schema";
import type { Transfer } from "@/lib/ledger";
import { balanceResourceSchema } from "@/lib/ledger/serialize";
import { amountSchema, type Currency, currencySchema, wireAmountSchema } from "@/lib/money";
import { exampleBalance, exampleIds, exampleList, exampleTransfer } from "../examples";
import { defineOperation } from "../operation";
import { idQuerySchema, listSchema, paginationQuerySchema } from "../pagination";

export const transferResourceSchema = z
  .object({
    id: z.string(),
    object: z.literal("transfer"),
    livemode: z.boolean(),
    transaction_id: z.string(),
    currency: currencySchema,
    from: z.enum(ledgerAccountKindEnum.enumValues),
    to: z.enum(ledgerAccountKindEnum.enumValues),
    amount: wireAmountSchema,
    phase: z.enum(ledgerTransferPhaseEnum.enumValues),
    hold_id: z.string().nullable(),
    payout_id: z.string().nullable(),
    description: z.string().nullable(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Transfer", description: "One immutable double-entry movement between accounts" });

export function serializeTransfer(
  t: Transfer,
  livemode: boolean,
): z.infer<typeof transferResourceSchema> {
  return {
    id: t.id,
    object: "transfer",
    livemode,
    transaction_id: t.transactionId,
    currency: t.currency as Currency,
    from: t.from,
    to: t.to,
    amount: Number(t.amount),
    phase: t.phase,
    hold_id: t.holdId,
    payout_id: t.payoutId,
    description: t.description,
    created_at: t.createdAt.toISOString(),
  };
}

export const listBalancesOperation = defineOperation({
  method: "GET",
  path: "/balances",
  operationId: "listBalances",
  tag: "Balances",
  summary: "List balances",
  description: "One balance per currency the organisation has ever held in this mode.",
  response: {
    status: 200,
    schema: listSchema(balanceResourceSchema, "BalanceList"),
    description: "Balances by currency",
    example: exampleList(exampleBalance),
  },
});

export const listTransfersOperation = defineOperation({
  method: "GET",
  path: "/transfers",
  operationId: "listTransfers",
  tag: "Balances",
  summary: "List ledger transfers",
  description: "Every movement of money between the organisation's accounts, newest first.",
  query: paginationQuerySchema("transfer")
    .extend({
      payout_id: idQuerySchema("payout", "Only this payout's transfers").optional(),
    })
    .strict(),
  response: {
    status: 200,
    schema: listSchema(transferResourceSchema, "TransferList"),
    description: "A page of transfers",
    example: exampleList(exampleTransfer),
  },
});

export const testDepositResourceSchema = z
  .object({
    id: z.string().meta({ description: "The ledger transaction that credited the balance" }),
    object: z.literal("test_deposit"),
    livemode: z.literal(false),
    amount: wireAmountSchema,
    currency: currencySchema,
    balance: balanceResourceSchema,
  })
  .meta({ id: "TestDeposit" });

export const createTestDepositOperation = defineOperation({
  method: "POST",
  path: "/funding/test_deposits",
  operationId: "createTestDeposit",
  tag: "Balances",
  summary: "Add test funds",
  description:
    "Test mode only: credits the available balance with pretend money so you can try payouts. In live mode the balance is funded by real transfers to your organisation's funding account (see the dashboard's Funding page), and this endpoint answers 403.",
  body: z
    .strictObject({ amount: amountSchema, currency: currencySchema })
    .meta({ id: "CreateTestDeposit" }),
  response: {
    status: 201,
    schema: testDepositResourceSchema,
    description: "The deposit and the new balance",
    example: {
      id: exampleIds.transaction,
      object: "test_deposit",
      livemode: false,
      amount: 1000000,
      currency: "USD",
      balance: { ...exampleBalance, available: 1987500 },
    },
  },
  errors: ["live_mode_unavailable"],
  example: { amount: 1000000, currency: "USD" },
});
