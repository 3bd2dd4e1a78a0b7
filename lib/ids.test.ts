import { describe, expect, it } from "vitest";
import { hasPrefix, newId, newIds } from "./ids";

const shape = /^po_[0-9a-hjkmnp-tv-z]{26}$/;

describe("ids", () => {
  it("never repeats across many refills of the randomness pool", () => {
    const ids = [
      ...Array.from({ length: 20_000 }, () => newId("payout")),
      ...newIds("payout", 5_000),
      ...Array.from({ length: 200 }, () => newIds("payout", 7)).flat(),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => shape.test(id) && hasPrefix(id, "payout"))).toBe(true);
  });

  it("sorts by creation time", async () => {
    const first = newId("payout");
    await new Promise((resolve) => setTimeout(resolve, 2));
    const [second] = newIds("payout", 1);
    expect(first < (second as string)).toBe(true);
  });

  it("sorts ids made in the same millisecond in the order they were made", () => {
    const made = [
      ...Array.from({ length: 5_000 }, () => newId("email")),
      ...newIds("email", 5_000),
      newId("email"),
    ];
    const sorted = [...made].sort();
    expect(sorted).toEqual(made);
    // Still unguessable: neighbours differ by more than a counter would.
    const tails = new Set(made.map((id) => id.slice(-4)));
    expect(tails.size).toBeGreaterThan(5_000);
  });
});
