import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import type { PayoutStatus } from "@/db/schema";
import type { Transfer } from "@/lib/ledger";
import { type PayoutEvent, payoutEvents } from "@/lib/payouts/machine";
import {
  cancelPayoutAsMember,
  reissueClaimLink,
  resendClaimLink,
} from "@/lib/payouts/member-actions";
import { organisationWithClaimablePayouts } from "@/tests/dashboard/fixtures";
import { getPayoutDetail, type TimelineEntry } from "./payout-detail";
import { eventBetween, timelineWords } from "./timeline-words";

process.env.AUTH_SECRET ??= "dashboard-test-secret-0123456789abcdef0123";

const at = new Date("2026-11-02T10:00:00Z");

const transition = (
  from: PayoutStatus | null,
  to: PayoutStatus,
  extra: { reason?: string; actor?: string } = {},
): TimelineEntry => ({
  kind: "transition",
  key: "t",
  at,
  from,
  to,
  reason: extra.reason ?? null,
  actor: extra.actor ?? null,
});

const transfer = (from: string, to: string, phase = "single"): TimelineEntry => ({
  kind: "ledger",
  key: "l",
  at,
  transfer: {
    id: "tr_1",
    transactionId: "tx_1",
    currency: "USD",
    from,
    to,
    amount: 4_200n,
    phase,
    holdId: null,
    payoutId: "po_1",
    description: null,
    createdAt: at,
  } as Transfer,
});

const say = (entry: TimelineEntry) => timelineWords(entry, "USD").text;

describe("the payout timeline in words", () => {
  it("says every ledger movement of the payout machine with its amount formatted", () => {
    expect(say(transfer("reserved", "available"))).toBe("Released $42.00 to available.");
    expect(say(transfer("available", "reserved"))).toBe("Reserved $42.00 from available.");
    expect(say(transfer("reserved", "in_transit"))).toBe(
      "Moved $42.00 to in transit for the provider.",
    );
    expect(say(transfer("in_transit", "paid_out"))).toBe("Paid out $42.00.");
    expect(say(transfer("in_transit", "reserved"))).toBe(
      "Reserved $42.00 again after the payment failed.",
    );
    expect(say(transfer("paid_out", "reserved"))).toBe(
      "Reserved $42.00 again after the payment came back.",
    );
    expect(say(transfer("reserved", "available", "pending"))).toBe(
      "Put $42.00 on hold from reserved to available.",
    );
  });

  it("has a sentence for every event of the payout machine, from every status it applies in", () => {
    const sentences = new Set<string>();
    for (const [event, rule] of Object.entries(payoutEvents) as [
      PayoutEvent,
      { from: readonly PayoutStatus[]; to: PayoutStatus },
    ][]) {
      for (const from of rule.from) {
        expect(eventBetween(from, rule.to), `${from} → ${rule.to}`).toBe(event);
        const text = say(transition(from, rule.to, { actor: "ada@acme.test" }));
        expect(text, `${event} from ${from}`).toMatch(/^[A-Z].*\.$/);
        expect(text).not.toMatch(/_|\{|→/);
        sentences.add(text);
      }
    }
    expect(say(transition(null, "pending", { actor: "seed" }))).toBe(
      "Payout created by the demo seed.",
    );
    // Different events never read the same.
    expect(sentences.size).toBeGreaterThanOrEqual(Object.keys(payoutEvents).length);
  });

  it("puts reason codes in words and keeps a provider's own sentence", () => {
    expect(
      say(transition("pending", "canceled", { reason: "sanctioned_country", actor: "system" })),
    ).toBe("Canceled: the recipient's country is under comprehensive sanctions.");
    expect(
      say(
        transition("claimable", "canceled", {
          reason: "canceled_by_organisation",
          actor: "ada@acme.test",
        }),
      ),
    ).toBe("Canceled by ada@acme.test.");
    expect(
      say(transition("awaiting_review", "canceled", { reason: "review_rejected: duplicate" })),
    ).toBe("Canceled: rejected in review: duplicate.");
    expect(
      say(transition("paid", "returned", { reason: "The recipient's bank returned the payment." })),
    ).toBe("The payment came back: The recipient's bank returned the payment.");
    expect(
      say(transition("claimable", "canceled", { actor: "api_key:key_123", reason: "duplicate" })),
    ).toBe("Canceled through API key key_123: duplicate.");
  });

  it("says emails, webhooks and links as sentences with the technical rest as detail", () => {
    const email = timelineWords(
      {
        kind: "email",
        key: "e",
        at,
        id: "eml_1",
        subject: "Acme sent you $42.00",
        to: "maya@example.com",
        emailKind: "invite",
        sentAt: null,
      },
      "USD",
    );
    expect(email).toEqual({
      text: "Emailed the claim link to maya@example.com.",
      detail: "“Acme sent you $42.00” · kept in the dev mailbox",
    });
    const failed = timelineWords(
      {
        kind: "webhook",
        key: "w",
        at,
        eventType: "payout.paid",
        url: "https://example.com/hooks",
        attempt: 2,
        status: 500,
        error: null,
        durationMs: 31,
      },
      "USD",
    );
    expect(failed.text).toBe(
      "The payout.paid webhook to https://example.com/hooks failed: HTTP 500.",
    );
    expect(failed.detail).toBe("attempt 2 · 31 ms");
    expect(
      say({
        kind: "link",
        key: "k",
        at,
        linkId: "cl_1",
        event: "issued",
        expiresAt: new Date("2026-12-02T10:00:00Z"),
      }),
    ).toBe("Issued a claim link, valid until 2 Dec 2026.");
  });

  it("says an admin action it has no sentence for without raw JSON", () => {
    const words = timelineWords(
      {
        kind: "audit",
        key: "a",
        at,
        action: "payout.some_new_action",
        actor: "ada@acme.test",
        before: { status: "claimable" },
        after: { status: "canceled", linkId: "cl_1" },
      },
      "USD",
    );
    expect(words.text).toBe("ada@acme.test: payout some new action.");
    expect(words.detail).toBe("status: claimable → canceled; link id: cl_1");
  });
});

describe("a payout's timeline after support acts on it", () => {
  type Fixture = Awaited<ReturnType<typeof organisationWithClaimablePayouts>>;
  let f: Fixture;
  beforeAll(async () => {
    f = await organisationWithClaimablePayouts(db, [
      {
        email: "maya@example.com",
        name: "Maya",
        country: "US",
        externalId: "m-1",
        amount: 4_200n,
      },
    ]);
  });

  it("reads resend, reissue and cancel as sentences, with the released amount in dollars", async () => {
    const payoutId = f.payoutIds[0] as string;
    const member = { scope: f.member.scope, actor: { id: f.owner.id, label: f.owner.email } };
    await resendClaimLink(db, member, payoutId);
    await reissueClaimLink(db, member, payoutId);
    await cancelPayoutAsMember(db, member, { payoutId, reason: "sent twice" });
    const detail = await getPayoutDetail(db, f.member.scope, payoutId);
    const sentences = (detail?.timeline ?? []).map((e) => timelineWords(e, "USD").text);
    expect(sentences).toEqual(
      expect.arrayContaining([
        `Payout created by ${f.owner.email}.`,
        "Reserved $42.00 from available.",
        "Screening passed; the payout can be claimed.",
        "Emailed the claim link to maya@example.com.",
        `${f.owner.email} sent the claim link again.`,
        `${f.owner.email} issued a new claim link; the old one stopped working.`,
        "The claim link stopped working.",
        `Canceled by ${f.owner.email}: sent twice.`,
        "Released $42.00 to available.",
        `${f.owner.email} canceled the payout and released $42.00: sent twice.`,
      ]),
    );
    for (const sentence of sentences) expect(sentence).not.toMatch(/\{|4200/);
  });
});
