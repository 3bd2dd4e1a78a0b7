import type { EventRow } from "./queries";
import { type EventResource, eventTypeSchema } from "./types";

export function serializeEvent(row: EventRow): EventResource {
  return {
    id: row.id,
    object: "event",
    type: eventTypeSchema.parse(row.type),
    livemode: row.mode === "live",
    created_at: row.createdAt.toISOString(),
    data: row.data,
  };
}
