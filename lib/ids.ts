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

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${prefixes[kind]}_`);
}
