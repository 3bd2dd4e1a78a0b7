import { AppError, type FieldError } from "@/lib/errors";
import { currencySchema, MAX_AMOUNT } from "@/lib/money";
import { type AccountKind, accountKinds, type TransferInput } from "./types";

/** Room for a 100,000-row CSV campaign reserved in one ledger transaction. */
export const MAX_TRANSFERS_PER_TRANSACTION = 100_000;

const MAX_KEY_LENGTH = 255;
const MAX_TEXT_LENGTH = 1_000;

function isKind(value: unknown): value is AccountKind {
  return accountKinds.includes(value as AccountKind);
}

export function assertIdempotencyKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new AppError(
      "idempotency_key_required",
      `An idempotency key of 1 to ${MAX_KEY_LENGTH} characters is required`,
    );
  }
}

export function amountProblem(amount: unknown): string | null {
  if (typeof amount !== "bigint") return "a bigint count of minor units";
  if (amount <= 0n) return "a positive amount of minor units";
  if (amount > MAX_AMOUNT) return "at most 10^15 minor units";
  return null;
}

function optionalText(value: unknown): boolean {
  return value === undefined || (typeof value === "string" && value.length <= MAX_TEXT_LENGTH);
}

/** Field problems of one movement, with paths under `path`. */
export function movementProblems(input: TransferInput, path: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!isKind(input.from)) problems.push({ path: `${path}.from`, message: "an account kind" });
  if (!isKind(input.to)) problems.push({ path: `${path}.to`, message: "an account kind" });
  if (input.from === input.to) {
    problems.push({ path: `${path}.to`, message: "an account other than `from`" });
  }
  const amount = amountProblem(input.amount);
  if (amount) problems.push({ path: `${path}.amount`, message: amount });
  if (!currencySchema.safeParse(input.currency).success) {
    problems.push({ path: `${path}.currency`, message: "a supported ISO 4217 currency code" });
  }
  if (!optionalText(input.payoutId)) {
    problems.push({ path: `${path}.payoutId`, message: "a payout id" });
  }
  if (!optionalText(input.description)) {
    problems.push({
      path: `${path}.description`,
      message: `at most ${MAX_TEXT_LENGTH} characters`,
    });
  }
  return problems;
}

/** Refuses a malformed batch of movements before anything touches the database. */
export function assertMovements(items: unknown, path: string): asserts items is TransferInput[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw invalid([{ path, message: "at least one item" }]);
  }
  if (items.length > MAX_TRANSFERS_PER_TRANSACTION) {
    throw invalid([{ path, message: `at most ${MAX_TRANSFERS_PER_TRANSACTION} items` }]);
  }
  const problems: FieldError[] = [];
  for (let i = 0; i < items.length && problems.length < 20; i++) {
    problems.push(...movementProblems(items[i] as TransferInput, `${path}[${i}]`));
  }
  if (problems.length > 0) throw invalid(problems);
}

export function assertDescription(description: unknown): void {
  if (!optionalText(description)) {
    throw invalid([{ path: "description", message: `at most ${MAX_TEXT_LENGTH} characters` }]);
  }
}

export function invalid(fieldErrors: FieldError[]): AppError {
  return new AppError("validation_failed", "The ledger request is invalid", { fieldErrors });
}
