import { type EmailBrand, type RenderedEmail, renderEmail } from "./layout";

export type PayoutStoppedEmailInput = {
  brand: EmailBrand;
  recipientName: string | null;
  amount: string;
};

/**
 * A payout stopped by compliance (a review rejected it, or screening blocked it). It
 * says what happened and who to ask, never why: a screening result is not the
 * recipient's to read, and naming a list would tip off the person it concerns.
 */
export function payoutStoppedEmail(input: PayoutStoppedEmailInput): RenderedEmail {
  const { brand } = input;
  const contact = brand.supportEmail
    ? `If you have questions, please contact ${brand.name} at ${brand.supportEmail}.`
    : `If you have questions, please contact ${brand.name}.`;
  return renderEmail(brand, `About your payment of ${input.amount} from ${brand.name}`, [
    { kind: "paragraph", text: input.recipientName ? `Hi ${input.recipientName},` : "Hi," },
    {
      kind: "paragraph",
      text: `We are sorry: ${brand.name} cannot complete your payment of ${input.amount} through Disburse, and it has been canceled. Nothing further is needed from you, and no details you may have entered were used.`,
    },
    { kind: "paragraph", text: contact },
  ]);
}
