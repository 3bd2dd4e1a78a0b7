import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { emails, memberships, users, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { deliverWebhooks } from "@/inngest/functions/deliver-webhooks";
import { relayOutboxSweep } from "@/inngest/functions/relay-outbox";
import { recordEvents } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/fixtures/webhook-receiver";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { type EventSink, startEventSink } from "./harness";

let sink: EventSink;
let receiver: WebhookReceiver;
beforeAll(async () => {
  sink = await startEventSink();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await sink.close();
});

/** What the relay sends after creating deliveries. */
const due = { name: "disburse/webhook.deliveries-due", data: { reason: "relay" } };

function funded(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    type: "balance.funded" as const,
    data: {
      currency: "EUR" as const,
      amount: 100n + BigInt(i),
      available: 900n,
      transaction_id: `ltx_${i}`,
    },
  }));
}

describe("webhook functions", () => {
  it("relays the outbox, then delivers each event signed to a verifying receiver", async () => {
    const { scope } = await insertOrganisation(db);
    const { secret } = await createWebhookEndpoint(db, scope, { url: receiver.url("/fn-a") });
    receiver.register("/fn-a", secret);
    const ids = await recordEvents(db, scope, funded(3));

    const relay = new InngestTestEngine({ function: relayOutboxSweep });
    const { result, ctx } = await relay.execute();
    expect(result).toMatchObject({ deliveries: 3 });
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "nudge-webhook-deliveries",
      expect.objectContaining({ name: "disburse/webhook.deliveries-due" }),
    );
    expect((await sink.received("balance.funded")).map((e) => e.id)).toEqual(
      expect.arrayContaining(ids),
    );

    const deliver = new InngestTestEngine({ function: deliverWebhooks, events: [due] });
    const run = await deliver.execute();
    // @inngest/test may run a parallel step twice; the second finds the attempt taken and
    // sends nothing (that guard is the point), so the first may still be sending here.
    await expect
      .poll(
        () =>
          receiver
            .on("/fn-a")
            .map((r) => r.headers["webhook-id"])
            .sort(),
        {
          timeout: 20_000,
        },
      )
      .toEqual([...ids].sort());
    const got = receiver.on("/fn-a");
    expect(got.every((r) => r.verified)).toBe(true);
    const stepIds = (run.ctx.step.run as unknown as { mock: { calls: [string][] } }).mock.calls.map(
      (c) => c[0],
    );
    // One step takes the due deliveries as a group and makes each attempt (issue 20).
    expect(stepIds).toContain("deliver-due-0");
    expect(run.result).toMatchObject({ succeeded: 3 });
  });

  it("asks for another run while a backlog remains", async () => {
    const { scope } = await insertOrganisation(db);
    const { secret } = await createWebhookEndpoint(db, scope, { url: receiver.url("/fn-b") });
    receiver.register("/fn-b", secret);
    await recordEvents(db, scope, funded(30));
    await new InngestTestEngine({ function: relayOutboxSweep }).execute();

    const first = await new InngestTestEngine({
      function: deliverWebhooks,
      events: [due],
      // The first pass ran out of its time budget with deliveries still due (a backlog
      // of thousands); the second pass is real and delivers the 30.
      steps: [
        {
          id: "deliver-due-0",
          handler: () => ({ attempted: 0, counts: {}, disabledEndpoints: [], more: true }),
        },
      ],
    }).execute();
    expect(first.ctx.step.sendEvent).toHaveBeenCalledWith(
      "more-deliveries-due",
      expect.arrayContaining([
        expect.objectContaining({
          name: "disburse/webhook.deliveries-due",
          // Ids of the nudging run, never of the second: repeats within a second are not dropped.
          id: expect.stringMatching(/^webhook-backlog:[^:]+:0$/),
        }),
      ]),
    );
    const second = await new InngestTestEngine({
      function: deliverWebhooks,
      events: [due],
    }).execute();
    expect(second.ctx.step.sendEvent).not.toHaveBeenCalled();
    expect(receiver.on("/fn-b")).toHaveLength(30);
    expect(receiver.on("/fn-b").every((r) => r.verified)).toBe(true);
  });

  it("tells the organisation when an endpoint answers 410 Gone", async () => {
    const { scope, organisationId } = await insertOrganisation(db);
    const userId = newId("user");
    await db.insert(users).values({ id: userId, email: "ops@example.com" });
    await db.insert(memberships).values({ organisationId, userId, role: "admin" });
    const { endpoint, secret } = await createWebhookEndpoint(db, scope, {
      url: receiver.url("/fn-gone"),
    });
    receiver.register("/fn-gone", secret);
    receiver.answer("/fn-gone", () => ({ status: 410 }));
    await recordEvents(db, scope, funded(1));
    await new InngestTestEngine({ function: relayOutboxSweep }).execute();

    const { ctx } = await new InngestTestEngine({
      function: deliverWebhooks,
      events: [due],
    }).execute();
    expect(ctx.step.run).toHaveBeenCalledWith(
      `notify-endpoint-disabled-${endpoint.id}`,
      expect.any(Function),
    );
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));
    expect(row?.disabledReason).toBe("endpoint_gone");
    const notices = await db.select().from(emails).where(eq(emails.subjectRef, endpoint.id));
    expect(notices.map((n) => n.to)).toEqual(["ops@example.com"]);
    const [delivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(delivery?.status).toBe("failed");
  });
});
