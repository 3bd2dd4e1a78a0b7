import { z } from "zod";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

/** Query strings carry text; a page size is a whole number from 1 to 100. */
export const limitSchema = z
  .string()
  .regex(/^\d+$/, "a whole number from 1 to 100")
  .transform(Number)
  .pipe(z.int().min(1, "at least 1").max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE}`))
  .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` });

export const paginationQuerySchema = z.object({
  limit: limitSchema.optional(),
  starting_after: z.string().min(1).max(100).optional().meta({
    description: "The id of the last object of the previous page; lists run newest first",
  }),
});

export type PaginationQuery = z.output<typeof paginationQuerySchema>;

export function pageOf(query: PaginationQuery): { limit: number; startingAfter?: string } {
  return {
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
  };
}

export function listSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      object: z.literal("list"),
      data: z.array(item),
      has_more: z.boolean().meta({ description: "Whether another page follows this one" }),
    })
    .meta({ id });
}

export function toList<R, T>(
  page: { data: R[]; hasMore: boolean },
  serialize: (row: R) => T,
): { object: "list"; data: T[]; has_more: boolean } {
  return { object: "list", data: page.data.map(serialize), has_more: page.hasMore };
}

/**
 * Newest-first keyset pagination over time-ordered ids: fetch one extra row to learn
 * whether another page exists.
 */
export function splitPage<R>(rows: R[], limit: number): { data: R[]; hasMore: boolean } {
  return { data: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** ISO 8601 instants in query strings, e.g. `created[gte]=2026-01-01T00:00:00Z`. */
export const instantQuerySchema = z.iso
  .datetime({ offset: true, error: "an ISO 8601 date-time such as 2026-01-31T12:00:00Z" })
  .transform((v) => new Date(v));
