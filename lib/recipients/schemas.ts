import { z } from "zod";
import type { recipients } from "@/db/schema";
import { countrySchema, recipientLocaleSchema } from "@/lib/payouts/input-schemas";
import { singleLine } from "@/lib/text";

export type RecipientRow = typeof recipients.$inferSelect;

const email = z.email("an email address").max(254).meta({ example: "ada@example.com" });
const name = singleLine(z.string().trim().min(1).max(200)).meta({ example: "Ada Lovelace" });
const country = countrySchema.meta({ example: "KE" });
const locale = recipientLocaleSchema.meta({
  description:
    "The language and region the recipient reads (BCP 47, such as es-US or fr-CA; the language one the claim speaks): their emails and claim pages use it, with amounts and dates written for the region. Left out, the language follows the country.",
});

export const createRecipientBodySchema = z
  .strictObject({
    email,
    name: name.optional(),
    country,
    locale: locale.optional(),
    external_id: singleLine(z.string().trim().min(1).max(200))
      .optional()
      .meta({ description: "Your id for this person; unique per organisation and mode" }),
  })
  .meta({ id: "CreateRecipient" });

export const updateRecipientBodySchema = z
  .strictObject({
    email: email.optional(),
    name: name.nullable().optional(),
    country: country.optional(),
    locale: locale.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "at least one of email, name or country")
  .meta({ id: "UpdateRecipient" });

export type CreateRecipientBody = z.output<typeof createRecipientBodySchema>;
export type UpdateRecipientBody = z.output<typeof updateRecipientBodySchema>;

export const recipientResourceSchema = z
  .object({
    id: z.string().meta({ example: "rcp_01hx5d3k2m9v8q7w6e5r4t3y2u" }),
    object: z.literal("recipient"),
    livemode: z.boolean(),
    external_id: z.string().nullable(),
    email: z.string(),
    name: z.string().nullable(),
    country: z.string(),
    locale: z.string().nullable().meta({ example: "fr-CA" }),
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: "Recipient" });

export type RecipientResource = z.infer<typeof recipientResourceSchema>;

export function serializeRecipient(row: RecipientRow): RecipientResource {
  return {
    id: row.id,
    object: "recipient",
    livemode: row.mode === "live",
    external_id: row.externalId,
    email: row.email,
    name: row.name,
    country: row.country,
    locale: row.locale,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
