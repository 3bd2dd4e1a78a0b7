import { z } from "zod";
import { currencySchema } from "@/lib/money";
import {
  batchResourceSchema,
  payoutResourceSchema,
  payoutStatusSchema,
} from "@/lib/payouts/serialize";
import { reportResourceSchema } from "@/lib/reports/serialize";

/**
 * The payload of every event type, in one place: the outbox validates what it stores
 * with these, the Inngest client types its events with them, and webhooks send them.
 * An event's `data` is what a receiver gets; it never carries secrets or claim tokens.
 */

/**
 * Balances are bigint in the domain and integers on the wire. Producers may pass
 * either; anything beyond 2^53 is refused rather than silently rounded.
 */
const wireAmount = z
  .union([z.bigint(), z.int()])
  .transform((v) => Number(v))
  .pipe(
    z
      .int("an amount that fits a JSON integer exactly")
      .nonnegative()
      .meta({ description: "Minor units of the currency" }),
  );

const payoutEvent = z.object({
  object: payoutResourceSchema,
  previous_status: payoutStatusSchema.nullable(),
  reason: z.string().nullable(),
});

const batchEvent = z.object({ object: batchResourceSchema });

/** A report as it was then; events carry no download link (GET /v1/reports/{id} signs one). */
const reportEvent = z.object({ object: reportResourceSchema });

export const eventSchemas = {
  "payout.created": payoutEvent,
  "payout.claimable": payoutEvent,
  "payout.claimed": payoutEvent,
  "payout.processing": payoutEvent,
  "payout.paid": payoutEvent,
  "payout.failed": payoutEvent,
  "payout.returned": payoutEvent,
  "payout.expired": payoutEvent,
  "payout.canceled": payoutEvent,
  "payout.awaiting_tax_info": payoutEvent,
  "report.created": reportEvent,
  "report.ready": reportEvent,
  "report.failed": reportEvent,
  "batch.created": batchEvent,
  "batch.completed": batchEvent,
  "balance.low": z.object({
    currency: currencySchema,
    available: wireAmount,
    threshold: wireAmount,
    /** Set when the alert is about funds a scheduled or submitted campaign will need. */
    projected_shortfall: wireAmount.nullable().default(null),
  }),
  "balance.funded": z.object({
    currency: currencySchema,
    amount: wireAmount,
    available: wireAmount,
    transaction_id: z.string(),
  }),
  "reconciliation.exception": z.object({
    id: z.string(),
    provider: z.enum(["stripe", "paypal", "tremendous"]),
    kind: z.enum([
      "missing_at_provider",
      "missing_in_ledger",
      "amount_mismatch",
      "status_mismatch",
      "duplicate_at_provider",
    ]),
    period: z.string(),
    payout_id: z.string().nullable(),
    provider_reference: z.string().nullable(),
    currency: z.string().nullable(),
    ledger_amount: wireAmount.nullable(),
    provider_amount: wireAmount.nullable(),
    details: z.string(),
  }),
  "recipient.review_required": z.object({
    recipient_id: z.string(),
    payout_id: z.string().nullable(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()).default({}),
  }),
  /**
   * A recipient asked the organisation for help from their claim page: a new link (theirs
   * expired, was replaced or got locked) or another way to be paid (the only method
   * offered to them failed). Once per claim link and request; the organisation's support
   * address is emailed too.
   */
  "recipient.help_requested": z.object({
    recipient_id: z.string(),
    payout_id: z.string(),
    request: z.enum(["new_link", "other_way"]),
    reason: z.enum(["link_expired", "link_replaced", "link_locked", "method_failed"]),
    request_id: z.string(),
  }),
  /**
   * A test event: sent only by `POST /webhook_endpoints/{id}/test` (or the dashboard's
   * "Send test event"), to that endpoint alone. No endpoint subscribes to it.
   */
  ping: z.object({
    endpoint_id: z.string(),
    message: z.string(),
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const eventTypes = Object.keys(eventSchemas) as [EventType, ...EventType[]];
export const eventTypeSchema = z.enum(eventTypes);

/** Types an endpoint may subscribe to: every type but `ping`, which goes only where it is sent. */
export const subscribableEventTypes = eventTypes.filter((type) => type !== "ping") as [
  EventType,
  ...EventType[],
];
export const subscribableEventTypeSchema = z.enum(subscribableEventTypes, {
  error: `an event type (${subscribableEventTypes.join(", ")})`,
});

/** What a producer passes (bigints allowed). */
export type EventInput<T extends EventType> = z.input<(typeof eventSchemas)[T]>;
/** What is stored and delivered. */
export type EventData<T extends EventType> = z.output<(typeof eventSchemas)[T]>;

export type PayoutEventType = Extract<EventType, `payout.${string}`>;

/** The envelope a webhook receiver and `GET /v1/events` see. */
export const eventResourceSchema = z
  .object({
    id: z.string(),
    object: z.literal("event"),
    type: eventTypeSchema,
    livemode: z.boolean(),
    created_at: z.iso.datetime({ offset: true }),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Event" });
export type EventResource = z.infer<typeof eventResourceSchema>;
