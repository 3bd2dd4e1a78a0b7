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
