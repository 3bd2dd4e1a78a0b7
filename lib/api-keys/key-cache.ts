/**
 * API keys this process has authenticated, so that a request costs no lookup. Each
 * instance listens on `api_key_changed` (a trigger sends the key's hash whenever its
 * revocation, organisation or mode changes, migration 0018) and forgets that key; a
 * revocation in this process also forgets it at once. Nothing is cached until the
 * listener is up, everything is forgotten whenever it (re)connects, since it may have
 * missed notifications meanwhile, and entries lapse after `ttlMs` in any case.
 */
import { boundedCache } from "@/lib/bounded-cache";

export type Listen = (
  channel: string,
  onNotify: (payload: string) => void,
  onListen: () => void,
) => Promise<unknown>;

export type KeyCache<T> = {
  get(hash: string): T | undefined;
  /** What a lookup begun now must hand to `set`; a change seen meanwhile voids it. */
  generation(): number;
  set(hash: string, value: T, generation: number): void;
  forget(hash: string): void;
};

export const API_KEY_CHANNEL = "api_key_changed";

export function keyCache<T>(options: {
  listen: Listen;
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}): KeyCache<T> {
  const now = options.now ?? (() => Date.now());
  const entries = boundedCache<T>({ maxEntries: options.maxEntries, now });
  let listening: "no" | "starting" | "yes" | "unavailable" = "no";
  let generation = 0;

  const forgetAll = () => {
    entries.clear();
    generation++;
  };
  const start = () => {
    listening = "starting";
    options
      .listen(
        API_KEY_CHANNEL,
        (hash) => {
          entries.delete(hash);
          generation++;
        },
        () => {
          forgetAll();
          listening = "yes";
        },
      )
      .catch(() => {
        // A pooler that cannot LISTEN, or no database yet: every request looks its key up.
        listening = "unavailable";
        forgetAll();
      });
  };

  return {
    get(hash) {
      if (listening === "no") start();
      return listening === "yes" ? entries.get(hash) : undefined;
    },
    generation: () => generation,
    set(hash, value, since) {
      if (listening !== "yes" || since !== generation) return;
      entries.set(hash, value, now() + options.ttlMs);
    },
    forget(hash) {
      entries.delete(hash);
      generation++;
    },
  };
}
