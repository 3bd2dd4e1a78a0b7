import { batchFanOut } from "./batch-fan-out";
import { checkProjectedDemand } from "./check-projected-demand";
import { deliverWebhooks } from "./deliver-webhooks";
import { expirePayouts } from "./expire-payouts";
import { generateReportFunction } from "./generate-report";
import { inviteReviewedPayout } from "./invite-reviewed-payout";
import { monitorBalance } from "./monitor-balance";
import { notifyPayoutFailed } from "./notify-payout-failed";
import { pollProviderPayoutsSweep } from "./poll-provider-payouts";
import { preparePayout } from "./prepare-payout";
import { purgeIdempotencyKeys } from "./purge-idempotency-keys";
import { relayOutboxSweep } from "./relay-outbox";
import { resumeBatchFanOuts } from "./resume-batch-fan-outs";
import { sendClaimReminders } from "./send-claim-reminders";
import { sendReceipt } from "./send-receipt";
import { startBatchFanOut } from "./start-batch-fan-out";
import { submitPayout } from "./submit-payout";
import { sweepBalances } from "./sweep-balances";

/** Every function the app serves at /api/inngest. */
export const functions = [
  // Outbox and webhooks
  relayOutboxSweep,
  deliverWebhooks,
  // Campaigns
  startBatchFanOut,
  batchFanOut,
  resumeBatchFanOuts,
  // A payout's life
  preparePayout,
  inviteReviewedPayout,
  submitPayout,
  pollProviderPayoutsSweep,
  sendReceipt,
  notifyPayoutFailed,
  sendClaimReminders,
  expirePayouts,
  // Balances
  monitorBalance,
  checkProjectedDemand,
  sweepBalances,
  // Housekeeping
  purgeIdempotencyKeys,
  // Reports
  generateReportFunction,
];
