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

const FORTY_BITS = 2 ** 40;

/** Five bytes of the pool as a number below 2^40. */
function fortyBits(bytes: Buffer, offset: number): number {
  let n = 0;
  for (let i = offset; i < offset + 5; i++) n = n * 256 + (bytes[i] ?? 0);
  return n;
}

function base32(n: number, digits: number): string {
  let out = "";
  let rest = n;
  for (let i = 0; i < digits; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * The last id's time and its 80 random bits (as two 40-bit halves). Ids made in the same
 * millisecond step the random part up by a random amount instead of drawing it afresh, so
 * they sort in the order they were made (cursors and newest-first lists compare ids) and
 * stay unguessable. The high half starts below 2^39, so a millisecond never runs out.
 */
let lastTime = -1;
let high = 0;
let low = 0;

function nextId(prefix: string): string {
  const now = Date.now();
  if (now > lastTime) {
    const bytes = randomChunk(10);
    lastTime = now;
    high = fortyBits(bytes, 0) % (FORTY_BITS / 2);
    low = fortyBits(bytes, 5);
  } else {
    const bytes = randomChunk(4);
    low += bytes.readUInt32BE(0) + 1;
    if (low >= FORTY_BITS) {
      low -= FORTY_BITS;
      high += 1;
    }
  }
  return `${prefix}_${base32(lastTime, 10)}${base32(high, 8)}${base32(low, 8)}`;
}

/**
 * Type-prefixed, time-ordered ids (`po_01h…`): 48 bits of milliseconds then 80 random
 * bits in Crockford base32, so ids sort by creation and cursors can compare them.
 */
export function newId(kind: IdKind): string {
  return nextId(prefixes[kind]);
}

/** `count` ids of one kind in the order they are made, for bulk writes that need thousands at once. */
export function newIds(kind: IdKind, count: number): string[] {
  const prefix = prefixes[kind];
  return Array.from({ length: count }, () => nextId(prefix));
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
