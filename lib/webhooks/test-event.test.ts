import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { auditLog, events, webhookDeliveries } from "@/db/schema";
import { organisationWithOwner, ownerContext } from "@/tests/dashboard/fixtures";
import { createEndpointAsMember, sendTestEventAsMember } from "./member-actions";

process.env.AUTH_SECRET ??= "test-secret-for-sealing-webhook-secrets-0000";

describe("Send test event in the dashboard", () => {
  it("writes one ping event, one delivery to that endpoint, and an audit entry", async () => {
    const { org, owner } = await organisationWithOwner(db, "Dashboard pings");
    const member = await ownerContext(db, owner.id, org.id);
    const { endpoint } = await createEndpointAsMember(db, member, {
      url: "http://localhost:4010/hooks",
      eventTypes: ["payout.paid"],
    });
    await createEndpointAsMember(db, member, {
      url: "http://localhost:4011/other",
      eventTypes: [],
    });

    const delivery = await sendTestEventAsMember(db, member, endpoint.id);

    const [event] = await db.select().from(events).where(eq(events.id, delivery.eventId));
    expect(event).toMatchObject({ type: "ping", organisationId: org.id, mode: "test" });
    expect(event?.data).toMatchObject({ endpoint_id: endpoint.id });
    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventId, delivery.eventId));
    expect(deliveries.map((d) => d.endpointId)).toEqual([endpoint.id]);
    const audit = await db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.organisationId, org.id), eq(auditLog.action, "webhook_endpoint.test")),
      );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.targetId).toBe(endpoint.id);
  });
});
