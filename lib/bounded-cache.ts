/**
 * An in-process cache with a size bound and an expiry per entry. When full, the entries
 * stored longest ago go first (a Map iterates in insertion order). `weigh` adds a second
 * bound, on the total weight (e.g. bytes) of what is kept.
 */
export type BoundedCache<T> = {
  get(key: string): T | undefined;
  set(key: string, value: T, expiresAt: number): void;
  delete(key: string): void;
  clear(): void;
};

export function boundedCache<T>(options: {
  maxEntries: number;
  weigh?: (value: T) => number;
  maxWeight?: number;
  now?: () => number;
}): BoundedCache<T> {
  const now = options.now ?? (() => Date.now());
  const weigh = options.weigh ?? (() => 0);
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  const entries = new Map<string, { value: T; expiresAt: number; weight: number }>();
  let total = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    total -= entry.weight;
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        remove(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, expiresAt) {
      remove(key);
      const weight = weigh(value);
      if (weight > maxWeight) return;
      while (entries.size >= options.maxEntries || total + weight > maxWeight) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        remove(oldest);
      }
      entries.set(key, { value, expiresAt, weight });
      total += weight;
    },
    delete: remove,
    clear: () => {
      entries.clear();
      total = 0;
    },
  };
}
