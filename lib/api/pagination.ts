import { z } from "zod";
import { type IdKind, idPrefix, isIdOf } from "@/lib/ids";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

/** Query strings carry text; a page size is a whole number from 1 to 100. */
export const limitSchema = z
  .string()
  .regex(/^\d+$/, "a whole number from 1 to 100")
  .transform(Number)
  .pipe(z.int().min(1, "at least 1").max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE}`))
  .meta({
    description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    // Documented as the integer it is; the query string carries its digits.
    override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
      for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
      Object.assign(jsonSchema, {
        type: "integer",
        minimum: 1,
        maximum: MAX_PAGE_SIZE,
        default: DEFAULT_PAGE_SIZE,
        description: `Page size, 1 to ${MAX_PAGE_SIZE}`,
      });
    },
  });

/** A query parameter naming one object of `kind`: anything but such an id is a mistake. */
export function idQuerySchema(kind: IdKind, description: string) {
  const shape = `${idPrefix(kind)}_…`;
  return z
    .string()
    .refine((id) => isIdOf(id, kind), `a ${shape} id`)
    .meta({ description: `${description} (${shape})` });
}

/**
 * `limit` and `starting_after` of a list of `kind` objects. The cursor must have the
 * shape of such an id (a mistyped one would otherwise page from an arbitrary place); it
 * need not exist any more, since lists page by id order.
 */
export function paginationQuerySchema(kind: IdKind) {
  return z.object({
    limit: limitSchema.optional(),
    starting_after: idQuerySchema(
      kind,
      "The id of the last object of the previous page; lists run newest first",
    ).optional(),
  });
}

export type PaginationQuery = z.output<ReturnType<typeof paginationQuerySchema>>;

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

/** ISO 8601 instants in query strings, e.g. `created[gte]=2026-01-01T00:00:00Z`. */
const instantQuerySchema = z.iso
  .datetime({ offset: true, error: "an ISO 8601 date-time such as 2026-01-31T12:00:00Z" })
  .meta({
    description: "An ISO 8601 date-time with its offset",
    example: "2026-01-31T12:00:00Z",
    // `format: date-time` says it; zod's regex for it is unreadable in the reference.
    override: ({ jsonSchema }: { jsonSchema: { pattern?: string } }) => {
      delete jsonSchema.pattern;
    },
  })
  .transform((v) => new Date(v));

const createdBound = (description: string) =>
  instantQuerySchema.optional().meta({ description: `Only those created ${description}` });

/** The creation-time filters a list may take, each saying which bound it is. */
export const createdQuerySchemas = {
  "created[gt]": createdBound("after this instant"),
  "created[gte]": createdBound("at or after this instant"),
  "created[lt]": createdBound("before this instant"),
  "created[lte]": createdBound("at or before this instant"),
  created_after: createdBound("after this instant (as `created[gt]`)"),
  created_before: createdBound("before this instant (as `created[lt]`)"),
};
