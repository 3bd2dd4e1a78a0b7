import { type EmailBrand, formatDate, type RenderedEmail, renderEmail } from "./layout";

export type ReminderEmailInput = {
  brand: EmailBrand;
  recipientName: string | null;
  amount: string;
  claimUrl: string;
  expiresAt: Date;
  /** Whole days left, for the subject line. */
  daysLeft: number;
};

/** Sent before an unclaimed payout's link expires and its funds go back to the payer. */
export function reminderEmail(input: ReminderEmailInput): RenderedEmail {
  const { brand } = input;
  const when = input.daysLeft <= 1 ? "tomorrow" : `in ${input.daysLeft} days`;
  return renderEmail(brand, `Reminder: your ${input.amount} from ${brand.name} expires ${when}`, [
    { kind: "paragraph", text: input.recipientName ? `Hi ${input.recipientName},` : "Hi," },
    {
      kind: "paragraph",
      text: `${brand.name} sent you ${input.amount} and it has not been claimed yet. The link stops working on ${formatDate(input.expiresAt)}.`,
    },
    { kind: "button", label: "Claim your payment", url: input.claimUrl },
  ]);
}
