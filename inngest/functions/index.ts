import { applyProviderEventFunction, applyProviderEventsSweep } from "./apply-provider-events";
import { batchFanOut } from "./batch-fan-out";
import { checkProjectedDemand } from "./check-projected-demand";
import { deliverWebhooks } from "./deliver-webhooks";
import { expirePayouts } from "./expire-payouts";
import { fetchSanctionsList } from "./fetch-sanctions-list";
import { generateReportFunction } from "./generate-report";
import { inviteReviewedPayout } from "./invite-reviewed-payout";
import { monitorBalance } from "./monitor-balance";
import { notifyHelpRequested } from "./notify-help-requested";
import { notifyPayoutExpired } from "./notify-payout-expired";
import { notifyPayoutFailed } from "./notify-payout-failed";
import { notifyPayoutStopped } from "./notify-payout-stopped";
import { pollProviderPayoutsSweep } from "./poll-provider-payouts";
import { preparePayout } from "./prepare-payout";
import { purgeIdempotencyKeys } from "./purge-idempotency-keys";
import { purgeMailContentSweep } from "./purge-mail-content";
import { purgeWebhookLogsSweep } from "./purge-webhook-logs";
import { reconcileProvider, requestDailyReconciliation } from "./reconcile-providers";
import { relayOutboxSweep } from "./relay-outbox";
import { rescreenOpenPayouts } from "./rescreen-open-payouts";
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
  applyProviderEventFunction,
  applyProviderEventsSweep,
  requestDailyReconciliation,
  reconcileProvider,
  sendReceipt,
  notifyPayoutFailed,
  sendClaimReminders,
  expirePayouts,
  notifyPayoutExpired,
  notifyHelpRequested,
  // Balances
  monitorBalance,
  checkProjectedDemand,
  sweepBalances,
  // Housekeeping
  purgeIdempotencyKeys,
  purgeMailContentSweep,
  purgeWebhookLogsSweep,
  // Compliance
  fetchSanctionsList,
  rescreenOpenPayouts,
  notifyPayoutStopped,
  // Reports
  generateReportFunction,
];
