import { describe, expect, it } from "vitest";
import { boundedCache } from "./bounded-cache";

describe("boundedCache", () => {
  it("forgets entries at their expiry", () => {
    let time = 0;
    const cache = boundedCache<string>({ maxEntries: 10, now: () => time });
    cache.set("a", "A", 100);
    time = 99;
    expect(cache.get("a")).toBe("A");
    time = 100;
    expect(cache.get("a")).toBeUndefined();
  });

  it("drops the entries stored longest ago to stay within its count and its weight", () => {
    const cache = boundedCache<string>({
      maxEntries: 3,
      weigh: (value) => value.length,
      maxWeight: 10,
      now: () => 0,
    });
    for (const key of ["a", "b", "c", "d"]) cache.set(key, key, 1);
    expect(["a", "b", "c", "d"].map((k) => cache.get(k))).toEqual([undefined, "b", "c", "d"]);

    cache.set("e", "eeeeeeee", 1);
    expect(["c", "d", "e"].map((k) => cache.get(k))).toEqual(["c", "d", "eeeeeeee"]);
    cache.set("g", "gg", 1);
    expect(["c", "d", "e", "g"].map((k) => cache.get(k))).toEqual([
      undefined,
      undefined,
      "eeeeeeee",
      "gg",
    ]);

    cache.set("huge", "x".repeat(11), 1);
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.get("e")).toBe("eeeeeeee");

    cache.set("e", "e", 1);
    cache.set("f", "fffffff", 1);
    expect(["g", "e", "f"].map((k) => cache.get(k))).toEqual(["gg", "e", "fffffff"]);
  });
});
