import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { recipients } from "@/db/schema";
import { createPayout, createPayoutBodySchema } from "@/lib/payouts/create-payout";
import { fund, insertOrganisation } from "./fixtures";

describe("a recipient's locale given inline with a payout", () => {
  it("is stored canonical, kept when a later payout leaves it out, and replaced when one gives another", async () => {
    const { organisationId, scope } = await insertOrganisation(db);
    await fund(db, scope, 10_000n);
    const pay = (locale?: string) =>
      createPayout(
        db,
        scope,
        createPayoutBodySchema.parse({
          recipient: {
            email: "elodie@example.com",
            country: "CA",
            external_id: "cr-fr",
            ...(locale ? { locale } : {}),
          },
          amount: 100,
          currency: "USD",
        }),
      );
    const stored = async () =>
      (
        await db
          .select({ locale: recipients.locale })
          .from(recipients)
          .where(eq(recipients.organisationId, organisationId))
      ).map((r) => r.locale);

    await pay("fr-ca");
    expect(await stored()).toEqual(["fr-CA"]);
    await pay();
    expect(await stored()).toEqual(["fr-CA"]);
    await pay("en-CA");
    expect(await stored()).toEqual(["en-CA"]);
  });

  it("is refused when not in a language the claim speaks", () => {
    const parsed = createPayoutBodySchema.safeParse({
      recipient: { email: "ken@example.com", country: "JP", locale: "ja-JP" },
      amount: 100,
      currency: "USD",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["recipient.locale"]);
  });
});
