import { describe, expect, it } from "vitest";
import { coalescer } from "./coalesce";

function recorder(options: { failGroupsWith?: number } = {}) {
  const calls: string[] = [];
  const run = coalescer<number, string>({
    maxGroup: 3,
    alone: async (n) => {
      calls.push(`alone ${n}`);
      if (n === options.failGroupsWith) throw new Error(`no ${n}`);
      return `one ${n}`;
    },
    group: async (items) => {
      calls.push(`group ${items.join(",")}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (options.failGroupsWith !== undefined && items.includes(options.failGroupsWith)) {
        throw new Error("group refused");
      }
      return items.map((n) => `many ${n}`);
    },
  });
  return { calls, run };
}

describe("coalescer", () => {
  it("sends a lone call alone, then groups what queued meanwhile, at most maxGroup at a time", async () => {
    const { calls, run } = recorder();
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => run("k", n)));
    expect(calls).toEqual(["alone 1", "group 2,3,4", "group 5,6"]);
    expect(results).toEqual(["one 1", "many 2", "many 3", "many 4", "many 5", "many 6"]);
  });

  it("keeps keys apart", async () => {
    const { calls, run } = recorder();
    await Promise.all([run("a", 1), run("b", 2), run("a", 3), run("b", 4)]);
    expect(calls).toEqual(["alone 1", "alone 2", "alone 3", "alone 4"]);
  });

  it("retries a failed group one call at a time, each with its own outcome", async () => {
    const { calls, run } = recorder({ failGroupsWith: 3 });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => run("k", n)));
    expect(calls).toEqual(["alone 1", "group 2,3,4", "alone 2", "alone 3", "alone 4"]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : String(o.reason)))).toEqual([
      "one 1",
      "one 2",
      "Error: no 3",
      "one 4",
    ]);
  });
});
