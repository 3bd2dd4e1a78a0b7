import {
  eventType,
  Inngest,
  type EventType as InngestEventType,
  type StandardSchemaV1,
} from "inngest";
import { z } from "zod";
import { type Mode, modeEnum } from "@/db/schema/columns";
import { type EventData, type EventType, eventSchemas, eventTypes } from "@/lib/events/types";
import { safeLogger } from "@/lib/log";
import { currencySchema } from "@/lib/money";

/** Every domain event reaches Inngest with its tenant, so functions can scope their work. */
export type DomainEventData<T extends EventType> = EventData<T> & {
  organisation_id: string;
  mode: Mode;
};

const scopeSchema = z.object({
  organisation_id: z.string().min(1),
  mode: z.enum(modeEnum.enumValues),
});

type Issue = StandardSchemaV1.Issue;
const issuesOf = (error: z.ZodError): Issue[] =>
  error.issues.map((i) => ({ message: i.message, path: i.path as PropertyKey[] }));

/**
 * The Inngest schema of a domain event, derived from its zod schema in
 * lib/events/types.ts. Events reach Inngest already in their stored (output) form, which
 * the same schema accepts again, so input and output types are one.
 */
function domainEventSchema<T extends EventType>(type: T): StandardSchemaV1<DomainEventData<T>> {
  return {
    "~standard": {
      version: 1,
      vendor: "disburse",
      validate(value) {
        const scope = scopeSchema.safeParse(value);
        const data = eventSchemas[type].safeParse(value);
        if (!scope.success) return { issues: issuesOf(scope.error) };
        if (!data.success) return { issues: issuesOf(data.error) };
        return { value: { ...data.data, ...scope.data } as unknown as DomainEventData<T> };
      },
    },
  };
}

type DomainEvents = {
  [T in EventType]: InngestEventType<T, StandardSchemaV1<DomainEventData<T>>>;
};

/** Domain events (the outbox's types), usable as triggers: `triggers: [domainEvents["payout.claimed"]]`. */
export const domainEvents = Object.fromEntries(
  eventTypes.map((type) => [type, eventType(type, { schema: domainEventSchema(type) })]),
) as DomainEvents;

/**
 * Nudges the webhook sweep now instead of at the next minute (after a relay or a replay),
 * or at `at` (ISO 8601), when the next retry falls due.
 */
export const webhookDeliveriesDue = eventType("disburse/webhook.deliveries-due", {
  schema: z.object({ reason: z.string(), at: z.iso.datetime().optional() }),
});

/** Starts (or resumes) a campaign's fan-out: after creation, after approval, or from the sweep. */
export const batchFanOutRequested = eventType("disburse/batch.fan-out-requested", {
  schema: z.object({
    organisation_id: z.string(),
    mode: z.enum(modeEnum.enumValues),
    batch_id: z.string(),
  }),
});

/** Work about to need funds (a campaign being submitted): checked for a projected shortfall. */
export const balanceDemandProjected = eventType("disburse/balance.demand-projected", {
  schema: z.object({
    organisation_id: z.string(),
    mode: z.enum(modeEnum.enumValues),
    currency: currencySchema,
    /** Minor units, as a JSON integer. */
    amount: z.int().positive(),
  }),
});

/** A provider webhook was recorded (lib/providers/webhooks.ts): apply it. */
export const providerEventReceived = eventType("disburse/provider.event-received", {
  schema: z.object({
    organisation_id: z.string(),
    mode: z.enum(modeEnum.enumValues),
    event_id: z.string(),
  }),
});

/**
 * The app (re)started: work a crash left half-done is resumed now rather than at the
 * next sweep (the launcher sends it once the functions are synced).
 */
export const appStarted = eventType("disburse/app.started", {
  schema: z.object({ at: z.string().optional() }),
});

/** The daily reconciliation of one organisation's provider records against the ledger. */
export const reconciliationRequested = eventType("disburse/reconciliation.requested", {
  schema: z.object({
    organisation_id: z.string(),
    mode: z.enum(modeEnum.enumValues),
    provider: z.enum(["stripe", "paypal", "tremendous"]),
    /** The UTC day reconciled, YYYY-MM-DD. */
    period: z.string(),
  }),
});

/** A sanctions list version was loaded: open payouts are rescreened against it. */
export const sanctionsListLoaded = eventType("disburse/sanctions-list.loaded", {
  schema: z.object({ version_id: z.string() }),
});

/**
 * A sweep that reached its bound per run with work still due (the reminders or expiries
 * of a 100,000-payout campaign) hands the rest to a successor run of itself at once,
 * instead of leaving it for its next cron tick (an hour, for reminders).
 */
export const sweepBacklog = eventType("disburse/sweep.backlog", {
  schema: z.object({ sweep: z.enum(["send-claim-reminders", "expire-payouts"]) }),
});

/**
 * The app's Inngest client. Where events go and how calls are verified come from the
 * environment as the SDK reads it (INNGEST_BASE_URL / INNGEST_DEV, INNGEST_EVENT_KEY,
 * INNGEST_SIGNING_KEY): Inngest Cloud, a Dev Server, or the local engine.
 */
export const inngest = new Inngest({ id: "disburse", logger: safeLogger });
