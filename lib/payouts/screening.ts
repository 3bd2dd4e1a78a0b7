import type { recipients } from "@/db/schema";

export type ScreenedRecipient = Pick<
  typeof recipients.$inferSelect,
  "id" | "name" | "email" | "country"
>;

export type ScreeningOutcome =
  | { outcome: "pass" }
  | { outcome: "review"; reason: string }
  | { outcome: "block"; reason: string };

/**
 * A per-recipient screening hook that replaces the compliance engine in `preparePayouts`
 * (tests, benchmarks). Without one, the engine (lib/compliance/screen-payouts.ts) screens
 * each chunk at once: the exact country and region blocks, names against the current
 * sanctions lists, and velocity limits.
 */
export type ScreenRecipient = (
  recipient: ScreenedRecipient,
) => ScreeningOutcome | Promise<ScreeningOutcome>;
