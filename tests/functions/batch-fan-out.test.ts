import { InngestTestEngine } from "@inngest/test";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { batches, claimLinks, emails, events, payouts } from "@/db/schema";
import { batchFanOut } from "@/inngest/functions/batch-fan-out";
import { startBatchFanOut } from "@/inngest/functions/start-batch-fan-out";
import { createBatch, createBatchBodySchema } from "@/lib/batches/create-batch";
import { prepareNextBatchChunk } from "@/lib/batches/fan-out";
import { sendMissingBatchInvites } from "@/lib/claims/invites";
import { resolveClaimToken } from "@/lib/claims/links";
import { openEmail } from "@/lib/mail";
import { serializeBatch } from "@/lib/payouts/serialize";
import { balanceOf, fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { type EventSink, eventOf, startEventSink } from "./harness";

let sink: EventSink;
beforeAll(async () => {
  sink = await startEventSink();
});
afterAll(async () => {
  await sink.close();
});

async function campaign(items: number, options: { sanctioned?: number } = {}) {
  const { scope, organisationId } = await insertOrganisation(db);
  await fund(db, scope, 10_000_000n);
  const body = createBatchBodySchema.parse({
    name: "Spring bounties",
    currency: "USD",
    message: "Thanks for your reports!",
    items: Array.from({ length: items }, (_, i) => ({
      recipient: {
        email: `hunter${i}@example.com`,
        name: `Hunter ${i}`,
        country: i < (options.sanctioned ?? 0) ? "KP" : "US",
      },
      amount: 1_000 + i,
    })),
  });
  const { batch, payoutIds } = await createBatch(db, scope, body);
  return { scope, organisationId, batch, payoutIds };
}

function fanOutEvent(c: Awaited<ReturnType<typeof campaign>>) {
  return eventOf("disburse/batch.fan-out-requested", {
    organisation_id: c.scope.organisationId,
    mode: c.scope.mode,
    batch_id: c.batch.id,
  });
}

// Thousands of payouts through real PostgreSQL on a shared machine.
describe("batch fan-out", { timeout: 240_000 }, () => {
  it("screens, links and invites every payout in chunks, then completes the campaign", async () => {
    const c = await campaign(2_300, { sanctioned: 2 });
    const t = new InngestTestEngine({ function: batchFanOut, events: [fanOutEvent(c)] });
    const { result, ctx } = await t.execute();

    expect(result).toMatchObject({ completed: true });
    const progress = (result as { progress: Record<string, number> }).progress;
    expect(progress.claimable).toBe(2_298);
    expect(progress.canceled).toBe(2);
    expect(progress.pending).toBe(0);
    const stepIds = (ctx.step.run as unknown as { mock: { calls: [string][] } }).mock.calls.map(
      (call) => call[0],
    );
    expect(stepIds).toEqual(
      expect.arrayContaining([
        "prepare-chunk-0",
        "prepare-chunk-2",
        "invite-chunk-2",
        "complete-batch",
      ]),
    );

    const invites = await db
      .select()
      .from(emails)
      .where(and(eq(emails.organisationId, c.organisationId), eq(emails.kind, "invite")));
    expect(invites).toHaveLength(2_298);
    const [sample] = invites;
    expect(sample?.subject).toMatch(/^Acme Creators sent you \$\d+\.\d\d$/);
    expect(openEmail(sample)?.text).toContain("Thanks for your reports!");
    // The link in the email opens its own payout.
    const token = /\/c\/([A-Za-z0-9_-]{43})/.exec(openEmail(sample)?.text ?? "")?.[1] as string;
    const claim = await resolveClaimToken(db, token);
    expect(claim?.payout.id).toBe(sample?.subjectRef);
    expect(claim?.payout.status).toBe("claimable");
    const [link] = await db
      .select()
      .from(claimLinks)
      .where(eq(claimLinks.payoutId, claim?.payout.id as string));
    expect(sample?.idempotencyKey).toBe(`invite:${claim?.payout.id}:${link?.id}`);

    const [batch] = await db.select().from(batches).where(eq(batches.id, c.batch.id));
    expect(batch?.status).toBe("completed");
    const completed = await db
      .select()
      .from(events)
      .where(and(eq(events.organisationId, c.organisationId), eq(events.type, "batch.completed")));
    expect(completed).toHaveLength(1);
    // The sanctioned recipients' funds went back; the rest stay reserved.
    const balance = await balanceOf(db, c.scope);
    const reserved = c.payoutIds.length * 1_000 + (2_300 * 2_299) / 2 - (1_000 + 1_001);
    expect(balance.reserved).toBe(BigInt(reserved));
    // Everything the fan-out wrote to the outbox was relayed to Inngest.
    const relayed = await sink.received("batch.completed");
    expect(relayed.map((e) => e.id)).toContain(completed[0]?.id);
  });

  it("resumes a fan-out that stopped part-way, and a repeat changes nothing", async () => {
    const c = await campaign(1_500);
    await prepareNextBatchChunk(db, c.scope, c.batch.id);
    const t = new InngestTestEngine({ function: batchFanOut, events: [fanOutEvent(c)] });
    await t.execute();
    await t.execute();
    const invites = await db
      .select({ key: emails.idempotencyKey })
      .from(emails)
      .where(
        and(eq(emails.organisationId, c.organisationId), like(emails.idempotencyKey, "invite:%")),
      );
    expect(invites).toHaveLength(1_500);
    const claimable = await db
      .select({ id: payouts.id })
      .from(payouts)
      .where(and(eq(payouts.batchId, c.batch.id), eq(payouts.status, "claimable")));
    expect(claimable).toHaveLength(1_500);
    const completed = await db
      .select()
      .from(events)
      .where(and(eq(events.organisationId, c.organisationId), eq(events.type, "batch.completed")));
    expect(completed).toHaveLength(1);
  });

  it("starts the fan-out of a new campaign that needs no approval", async () => {
    const c = await campaign(3);
    const t = new InngestTestEngine({
      function: startBatchFanOut,
      events: [
        eventOf("batch.created", {
          organisation_id: c.scope.organisationId,
          mode: c.scope.mode,
          object: serializeBatch(c.batch),
        }),
      ],
    });
    const { ctx } = await t.execute();
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "request-fan-out",
      expect.objectContaining({
        name: "disburse/batch.fan-out-requested",
        data: { organisation_id: c.scope.organisationId, mode: "test", batch_id: c.batch.id },
      }),
    );
  });

  it("invites each chunk while the next is prepared, reading every payout once", async () => {
    const c = await campaign(2_300);
    const t = new InngestTestEngine({ function: batchFanOut, events: [fanOutEvent(c)] });
    const { ctx } = await t.execute();
    const run = (ctx.step.run as unknown as { mock: { calls: [string][] } }).mock;
    expect(run.calls.map((call) => call[0])).toEqual([
      "prepare-chunk-0",
      "prepare-chunk-1",
      "prepare-chunk-2",
      "invite-chunk-2",
      "complete-batch",
    ]);
    // From the previous invite's last payout on, only the rest is read.
    const ids = [...c.payoutIds].sort();
    const rest = await sendMissingBatchInvites(db, c.scope, c.batch.id, {
      after: ids[2_000] as string,
    });
    expect(rest).toEqual({ invited: 0, examined: 0, last: ids[2_000] });
  });

  it("invites the payouts after a given one, and says which it looked at last", async () => {
    const c = await campaign(30);
    for (;;) if ((await prepareNextBatchChunk(db, c.scope, c.batch.id)).done) break;
    const ids = [...c.payoutIds].sort();
    const first = await sendMissingBatchInvites(db, c.scope, c.batch.id, { limit: 10 });
    expect(first).toEqual({ invited: 10, examined: 10, last: ids[9] });
    const next = await sendMissingBatchInvites(db, c.scope, c.batch.id, {
      limit: 10,
      after: ids[14] as string,
    });
    expect(next).toEqual({ invited: 10, examined: 10, last: ids[24] });
    // Those skipped are still found by a pass from the start.
    const again = await sendMissingBatchInvites(db, c.scope, c.batch.id, { limit: 100 });
    expect(again).toEqual({ invited: 10, examined: 10, last: ids[29] });
    const invited = await db
      .select({ ref: emails.subjectRef })
      .from(emails)
      .where(and(eq(emails.organisationId, c.organisationId), eq(emails.kind, "invite")));
    expect(invited).toHaveLength(30);
  });
});
