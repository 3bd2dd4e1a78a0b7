import type { ClaimActivityKind, PayoutStatus } from "@/db/schema";
import { formatMoney } from "@/lib/money";
import { type PayoutEvent, payoutEvents } from "@/lib/payouts/machine";
import type { TimelineEntry } from "./payout-detail";

/**
 * Every timeline entry as one sentence a support agent can read to a recipient on the
 * phone ("Released $42.00 to available"), with the technical rest (ids, subjects, HTTP
 * details) as a quieter `detail`. Amounts are formatted from their minor units here, so
 * no raw JSON or cents reach the page.
 */
export type TimelineWords = { text: string; detail?: string };

/** The machine's event that moved a payout from `from` to `to` (null: its creation). */
export function eventBetween(from: PayoutStatus | null, to: PayoutStatus): PayoutEvent | null {
  if (from === null) return null;
  const events = Object.entries(payoutEvents) as [
    PayoutEvent,
    { from: readonly PayoutStatus[]; to: PayoutStatus },
  ][];
  return events.find(([, rule]) => rule.to === to && rule.from.includes(from))?.[0] ?? null;
}

/** Reason codes the domain writes, in words; any other reason is already a sentence. */
const reasonWords: Record<string, string> = {
  sanctioned_country: "the recipient's country is under comprehensive sanctions",
  // Who canceled is said already ("Canceled by …"); the code adds nothing.
  canceled_by_organisation: "",
  batch_canceled: "the campaign was stopped",
  link_expired: "the claim link expired before it was claimed",
  review_cleared: "cleared in review",
  review_rejected: "rejected in review",
  sanctioned_region: "the recipient's region is under comprehensive sanctions",
  sanctions_list_match: "the recipient matched a sanctions list",
};

export function reasonInWords(reason: string): string {
  const [code, ...note] = reason.split(": ");
  const known = reasonWords[code ?? ""];
  if (known === undefined) return reason.replace(/_/g, " ");
  if (note.length === 0) return known;
  return known ? `${known}: ${note.join(": ")}` : note.join(": ");
}

/** "by ada@acme.test", "through API key key_…"; nothing for the system's own work. */
function byActor(actor: string | null): string {
  if (!actor || actor === "system") return "";
  if (actor === "recipient") return " by the recipient";
  if (actor === "provider") return " by the provider";
  if (actor === "seed") return " by the demo seed";
  if (actor.startsWith("api_key:")) return ` through API key ${actor.slice("api_key:".length)}`;
  return ` by ${actor}`;
}

function withReason(text: string, reason: string | null): string {
  const words = reason ? reasonInWords(reason) : "";
  return words ? `${text}: ${words}` : text;
}

function transitionWords(entry: Extract<TimelineEntry, { kind: "transition" }>): string {
  const by = byActor(entry.actor);
  const event = eventBetween(entry.from as PayoutStatus | null, entry.to as PayoutStatus);
  switch (event) {
    case null:
      return `Payout created${by}`;
    case "hold_for_review":
      return withReason(`Held for review${by}`, entry.reason);
    case "open":
      return `Screening passed; the payout can be claimed${by}`;
    case "release_review":
      return `Cleared in review${by}; the payout can be claimed`;
    case "claim":
      return entry.from === "claimable"
        ? `Claimed${by}: a payout method was chosen`
        : `A new payout method was chosen${by} after the payment ${entry.from === "returned" ? "came back" : "failed"}`;
    case "expire":
      return "Expired unclaimed; the funds went back to the balance";
    case "cancel":
      return withReason(`Canceled${by}`, entry.reason);
    case "submit":
      return "Sent to the payment provider";
    case "settle":
      return "Paid: the provider confirmed the payment";
    case "fail":
      return withReason("The payment failed", entry.reason);
    case "return":
      return withReason("The payment came back", entry.reason);
    case "hold_for_tax_info":
      return "Waiting for the recipient's tax form: their payments this year reach a reporting threshold";
    case "release_tax_hold":
      return `Tax form on file${by}; the payout can be claimed`;
    case "reissue":
      return `Reissued after it expired${by}: the funds were reserved again and a new link issued`;
  }
}

const accountName = (account: string) => account.replace(/_/g, " ");

/** The ledger's movement of a payout's money, named for what it does. */
function ledgerWords(entry: Extract<TimelineEntry, { kind: "ledger" }>): string {
  const t = entry.transfer;
  const amount = formatMoney({ amount: t.amount, currency: t.currency });
  const move = `${t.from}>${t.to}`;
  if (t.phase === "pending") {
    return `Put ${amount} on hold from ${accountName(t.from)} to ${accountName(t.to)}`;
  }
  if (t.phase === "void") {
    return `Voided the hold of ${amount} from ${accountName(t.from)}`;
  }
  switch (move) {
    case "available>reserved":
      return `Reserved ${amount} from available`;
    case "reserved>available":
      return `Released ${amount} to available`;
    case "reserved>in_transit":
      return `Moved ${amount} to in transit for the provider`;
    case "in_transit>paid_out":
      return `Paid out ${amount}`;
    case "in_transit>reserved":
      return `Reserved ${amount} again after the payment failed`;
    case "paid_out>reserved":
      return `Reserved ${amount} again after the payment came back`;
    default:
      return `Moved ${amount} from ${accountName(t.from)} to ${accountName(t.to)}`;
  }
}

const emailWords: Record<string, (to: string) => string> = {
  invite: (to) => `Emailed the claim link to ${to}`,
  reminder: (to) => `Emailed a reminder to ${to}`,
  claim_code: (to) => `Emailed a sign-in code to ${to}`,
  receipt: (to) => `Emailed the receipt to ${to}`,
  payout_failed: (to) => `Emailed ${to} that the payment did not go through`,
  email_changed: (to) => `Told ${to} that the payout's email address changed`,
  payout_expired: (to) => `Told ${to} that the payout expired, with a way to ask for a new link`,
  help_requested: (to) => `Emailed ${to} the recipient's request for help`,
};

const claimActivityWords: Record<ClaimActivityKind, string> = {
  wrong_code: "A wrong code was entered on the claim page",
  locked:
    "The claim link locked after too many wrong codes; reissue the link to send the recipient a new one",
  new_link_requested: "The recipient asked for a new claim link from their claim page",
  other_way_requested:
    "The recipient asked to be paid another way: the only method offered to them failed",
};

const text = (value: unknown): string | null =>
  typeof value === "string" && value.length > 0 ? value : null;
const field = (record: unknown, key: string): unknown =>
  record && typeof record === "object" ? (record as Record<string, unknown>)[key] : undefined;

/** The minor units an audit entry wrote (a string of digits, JSON having no bigint). */
function auditAmount(value: unknown, currency: string): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  if (!/^-?\d+$/.test(String(value))) return null;
  return formatMoney({ amount: BigInt(value), currency });
}

/** "status: claimable → canceled; reason: …", for an action this file has no sentence for. */
function changes(before: unknown, after: unknown): string | undefined {
  const keys = new Set([
    ...Object.keys((before as object | null) ?? {}),
    ...Object.keys((after as object | null) ?? {}),
  ]);
  const parts = [...keys].map((key) => {
    const show = (v: unknown) => (v === null || v === undefined ? "—" : String(v));
    const b = field(before, key);
    const a = field(after, key);
    const name = key.replace(/([A-Z])/g, " $1").toLowerCase();
    return b === undefined ? `${name}: ${show(a)}` : `${name}: ${show(b)} → ${show(a)}`;
  });
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function auditWords(
  entry: Extract<TimelineEntry, { kind: "audit" }>,
  currency: string,
): TimelineWords {
  const who = entry.actor;
  const { before, after } = entry;
  switch (entry.action) {
    case "payout.resend_link":
      return { text: `${who} sent the claim link again` };
    case "payout.reissue_link":
      return { text: `${who} issued a new claim link; the old one stopped working` };
    case "payout.cancel": {
      const released = auditAmount(field(after, "released"), currency);
      const reason = text(field(after, "reason"));
      return {
        text: `${who} canceled the payout${released ? ` and released ${released}` : ""}${reason ? `: ${reason}` : ""}`,
      };
    }
    case "payout.review_clear": {
      const note = text(field(after, "note"));
      return { text: `${who} cleared the payout in review${note ? `: ${note}` : ""}` };
    }
    case "payout.email_change_request":
      return {
        text: `${who} asked to change the email from ${text(field(before, "email")) ?? "—"} to ${text(field(after, "email")) ?? "—"}`,
      };
    case "payout.correct_email": {
      const to = text(field(after, "email")) ?? "—";
      return {
        text: `${who} approved the email change from ${text(field(before, "email")) ?? "—"} to ${to}${field(after, "linkReissued") === true ? `; a new claim link went to ${to}` : ""}`,
      };
    }
    case "payout.email_change_reject":
      return {
        text: `${who} rejected the change of email to ${text(field(before, "email")) ?? "—"}`,
      };
    case "payout.email_change_withdraw":
      return {
        text: `${who} withdrew the change of email to ${text(field(before, "email")) ?? "—"}`,
      };
    default:
      return {
        text: `${who}: ${entry.action.replace(/[._]/g, " ")}`,
        detail: changes(before, after),
      };
  }
}

const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** One full sentence per entry, ending in a full stop (a reason may bring its own). */
export function timelineWords(entry: TimelineEntry, currency: string): TimelineWords {
  const words = wordsFor(entry, currency);
  return { ...words, text: /[.!?]$/.test(words.text) ? words.text : `${words.text}.` };
}

function wordsFor(entry: TimelineEntry, currency: string): TimelineWords {
  switch (entry.kind) {
    case "transition":
      return { text: transitionWords(entry) };
    case "ledger":
      return { text: ledgerWords(entry), detail: entry.transfer.id };
    case "email": {
      const sentence = emailWords[entry.emailKind] ?? ((to: string) => `Emailed ${to}`);
      return {
        text: sentence(entry.to),
        detail: `“${entry.subject}” · ${entry.sentAt ? "sent over SMTP" : "kept in the dev mailbox"}`,
      };
    }
    case "webhook": {
      const ok = entry.status !== null && entry.status < 300;
      const outcome = entry.status ? `HTTP ${entry.status}` : (entry.error ?? "no response");
      return {
        text: ok
          ? `Delivered the ${entry.eventType} webhook to ${entry.url}`
          : `The ${entry.eventType} webhook to ${entry.url} failed: ${outcome}`,
        detail: `attempt ${entry.attempt} · ${ok ? `${outcome} · ` : ""}${entry.durationMs} ms`,
      };
    }
    case "provider": {
      const amount = formatMoney({ amount: entry.amount, currency: entry.currency });
      const handover = entry.position > 0 ? ` (failover ${entry.position})` : "";
      return {
        text: `Submission ${entry.attempt} of ${amount} to ${entry.provider}${handover}: ${entry.status.replace(/_/g, " ")}${entry.failureCode ? ` (${entry.failureCode.replace(/_/g, " ")})` : ""}`,
        detail: entry.reference ?? undefined,
      };
    }
    case "link":
      return entry.event === "issued"
        ? {
            text: `Issued a claim link, valid until ${day.format(entry.expiresAt)}`,
            detail: entry.linkId,
          }
        : { text: "The claim link stopped working", detail: entry.linkId };
    case "claim":
      return { text: claimActivityWords[entry.activity], detail: entry.linkId };
    case "audit":
      return auditWords(entry, currency);
  }
}
