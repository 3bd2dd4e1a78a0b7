import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { insertOrganisation } from "@/tests/payouts/fixtures";
import { recordEvent, recordEvents } from "./outbox";
import { getEvent, listEvents } from "./queries";
import { serializeEvent } from "./serialize";

describe("outbox", () => {
  it("stores validated payloads, with bigints as JSON integers", async () => {
    const { scope } = await insertOrganisation(db);
    const id = await recordEvent(db, scope, "balance.funded", {
      currency: "USD",
      amount: 5_000n,
      available: 12_000n,
      transaction_id: "ltx_1",
    });
    const row = await getEvent(db, scope, id);
    expect(row && serializeEvent(row)).toMatchObject({
      id,
      object: "event",
      type: "balance.funded",
      livemode: false,
      data: { currency: "USD", amount: 5_000, available: 12_000, transaction_id: "ltx_1" },
    });
  });

  it("refuses a malformed payload, or an amount a JSON number cannot hold exactly", async () => {
    const { scope } = await insertOrganisation(db);
    await expect(
      recordEvent(db, scope, "balance.low", {
        currency: "USD",
        available: 2n ** 60n,
        threshold: 1n,
      }),
    ).rejects.toThrow(/fits a JSON integer/);
    await expect(
      recordEvent(db, scope, "balance.funded", { currency: "usd" } as never),
    ).rejects.toThrow();
    expect((await listEvents(db, scope, { limit: 10 })).data).toEqual([]);
  });

  it("lists newest first by type, paging by id, and only within the scope", async () => {
    const { scope } = await insertOrganisation(db);
    const other = await insertOrganisation(db);
    const funded = (n: number) => ({
      type: "balance.funded" as const,
      data: {
        currency: "USD" as const,
        amount: BigInt(n),
        available: BigInt(n),
        transaction_id: `ltx_${n}`,
      },
    });
    const ids: string[] = [];
    // Ids order by millisecond; a pause keeps these in distinct ones.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 3));
    for (let n = 1; n <= 3; n++) {
      ids.push(...(await recordEvents(db, scope, [funded(n)])));
      await tick();
      ids.push(
        await recordEvent(db, scope, "balance.low", {
          currency: "USD",
          available: BigInt(n),
          threshold: 100n,
        }),
      );
      await tick();
    }
    await recordEvents(db, other.scope, [funded(9)]);
    await recordEvents(db, { ...scope, mode: "live" }, [funded(8)]);

    const all = await listEvents(db, scope, { limit: 10 });
    expect(all.data.map((e) => e.id)).toEqual([...ids].reverse());
    const lows = await listEvents(db, scope, { types: ["balance.low"], limit: 2 });
    expect(lows.data.map((e) => e.type)).toEqual(["balance.low", "balance.low"]);
    expect(lows.hasMore).toBe(true);
    const rest = await listEvents(db, scope, {
      types: ["balance.low"],
      limit: 2,
      startingAfter: lows.data[1]?.id,
    });
    expect(rest).toMatchObject({ hasMore: false, data: [{ id: ids[1] }] });
    expect(await getEvent(db, other.scope, ids[0] as string)).toBeNull();
  });
});
