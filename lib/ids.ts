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
} as const;

export type IdKind = keyof typeof prefixes;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Type-prefixed, time-ordered ids (`po_01h…`): 48 bits of milliseconds then 80 random
 * bits in Crockford base32, so ids sort by creation and cursors can compare them.
 */
export function newId(kind: IdKind): string {
  let time = Date.now();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = "";
  for (let i = 0; i < 16; i++) tail += ALPHABET[(bytes[i] ?? 0) % 32];
  return `${prefixes[kind]}_${head}${tail}`;
}

/**
 * `count` ids of one kind sharing one millisecond, from a single draw of randomness:
 * bulk writes need thousands at once, and a draw costs far more than building an id.
 */
export function newIds(kind: IdKind, count: number): string[] {
  const head = newId(kind).slice(0, prefixes[kind].length + 11);
  const bytes = randomBytes(16 * count);
  const ids = new Array<string>(count);
  for (let n = 0; n < count; n++) {
    let tail = "";
    for (let i = 0; i < 16; i++) tail += ALPHABET[(bytes[n * 16 + i] ?? 0) % 32];
    ids[n] = head + tail;
  }
  return ids;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${prefixes[kind]}_`);
}
