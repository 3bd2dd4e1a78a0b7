import { randomBytes } from "node:crypto";

const prefixes = {
  organisation: "org",
  user: "usr",
  apiKey: "key",
  recipient: "rcp",
  payout: "po",
  batch: "bat",
  claimLink: "cl",
  claimSession: "cs",
  transition: "ptr",
  event: "evt",
  email: "eml",
  ledgerAccount: "la",
  ledgerTransaction: "ltx",
  transfer: "tr",
  hold: "hld",
  webhookEndpoint: "we",
  webhookDelivery: "wd",
  webhookAttempt: "wha",
  request: "req",
  invitation: "inv",
  auditEntry: "aud",
  emailChange: "ecr",
  providerAttempt: "pat",
  providerEvent: "pev",
  reconciliationException: "rex",
  sanctionsListVersion: "slv",
  sanctionsEntry: "sen",
  complianceReview: "rev",
  taxForm: "txf",
  report: "rpt",
  claimActivity: "cla",
} as const;

export type IdKind = keyof typeof prefixes;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Randomness drawn 4 KB at a time and handed out once each, as `crypto.randomUUID` does:
 * a draw costs about as much as a hundred ids, and a request makes several ids.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomChunk(size: number): Buffer {
  if (size > POOL_BYTES) return randomBytes(size);
  if (poolOffset + size > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  poolOffset += size;
  return pool.subarray(poolOffset - size, poolOffset);
}

function timeHead(kind: IdKind): string {
  let time = Date.now();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  return `${prefixes[kind]}_${head}`;
}

function randomTail(bytes: Buffer, offset: number): string {
  let tail = "";
  for (let i = offset; i < offset + 16; i++) tail += ALPHABET[(bytes[i] ?? 0) % 32];
  return tail;
}

/**
 * Type-prefixed, time-ordered ids (`po_01h…`): 48 bits of milliseconds then 80 random
 * bits in Crockford base32, so ids sort by creation and cursors can compare them.
 */
export function newId(kind: IdKind): string {
  return timeHead(kind) + randomTail(randomChunk(16), 0);
}

/** `count` ids of one kind sharing one millisecond, for bulk writes that need thousands at once. */
export function newIds(kind: IdKind, count: number): string[] {
  const head = timeHead(kind);
  const bytes = randomChunk(16 * count);
  return Array.from({ length: count }, (_, n) => head + randomTail(bytes, n * 16));
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${prefixes[kind]}_`);
}

export function idPrefix(kind: IdKind): string {
  return prefixes[kind];
}

/** The shape of any id: a short prefix, then base32 characters. */
export const ID_PATTERN = /^[a-z]{1,4}_[0-9a-z]{10,40}$/;

/** Whether `value` has the shape of an id of `kind`. */
export function isIdOf(value: string, kind: IdKind): boolean {
  return hasPrefix(value, kind) && ID_PATTERN.test(value);
}
