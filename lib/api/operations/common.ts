import { z } from "zod";
import { ID_PATTERN } from "@/lib/ids";

/** `{id}` in a path; an id of the wrong shape simply names nothing (404). */
export const idParamsSchema = z.object({
  id: z.string().regex(ID_PATTERN).meta({ description: "The object's id" }),
});

/** `DELETE` answers with the id and `deleted: true`, as Stripe does. */
export function deletedSchema(object: string, id: string) {
  return z
    .object({ id: z.string(), object: z.literal(object), deleted: z.literal(true) })
    .meta({ id });
}
