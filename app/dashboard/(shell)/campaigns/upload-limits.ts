/** 100,000 rows of a generous width; the row limit is what really applies. */
export const MAX_CSV_BYTES = 50 * 1024 * 1024;
