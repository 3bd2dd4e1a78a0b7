import { maskEmail } from "@/lib/claims/mask-email";
import { type EmailBrand, type RenderedEmail, renderEmail } from "./layout";

export type EmailChangedEmailInput = {
  brand: EmailBrand;
  recipientName: string | null;
  amount: string;
  /** Shown masked only: the notice may reach whoever now controls the old inbox. */
  newEmail: string;
};

/**
 * To the OLD address, once its payout's link has been moved to a new one: if the owner of
 * that address did not ask for it, they can say so before the money is claimed elsewhere.
 * Carries no link, so it gives nothing away if it is read by someone else.
 */
export function emailChangedEmail(input: EmailChangedEmailInput): RenderedEmail {
  const { brand } = input;
  return renderEmail(brand, `Your payout from ${brand.name} now goes to another email address`, [
    { kind: "paragraph", text: input.recipientName ? `Hi ${input.recipientName},` : "Hi," },
    {
      kind: "paragraph",
      text: `${brand.name} changed the email address for your ${input.amount} payout to ${maskEmail(input.newEmail)}. The link sent to this address no longer works; a new one went to the new address.`,
    },
    {
      kind: "paragraph",
      text: `If you did not ask for this, tell ${brand.name} straight away, before the payout is claimed.`,
    },
  ]);
}
