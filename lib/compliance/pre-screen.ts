import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { countrySchema } from "@/lib/payouts/input-schemas";
import { currentNameIndex } from "./current-index";
import { decide } from "./findings";
import { screenParty } from "./screen";
import { loadComplianceSettings } from "./settings";

export const screeningBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    country: countrySchema,
    region: z
      .string()
      .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, "an ISO 3166-2 subdivision code such as UA-43")
      .optional(),
  })
  .meta({ id: "CreateScreening" });

export const screeningResourceSchema = z
  .object({
    object: z.literal("screening"),
    livemode: z.boolean(),
    outcome: z.enum(["pass", "review", "block"]),
    reason_codes: z.array(z.string()),
  })
  .meta({ id: "Screening" });

export type ScreeningResource = z.infer<typeof screeningResourceSchema>;

/**
 * What screening would decide for a recipient, without a payout: the same places,
 * lists and thresholds, reason codes only (never the list entry). Nothing is stored.
 */
export async function preScreen(
  db: DbOrTx,
  scope: Scope,
  body: z.output<typeof screeningBodySchema>,
): Promise<ScreeningResource> {
  const settings = await loadComplianceSettings(db, scope.organisationId);
  const index = await currentNameIndex(db);
  const decision = decide(screenParty(index, body, settings));
  return {
    object: "screening",
    livemode: scope.mode === "live",
    outcome: decision.outcome,
    reason_codes: decision.reasonCodes,
  };
}
