export {
  Disburse,
  type DisburseOptions,
  type ListItem,
  type ListPath,
  type ResponseOf,
} from "./client";
export {
  DisburseConnectionError,
  DisburseError,
  isDisburseError,
  type Problem,
  type ProblemCode,
} from "./errors";
export type { components, operations, paths, webhooks } from "./schema";
export {
  verifyWebhook,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
} from "./webhooks";

import type { components } from "./schema";

type Schemas = components["schemas"];
export type Recipient = Schemas["Recipient"];
export type Payout = Schemas["Payout"];
export type Batch = Schemas["Batch"];
export type Balance = Schemas["Balance"];
export type Event = Schemas["Event"];
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
