import { describe, expect, it } from "vitest";
import { rerunnable } from "./rerunnable";

describe("rerunnable", () => {
  it("folds calls made during a pass into one more pass, and never overlaps passes", async () => {
    let passes = 0;
    let concurrent = 0;
    let release: () => void = () => {};
    const task = rerunnable(async () => {
      passes++;
      concurrent++;
      expect(concurrent).toBe(1);
      if (passes === 1) await new Promise<void>((r) => (release = r));
      concurrent--;
    });
    const first = task.run();
    const during = [task.run(), task.run(), task.run()];
    expect(during.every((p) => p === first)).toBe(true);
    release();
    await Promise.all([first, ...during]);
    expect(passes).toBe(2);
    expect(task.running).toBeNull();
    await task.run();
    expect(passes).toBe(3);
  });

  it("ends the run when a pass throws, and starts afresh on the next call", async () => {
    let fail = true;
    const task = rerunnable(async () => {
      if (fail) throw new Error("down");
    });
    await expect(task.run()).rejects.toThrow("down");
    fail = false;
    await expect(task.run()).resolves.toBeUndefined();
  });
});
