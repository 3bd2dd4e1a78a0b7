import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { rescreenOpenPayouts } from "@/inngest/functions/rescreen-open-payouts";
import { loadSanctionsList, versionsAwaitingRescreen } from "@/lib/compliance/lists/load";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { preparePayouts } from "@/lib/payouts/prepare-payouts";
import { getPayout } from "@/lib/payouts/queries";
import { fund, insertOrganisation } from "@/tests/payouts/fixtures";
import { type EventSink, eventOf, startEventSink } from "./harness";

let sink: EventSink;
beforeAll(async () => {
  sink = await startEventSink();
});
afterAll(async () => {
  await sink.close();
});

describe("rescreening after a list update", { timeout: 120_000 }, () => {
  it("holds open payouts a new version matches, in chunked steps, then marks the version done", async () => {
    const { scope } = await insertOrganisation(db);
    await fund(db, scope, 100_000n);
    const ids: string[] = [];
    for (const name of ["Oskar Brandvold", "Maya Chen"]) {
      const payout = await createPayout(
        db,
        scope,
        createPayoutBodySchema.parse({
          recipient: {
            email: `${name.split(" ")[0]?.toLowerCase()}@example.com`,
            name,
            country: "NO",
          },
          amount: 1_000,
          currency: "USD",
        }),
      );
      ids.push(payout.id);
    }
    await preparePayouts(db, scope, ids);
    const { version } = await loadSanctionsList(db, {
      files: [
        {
          name: "uk.csv",
          bytes: new TextEncoder().encode("name,type,country\nBRANDVOLD Oskar,individual,RU\n"),
        },
      ],
      loadedBy: "test",
    });

    const t = new InngestTestEngine({
      function: rescreenOpenPayouts,
      events: [eventOf("disburse/sanctions-list.loaded", { version_id: version.id })],
    });
    const { result } = await t.execute();

    expect(result).toMatchObject({ versions: [version.id], held: 1 });
    expect((await getPayout(db, scope, ids[0] as string))?.status).toBe("awaiting_review");
    expect((await getPayout(db, scope, ids[1] as string))?.status).toBe("claimable");
    expect((await versionsAwaitingRescreen(db)).map((v) => v.id)).not.toContain(version.id);
  });
});
