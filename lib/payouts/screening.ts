import type { recipients } from "@/db/schema";
import { sanctionedPlace } from "@/lib/compliance/sanctioned-countries";

export type ScreenedRecipient = Pick<
  typeof recipients.$inferSelect,
  "id" | "name" | "email" | "country"
>;

export type ScreeningOutcome =
  | { outcome: "pass" }
  | { outcome: "review"; reason: string }
  | { outcome: "block"; reason: string };

/**
 * The compliance engine (lib/compliance/screen-payouts.ts) screens a whole chunk at once:
 * the exact country and region blocks, names against the current sanctions lists, and
 * velocity limits. A `ScreenRecipient` passed to `preparePayouts` replaces it (tests).
 */

/** The compliance hook `preparePayouts` consults for each payout's recipient. */
export type ScreenRecipient = (
  recipient: ScreenedRecipient,
) => ScreeningOutcome | Promise<ScreeningOutcome>;

/**
 * The floor every payout passes: nothing goes to a comprehensively sanctioned country,
 * whatever name screening says. The compliance engine's name screening and limits plug
 * in through `ScreenRecipient` and should keep this check.
 */
export const blockSanctionedCountries: ScreenRecipient = (recipient) =>
  sanctionedPlace({ country: recipient.country })
    ? { outcome: "block", reason: "sanctioned_country" }
    : { outcome: "pass" };
