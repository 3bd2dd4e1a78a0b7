import type { EventType } from "@/lib/events/types";
import type { BalanceResource } from "@/lib/ledger/serialize";
import { eligibleMethods, serializeEligibility } from "@/lib/methods";
import type { BatchResource, PayoutResource } from "@/lib/payouts/serialize";
import { payoutStatuses } from "@/lib/payouts/serialize";
import type { RecipientResource } from "@/lib/recipients/schemas";
import type { ReportResource } from "@/lib/reports/serialize";
import type { WebhookDeliveryResource } from "@/lib/webhooks/delivery-resource";
import type { WebhookEndpointResource } from "@/lib/webhooks/endpoint-schemas";
import { TEST_EVENT_MESSAGE } from "@/lib/webhooks/test-event";

/**
 * The examples the reference shows for each response and webhook. They are data, not
 * code paths: tests/api/openapi.test.ts checks each one against its response schema (and
 * the linter against the document), so a field added to a resource needs its example.
 */

const at = (time: string) => `2026-03-14T${time}.000Z`;

export const exampleIds = {
  recipient: "rcp_01jd5x2v7k8m9n0p1q2r3s4t5v",
  payout: "po_01jd5x3a8b9c0d1e2f3g4h5j6k",
  batch: "bat_01jd5x1q2w3e4r5t6y7u8i9o0p",
  event: "evt_01jd5x4m5n6p7q8r9s0t1v2w3x",
  webhookEndpoint: "we_01jd5wzz9y8x7w6v5t4s3r2q1p",
  webhookDelivery: "wd_01jd5x4n6p7q8r9s0t1v2w3x4y",
  transfer: "tr_01jd5x3b9c0d1e2f3g4h5j6k7m",
  transaction: "ltx_01jd5x3b9c0d1e2f3g4h5j6k7m",
  request: "req_01jd5x3a7z6y5x4w3v2t1s0r9q",
} as const;

export const exampleRecipient: RecipientResource = {
  id: exampleIds.recipient,
  object: "recipient",
  livemode: false,
  external_id: "user_42",
  email: "ada@example.com",
  name: "Ada Lovelace",
  country: "KE",
  locale: "en-KE",
  created_at: at("09:00:00"),
  updated_at: at("09:00:00"),
};

export const examplePayout: PayoutResource = {
  id: exampleIds.payout,
  object: "payout",
  livemode: false,
  status: "claimable",
  amount: 5000,
  currency: "USD",
  recipient_id: exampleIds.recipient,
  batch_id: null,
  description: "March bounty",
  metadata: { order_id: "6735" },
  reference: "bounty-6735",
  notify: "email",
  status_reason: {
    code: "awaiting_claim",
    message: "Waiting for the recipient to claim it with the link we emailed them, by 13 Apr 2026.",
  },
  expected_by: null,
  method: null,
  failure_reason: null,
  expires_at: "2026-04-13T09:12:00.000Z",
  claimed_at: null,
  paid_at: null,
  created_at: at("09:12:00"),
  updated_at: at("09:12:02"),
};

/** Webhook events carry no download link: it is signed when the report is read. */
export const exampleReport: ReportResource = {
  id: "rpt_01jd5x9a8b7c6d5e4f3g2h1j0k",
  object: "report",
  livemode: false,
  type: "payouts",
  parameters: { from: "2026-03-01", to: "2026-03-31" },
  status: "pending",
  progress: 0,
  row_count: null,
  summary: null,
  failure_reason: null,
  files: [],
  url: null,
  url_expires_at: null,
  created_at: at("09:30:00"),
  started_at: null,
  completed_at: null,
};

export const exampleBatch: BatchResource = {
  id: exampleIds.batch,
  object: "batch",
  livemode: false,
  name: "March bounties",
  status: "processing",
  currency: "USD",
  message: "Thanks for your help this month!",
  allowed_methods: null,
  expires_in_days: 30,
  item_count: 2,
  total_amount: 12500,
  created_at: at("09:05:00"),
  completed_at: null,
  progress: {
    ...Object.fromEntries(payoutStatuses.map((status) => [status, 0])),
    claimable: 1,
    paid: 1,
  } as BatchResource["progress"],
};

export const exampleBalance: BalanceResource = {
  object: "balance",
  livemode: false,
  currency: "USD",
  available: 987500,
  reserved: 12500,
  in_transit: 0,
  paid_out: 0,
  fees: 0,
  pending: 0,
};

export const exampleTransfer = {
  id: exampleIds.transfer,
  object: "transfer" as const,
  livemode: false,
  transaction_id: exampleIds.transaction,
  currency: "USD" as const,
  from: "available" as const,
  to: "reserved" as const,
  amount: 5000,
  phase: "single" as const,
  hold_id: null,
  payout_id: exampleIds.payout,
  description: "Reserve payout",
  created_at: at("09:12:00"),
};

export const exampleWebhookEndpoint: WebhookEndpointResource = {
  id: exampleIds.webhookEndpoint,
  object: "webhook_endpoint",
  livemode: false,
  url: "https://api.your-platform.test/webhooks/disburse",
  description: "Production receiver",
  event_types: ["payout.failed", "payout.paid"],
  status: "enabled",
  disabled_reason: null,
  disabled_at: null,
  created_at: at("08:00:00"),
  updated_at: at("08:00:00"),
};

/** Not a usable secret: the reference shows the shape only. */
export const exampleWebhookEndpointWithSecret = {
  ...exampleWebhookEndpoint,
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
};

export const exampleDelivery: WebhookDeliveryResource = {
  id: exampleIds.webhookDelivery,
  object: "webhook_delivery",
  livemode: false,
  event_id: exampleIds.event,
  event_type: "payout.paid",
  endpoint_id: exampleIds.webhookEndpoint,
  status: "succeeded",
  replay: false,
  attempt_count: 2,
  next_attempt_at: null,
  delivered_at: at("09:30:05"),
  created_at: at("09:30:00"),
  attempts: [
    {
      attempt_number: 1,
      url: exampleWebhookEndpoint.url,
      started_at: at("09:30:00"),
      duration_ms: 15000,
      response_status: null,
      response_excerpt: null,
      error: "timed out",
      next_attempt_at: at("09:30:05"),
    },
    {
      attempt_number: 2,
      url: exampleWebhookEndpoint.url,
      started_at: at("09:30:05"),
      duration_ms: 84,
      response_status: 200,
      response_excerpt: '{"received":true}',
      error: null,
      next_attempt_at: null,
    },
  ],
};

/** A delivery just created (a replay, a test event), before its first attempt. */
export const exampleScheduledDelivery: WebhookDeliveryResource = {
  ...exampleDelivery,
  status: "scheduled",
  attempt_count: 0,
  next_attempt_at: exampleDelivery.created_at,
  delivered_at: null,
  attempts: [],
};

export const exampleMethods = serializeEligibility(
  eligibleMethods({ country: "KE", currency: "USD", amount: 5000n }),
  { country: "KE", currency: "USD", amount: 5000n },
);

export function exampleList<T>(item: T) {
  return { object: "list" as const, data: [item], has_more: false };
}

/** What each event type's `data` looks like, for the `webhooks` section and `GET /events`. */
export const exampleEventData: { [T in EventType]: Record<string, unknown> } = {
  "payout.created": {
    object: { ...examplePayout, status: "pending" },
    previous_status: null,
    reason: null,
  },
  "payout.claimable": { object: examplePayout, previous_status: "pending", reason: null },
  "payout.claimed": {
    object: { ...examplePayout, status: "claimed", method: "mpesa", claimed_at: at("10:00:00") },
    previous_status: "claimable",
    reason: null,
  },
  "payout.processing": {
    object: { ...examplePayout, status: "processing", method: "mpesa", claimed_at: at("10:00:00") },
    previous_status: "claimed",
    reason: null,
  },
  "payout.paid": {
    object: {
      ...examplePayout,
      status: "paid",
      method: "mpesa",
      claimed_at: at("10:00:00"),
      paid_at: at("10:00:09"),
    },
    previous_status: "processing",
    reason: null,
  },
  "payout.failed": {
    object: {
      ...examplePayout,
      status: "failed",
      method: "mpesa",
      failure_reason: "The mobile number is not registered for M-Pesa.",
      claimed_at: at("10:00:00"),
    },
    previous_status: "processing",
    reason: "The mobile number is not registered for M-Pesa.",
  },
  "payout.returned": {
    object: { ...examplePayout, status: "returned", method: "sepa", claimed_at: at("10:00:00") },
    previous_status: "paid",
    reason: "The bank returned the transfer: account closed.",
  },
  "payout.expired": {
    object: { ...examplePayout, status: "expired" },
    previous_status: "claimable",
    reason: null,
  },
  "payout.canceled": {
    object: { ...examplePayout, status: "canceled" },
    previous_status: "claimable",
    reason: "Canceled by api_key:key_01jd5x0a1b2c3d4e5f6g7h8j9k",
  },
  "batch.created": { object: { ...exampleBatch, progress: undefined } },
  "batch.completed": {
    object: { ...exampleBatch, status: "completed", completed_at: at("09:06:00") },
  },
  "balance.low": { currency: "USD", available: 4000, threshold: 10000, projected_shortfall: null },
  "balance.funded": {
    currency: "USD",
    amount: 1000000,
    available: 1000000,
    transaction_id: exampleIds.transaction,
  },
  "recipient.review_required": {
    recipient_id: exampleIds.recipient,
    payout_id: exampleIds.payout,
    reason: "screening_match",
    details: {},
  },
  ping: { endpoint_id: exampleIds.webhookEndpoint, message: TEST_EVENT_MESSAGE },
  "payout.awaiting_tax_info": {
    object: { ...examplePayout, status: "awaiting_tax_info" },
    previous_status: "claimable",
    reason: "tax_info_required",
  },
  "report.created": { object: exampleReport },
  "report.ready": {
    object: {
      ...exampleReport,
      status: "ready",
      progress: 100,
      row_count: 1240,
      summary: { payouts: 1240, amount: { USD: 6200000 } },
      files: [
        {
          name: "payouts.csv",
          rows: 1240,
          bytes: 187_344,
          url: null,
          url_expires_at: null,
        },
      ],
      started_at: at("09:30:01"),
      completed_at: at("09:30:04"),
    },
  },
  "report.failed": {
    object: {
      ...exampleReport,
      status: "failed",
      failure_reason: "The report could not be generated; request it again.",
      started_at: at("09:30:01"),
      completed_at: at("09:30:09"),
    },
  },
  "reconciliation.exception": {
    id: "rex_01jd5x7m8n9p0q1r2s3t4v5w6x",
    provider: "paypal",
    kind: "amount_mismatch",
    period: "2026-03-13",
    payout_id: exampleIds.payout,
    provider_reference: "5UXD2E8A7EBQJ",
    currency: "USD",
    ledger_amount: 5000,
    provider_amount: 4900,
    details: "The provider paid 4900 where the ledger moved 5000.",
  },
  "recipient.help_requested": {
    recipient_id: exampleIds.recipient,
    payout_id: exampleIds.payout,
    request: "new_link",
    reason: "link_expired",
    request_id: "cla_01jd5x7m8n9p0q1r2s3t4v5w6x",
  },
};

export function exampleEvent<T extends EventType>(type: T) {
  return {
    id: exampleIds.event,
    object: "event" as const,
    type,
    livemode: false,
    created_at: at("10:00:09"),
    data: JSON.parse(JSON.stringify(exampleEventData[type])) as Record<string, unknown>,
  };
}
