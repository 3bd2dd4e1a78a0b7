import type { recipients } from "@/db/schema";

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
 * Countries under comprehensive sanctions, where no payout may go whatever the name
 * screening says. A floor, not the compliance engine: its name screening and limits
 * plug in through `ScreenRecipient`.
 */
export const comprehensivelySanctionedCountries: ReadonlySet<string> = new Set([
  "CU",
  "IR",
  "KP",
  "SY",
]);

export const blockSanctionedCountries: ScreenRecipient = (recipient) =>
  comprehensivelySanctionedCountries.has(recipient.country)
    ? { outcome: "block", reason: "sanctioned_country" }
    : { outcome: "pass" };
