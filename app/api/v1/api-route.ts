import { relayEvents } from "@/inngest/relay";
import { createApiRoute } from "@/lib/api/handler";

/** The API's handler wrapper, bound to the background engine that takes its events. */
export const apiRoute = createApiRoute({ afterCommit: relayEvents });
