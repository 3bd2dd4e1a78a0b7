import { describe, expect, it } from "vitest";
import { keyCache, type Listen } from "./key-cache";

function harness() {
  let notify: (payload: string) => void = () => {};
  let ready: () => void = () => {};
  let calls = 0;
  let time = 0;
  const listen: Listen = async (_channel, onNotify, onListen) => {
    calls++;
    notify = onNotify;
    ready = onListen;
  };
  const cache = keyCache<string>({ listen, ttlMs: 1_000, maxEntries: 2, now: () => time });
  return {
    cache,
    notify: (hash: string) => notify(hash),
    connect: () => ready(),
    advance: (ms: number) => {
      time += ms;
    },
    listenCalls: () => calls,
  };
}

describe("keyCache", () => {
  it("caches nothing until its listener is up, then until a change is announced", () => {
    const h = harness();
    expect(h.cache.get("a")).toBeUndefined();
    h.cache.set("a", "key a", h.cache.generation());
    expect(h.cache.get("a")).toBeUndefined();

    h.connect();
    h.cache.set("a", "key a", h.cache.generation());
    expect(h.cache.get("a")).toBe("key a");
    h.notify("a");
    expect(h.cache.get("a")).toBeUndefined();
    expect(h.listenCalls()).toBe(1);
  });

  it("drops a lookup that raced a change, and forgets everything on reconnect", () => {
    const h = harness();
    h.cache.get("a");
    h.connect();
    const before = h.cache.generation();
    h.notify("a");
    h.cache.set("a", "stale", before);
    expect(h.cache.get("a")).toBeUndefined();

    h.cache.set("b", "key b", h.cache.generation());
    h.connect();
    expect(h.cache.get("b")).toBeUndefined();
  });

  it("lets entries lapse and keeps at most maxEntries", () => {
    const h = harness();
    h.cache.get("a");
    h.connect();
    for (const hash of ["a", "b", "c"]) h.cache.set(hash, hash, h.cache.generation());
    expect(h.cache.get("a")).toBeUndefined();
    expect(h.cache.get("c")).toBe("c");
    h.advance(1_000);
    expect(h.cache.get("c")).toBeUndefined();
  });

  it("looks every key up when it cannot listen", async () => {
    const cache = keyCache<string>({
      listen: async () => {
        throw new Error("pooler: LISTEN is not supported");
      },
      ttlMs: 1_000,
      maxEntries: 10,
    });
    cache.get("a");
    await new Promise((r) => setTimeout(r, 0));
    cache.set("a", "key a", cache.generation());
    expect(cache.get("a")).toBeUndefined();
  });
});
