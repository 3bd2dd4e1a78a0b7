/**
 * An in-process cache with a size bound and an expiry per entry. When full, the entry
 * stored longest ago goes first (a Map iterates in insertion order).
 */
export type BoundedCache<T> = {
  get(key: string): T | undefined;
  set(key: string, value: T, expiresAt: number): void;
  delete(key: string): void;
  clear(): void;
};

export function boundedCache<T>(options: {
  maxEntries: number;
  now?: () => number;
}): BoundedCache<T> {
  const now = options.now ?? (() => Date.now());
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, expiresAt) {
      entries.delete(key);
      if (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { value, expiresAt });
    },
    delete: (key) => {
      entries.delete(key);
    },
    clear: () => entries.clear(),
  };
}
