import type { AnyOperation } from "../operation";
import * as batches from "./batches";
import * as events from "./events";
import * as funding from "./funding";
import * as ledger from "./ledger";
import * as methods from "./methods";
import * as payouts from "./payouts";
import * as recipients from "./recipients";
import * as reports from "./reports";
import * as screenings from "./screenings";
import * as testHelpers from "./test-helpers";
import * as webhookEndpoints from "./webhook-endpoints";

function operationsIn(module: Record<string, unknown>): AnyOperation[] {
  return Object.values(module).filter(
    (value): value is AnyOperation =>
      typeof value === "object" && value !== null && "operationId" in value && "response" in value,
  );
}

/** Every public endpoint, in the order the reference shows them. */
export const allOperations: AnyOperation[] = [
  recipients,
  payouts,
  batches,
  ledger,
  funding,
  events,
  webhookEndpoints,
  methods,
  testHelpers,
  screenings,
  reports,
].flatMap(operationsIn);
