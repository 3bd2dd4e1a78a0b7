import { type EmailBrand, formatDate, type RenderedEmail, renderEmail } from "./layout";

export type InviteEmailInput = {
  brand: EmailBrand;
  recipientName: string | null;
  /** Already formatted for display, e.g. "$25.00". */
  amount: string;
  claimUrl: string;
  expiresAt: Date;
  /** The campaign's message, else the organisation's default claim message. */
  message: string | null;
};

/** The first email a recipient gets: who pays them, how much, and the link to claim it. */
export function inviteEmail(input: InviteEmailInput): RenderedEmail {
  const { brand } = input;
  return renderEmail(brand, `${brand.name} sent you ${input.amount}`, [
    { kind: "paragraph", text: input.recipientName ? `Hi ${input.recipientName},` : "Hi," },
    {
      kind: "paragraph",
      text: `${brand.name} is paying you ${input.amount}. Open your secure link to choose how you would like to be paid.`,
    },
    ...(input.message ? [{ kind: "quote" as const, text: input.message }] : []),
    { kind: "button", label: "Claim your payment", url: input.claimUrl },
    {
      kind: "small",
      text: `The link is yours alone and works until ${formatDate(input.expiresAt)}. We will never ask for your password or card number.`,
    },
  ]);
}
