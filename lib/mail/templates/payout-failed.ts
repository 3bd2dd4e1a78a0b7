import { type EmailBrand, type RenderedEmail, renderEmail } from "./layout";

export type PayoutFailedEmailInput = {
  brand: EmailBrand;
  recipientName: string | null;
  amount: string;
  /** The same claim link: a failed or returned payout can be claimed again. */
  claimUrl: string;
};

/** The chosen method did not work; the money is held and the recipient can pick again. */
export function payoutFailedEmail(input: PayoutFailedEmailInput): RenderedEmail {
  const { brand } = input;
  return renderEmail(brand, `Action needed: choose another way to receive ${input.amount}`, [
    { kind: "paragraph", text: input.recipientName ? `Hi ${input.recipientName},` : "Hi," },
    {
      kind: "paragraph",
      text: `We could not send your ${input.amount} from ${brand.name} with the method you chose. The money is still yours: open your link and pick another way to be paid.`,
    },
    { kind: "button", label: "Choose another method", url: input.claimUrl },
  ]);
}
