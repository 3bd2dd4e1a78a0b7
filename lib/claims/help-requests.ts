import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { listMembers } from "@/lib/auth/members";
import { appUrl } from "@/lib/config";
import { recordEvent } from "@/lib/events/outbox";
import type { EventData } from "@/lib/events/types";
import { sendEmail } from "@/lib/mail";
import { renderEmail } from "@/lib/mail/templates/layout";
import { formatMoney } from "@/lib/money";
import { loadPayoutContext } from "@/lib/payouts/queries";
import { hasClaimActivity, recordClaimActivity } from "./claim-activity";
import { claimMethods, openClaim } from "./claim-flow";
import { type ClaimContext, claimLinkByToken } from "./links";
import { consumeRateLimits, ipKey } from "./rate-limit";

/*
 * A recipient stuck on their claim page asks the paying organisation for help with one
 * tap: a new link when theirs expired, was replaced or got locked, or another way to be
 * paid when the only method offered to them failed. Each request is filed once per link
 * (claim_activity), becomes a `recipient.help_requested` event in the same transaction,
 * and the event's background step emails the organisation's support address.
 */

export type HelpRequest = EventData<"recipient.help_requested">["request"];
type HelpReason = EventData<"recipient.help_requested">["reason"];

export type HelpOutcome =
  | { status: "asked" | "already_asked" }
  | { status: "rate_limited"; retryAfterSeconds: number }
  /** Nothing to ask for: the link opens a claim, the payout was paid or canceled. */
  | { status: "not_available" };

/** Requests per IP across links: enough for a household or an office, not for a flood. */
export const helpRequestLimit = { limit: 10, windowSeconds: 3600 } as const;

const activityOf = {
  new_link: "new_link_requested",
  other_way: "other_way_requested",
} as const;

/** Why this visitor may ask for `request`, or null when the link gives no reason to. */
async function reasonToAsk(
  db: DbOrTx,
  input: { token: string; request: HelpRequest; sessionToken?: string; now?: Date },
): Promise<HelpReason | null> {
  if (input.request === "new_link") {
    const view = await openClaim(db, { token: input.token, now: input.now });
    if (view.kind === "expired" && !view.settled) {
      return view.why === "replaced" ? "link_replaced" : "link_expired";
    }
    return view.kind === "open" && view.stage === "locked" ? "link_locked" : null;
  }
  // Another way to be paid: only the verified recipient, after their only method failed.
  const view = await openClaim(db, input);
  if (view.kind !== "open" || !view.session) return null;
  return otherMethods(view.claim) === 0 ? "method_failed" : null;
}

/**
 * How many methods a failed or returned payout's recipient can still choose besides the
 * one that failed; null when the payout has not failed.
 */
export function otherMethods(claim: ClaimContext): number | null {
  const { status, method } = claim.payout;
  if (status !== "failed" && status !== "returned") return null;
  return claimMethods(claim).eligible.filter((m) => m.id !== method).length;
}

/**
 * Files the request and its event, once per link: asking again answers `already_asked`
 * without a second event or email. Rate-limited per IP.
 */
export async function askOrganisation(
  db: DbOrTx,
  input: {
    token: string;
    request: HelpRequest;
    ip: string;
    sessionToken?: string;
    now?: Date;
  },
): Promise<HelpOutcome> {
  const reason = await reasonToAsk(db, input);
  const link = reason ? await claimLinkByToken(db, input.token) : null;
  if (!reason || !link) return { status: "not_available" };
  const kind = activityOf[input.request];
  const scope: Scope = { organisationId: link.payout.organisationId, mode: link.payout.mode };
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx): Promise<HelpOutcome> => {
    if (await hasClaimActivity(tx, link.link.id, kind)) return { status: "already_asked" };
    const limited = await consumeRateLimits(
      tx,
      [{ key: `help:ip:${ipKey(input.ip)}`, ...helpRequestLimit }],
      now,
    );
    if (!limited.allowed) {
      return { status: "rate_limited", retryAfterSeconds: limited.retryAfterSeconds };
    }
    const filed = await recordClaimActivity(
      tx,
      { ...scope, payoutId: link.payout.id, claimLinkId: link.link.id },
      kind,
      now,
    );
    // A racing request filed it first: its event is the one.
    if (!filed.recorded) return { status: "already_asked" };
    await recordEvent(tx, scope, "recipient.help_requested", {
      recipient_id: link.recipient.id,
      payout_id: link.payout.id,
      request: input.request,
      reason,
      request_id: filed.id,
    });
    return { status: "asked" };
  });
}

const reasonWords: Record<HelpReason, string> = {
  link_expired: "their claim link expired before they claimed it",
  link_replaced: "they opened an older link, replaced by a newer one they may not have",
  link_locked: "their claim link was locked after too many wrong codes",
  method_failed: "the only payout method offered to them failed",
};

/**
 * Emails the organisation a recipient's request: to its support address, else to its
 * owners and admins. One email per request and address (`help-request:{request}:{to}`).
 * English, like the rest of the organisation's dashboard mail.
 */
export async function sendHelpRequestNotice(
  db: DbOrTx,
  scope: Scope,
  event: Pick<
    EventData<"recipient.help_requested">,
    "payout_id" | "request" | "reason" | "request_id"
  >,
): Promise<{ notified: number }> {
  const row = await loadPayoutContext(db, scope, event.payout_id);
  if (!row) return { notified: 0 };
  const { payout, recipient, organisation } = row;
  const admins = organisation.supportEmail
    ? []
    : (await listMembers(db, organisation.id)).flatMap((m) =>
        (m.role === "owner" || m.role === "admin") && m.email ? [m.email] : [],
      );
  const to = [...new Set(organisation.supportEmail ? [organisation.supportEmail] : admins)];
  const who = recipient.name ? `${recipient.name} (${recipient.email})` : recipient.email;
  const amount = formatMoney(payout);
  const page = `${appUrl()}/dashboard/payouts/${payout.id}`;
  const rendered =
    event.request === "new_link"
      ? renderEmail({ name: "Disburse" }, `${who} asks for a new claim link for ${amount}`, [
          {
            kind: "paragraph",
            text: `${who} opened the claim page of payout ${payout.id} (${amount}), but ${reasonWords[event.reason]}. They asked you for a new link.`,
          },
          {
            kind: "paragraph",
            text: `Reissue the link from the payout's page; the new one goes to ${recipient.email}.`,
          },
          { kind: "button", label: "Open the payout", url: page },
        ])
      : renderEmail(
          { name: "Disburse" },
          `${who} could not be paid by ${payout.method ?? "their method"} and asks for another way`,
          [
            {
              kind: "paragraph",
              text: `The payment of ${amount} (payout ${payout.id}) by ${payout.method ?? "the chosen method"} failed${payout.failureReason ? `: ${payout.failureReason}` : "."} No other method is offered for ${recipient.country} in ${payout.currency}, and ${who} asked to be paid another way.`,
            },
            {
              kind: "paragraph",
              text: `Reply to them at ${recipient.email}, or cancel this payout and pay them in a currency with more methods.`,
            },
            { kind: "button", label: "Open the payout", url: page },
          ],
        );
  for (const address of to) {
    await sendEmail(
      {
        idempotencyKey: `help-request:${event.request_id}:${address}`,
        to: address,
        kind: "help_requested",
        organisationId: organisation.id,
        mode: payout.mode,
        subjectRef: payout.id,
        ...rendered,
      },
      { db },
    );
  }
  return { notified: to.length };
}
