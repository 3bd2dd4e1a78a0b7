/** One page of a newest-first list, and whether an older page follows. */
export type Page<T> = { data: T[]; hasMore: boolean };

/**
 * Keyset pagination over time-ordered ids: a list query fetches `limit + 1` rows, and
 * the extra one only says that another page exists.
 */
export function splitPage<R>(rows: R[], limit: number): Page<R> {
  return { data: rows.slice(0, limit), hasMore: rows.length > limit };
}
