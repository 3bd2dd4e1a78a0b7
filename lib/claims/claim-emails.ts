import { createTranslator } from "use-intl/core";
import type { DbOrTx } from "@/db/client";
import { defaultLocale, languageOf, resolveLocale } from "@/i18n/locales";
import { messagesByLocale } from "@/i18n/messages";
import { sendEmail } from "@/lib/mail";
import { type EmailBrand, renderEmail } from "@/lib/mail/templates/layout";
import type { ClaimContext } from "./links";

export type RenderedEmail = { subject: string; text: string; html: string };

/**
 * The recipient's emails, each in their language and written for their full locale
 * (`tag`: es-US, fr-CA): amounts arrive formatted by the caller with the same tag, dates
 * are formatted here. Texts live under `claimEmail.*` in messages/*.json.
 */
function translator(tag: string) {
  const language = languageOf(tag) ?? defaultLocale;
  return {
    language,
    t: createTranslator({
      locale: tag,
      messages: messagesByLocale[language],
      namespace: "claimEmail",
    }),
  };
}

/**
 * The locale of a recipient's emails: the one they last read the claim pages in (`used`,
 * when known), else the locale the platform gave, else their country's main language.
 */
export function emailLocale(
  used: string | null,
  recipient: { locale: string | null; country: string },
): string {
  const given = used && languageOf(used) ? used : recipient.locale;
  return resolveLocale({ recipient: { locale: given, country: recipient.country } }).tag;
}

function longDate(date: Date, tag: string): string {
  return new Intl.DateTimeFormat(tag, { dateStyle: "long", timeZone: "UTC" }).format(date);
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One column of paragraphs; organisation-supplied text is escaped, so it cannot inject markup. */
function htmlBody(language: string, blocks: Array<{ text: string; strong?: boolean }>): string {
  const body = blocks
    .map(({ text, strong }) =>
      strong
        ? `<p style="font-size:28px;font-weight:700;letter-spacing:4px;margin:16px 0">${escapeHtml(text)}</p>`
        : `<p style="margin:12px 0">${escapeHtml(text)}</p>`,
    )
    .join("");
  return `<!doctype html><html lang="${language}"><body style="font-family:system-ui,sans-serif;color:#111827;line-height:1.5">${body}</body></html>`;
}

/** The one-time code email, in the recipient's language, signed by the paying organisation. */
export function claimCodeEmail(input: {
  locale: string;
  organisation: string;
  code: string;
}): RenderedEmail {
  const { t, language } = translator(input.locale);
  const values = { organisation: input.organisation, code: input.code };
  const body = t("codeBody", values);
  const ignore = t("codeIgnore");
  return {
    subject: t("codeSubject", values),
    text: `${body}\n\n${input.code}\n\n${ignore}\n\n— ${input.organisation}\n`,
    html: htmlBody(language, [
      { text: body },
      { text: input.code, strong: true },
      { text: ignore },
      { text: `— ${input.organisation}` },
    ]),
  };
}

/** How a gift card reaches the recipient and how it is used, for the receipt. */
export type GiftCardDelivery = { brand: string; deliveredTo: string };

/** The receipt once the money has left: amount, method, reference, date, and whom to ask. */
export function claimReceiptEmail(input: {
  locale: string;
  organisation: string;
  supportEmail: string | null;
  amount: string;
  method: string;
  reference: string;
  paidAt: Date;
  giftCard?: GiftCardDelivery;
}): RenderedEmail {
  const { t, language } = translator(input.locale);
  const { giftCard } = input;
  const lines = [
    t("receiptHeading"),
    ...(giftCard
      ? [
          t("giftCardBody", {
            organisation: input.organisation,
            amount: input.amount,
            brand: giftCard.brand,
          }),
          t("giftCardDelivery", { email: giftCard.deliveredTo }),
          t("giftCardRedeem", { brand: giftCard.brand }),
        ]
      : [
          t("receiptBody", {
            organisation: input.organisation,
            amount: input.amount,
            method: input.method,
          }),
        ]),
    t("receiptReference", { reference: input.reference }),
    t("receiptDate", { date: longDate(input.paidAt, input.locale) }),
    ...(input.supportEmail
      ? [t("support", { organisation: input.organisation, email: input.supportEmail })]
      : []),
  ];
  return {
    subject: t("receiptSubject", { amount: input.amount, organisation: input.organisation }),
    text: `${lines.join("\n\n")}\n`,
    html: htmlBody(
      language,
      lines.map((text) => ({ text })),
    ),
  };
}

type BrandedInput = {
  locale: string;
  brand: EmailBrand;
  recipientName: string | null;
  /** Already formatted with `locale`, e.g. "1 234,56 $". */
  amount: string;
  claimUrl: string;
};

function branded(
  input: BrandedInput,
  subject: string,
  blocks: Parameters<typeof renderEmail>[2],
): RenderedEmail {
  const { t, language } = translator(input.locale);
  const { brand } = input;
  return renderEmail(
    brand,
    subject,
    [
      {
        kind: "paragraph",
        text: input.recipientName
          ? t("greeting", { name: input.recipientName })
          : t("greetingNoName"),
      },
      ...blocks,
    ],
    {
      lang: language,
      support: brand.supportEmail
        ? t("support", { organisation: brand.name, email: brand.supportEmail })
        : null,
    },
  );
}

/** The first email a recipient gets: who pays them, how much, and the link to claim it. */
export function claimInviteEmail(
  input: BrandedInput & { expiresAt: Date; message: string | null },
): RenderedEmail {
  const { t } = translator(input.locale);
  const values = { organisation: input.brand.name, amount: input.amount };
  return branded(input, t("inviteSubject", values), [
    { kind: "paragraph", text: t("inviteBody", values) },
    ...(input.message ? [{ kind: "quote" as const, text: input.message }] : []),
    { kind: "button", label: t("inviteButton"), url: input.claimUrl },
    { kind: "small", text: t("inviteSmall", { date: longDate(input.expiresAt, input.locale) }) },
  ]);
}

/** Sent before an unclaimed payout's link expires and its funds go back to the payer. */
export function claimReminderEmail(
  input: BrandedInput & { expiresAt: Date; daysLeft: number },
): RenderedEmail {
  const { t } = translator(input.locale);
  const values = { organisation: input.brand.name, amount: input.amount };
  return branded(input, t("reminderSubject", { ...values, days: input.daysLeft }), [
    {
      kind: "paragraph",
      text: t("reminderBody", { ...values, date: longDate(input.expiresAt, input.locale) }),
    },
    { kind: "button", label: t("inviteButton"), url: input.claimUrl },
  ]);
}

/**
 * The payout expired unclaimed and its money went back to the payer. The link leads to
 * the expired page, where one tap asks the organisation for a new link.
 */
export function claimExpiredEmail(input: BrandedInput & { expiredAt: Date }): RenderedEmail {
  const { t } = translator(input.locale);
  const values = { organisation: input.brand.name, amount: input.amount };
  return branded(input, t("expiredSubject", values), [
    {
      kind: "paragraph",
      text: t("expiredBody", { ...values, date: longDate(input.expiredAt, input.locale) }),
    },
    { kind: "paragraph", text: t("expiredNext", values) },
    { kind: "button", label: t("expiredButton"), url: input.claimUrl },
  ]);
}

/**
 * Emails a one-time code to the recipient on file, in the language they are reading, on
 * `db` (the transaction issuing the code, so the code and its email record commit together).
 */
export async function emailClaimCode(
  input: {
    claim: ClaimContext;
    code: string;
    locale: string;
    idempotencyKey: string;
    /** The asking browser's dev-mailbox grant: a test-mode code is readable there. */
    mailboxGrant?: string;
  },
  db?: DbOrTx,
): Promise<void> {
  const { claim } = input;
  const rendered = claimCodeEmail({
    locale: input.locale,
    organisation: claim.branding.name,
    code: input.code,
  });
  await sendEmail(
    {
      idempotencyKey: input.idempotencyKey,
      to: claim.recipient.email,
      ...rendered,
      // The subject leads with the code, for a phone's notification; at rest it is masked.
      subjectSecrets: [input.code],
      kind: "claim_code",
      organisationId: claim.payout.organisationId,
      mode: claim.payout.mode,
      subjectRef: claim.payout.id,
      mailboxGrant: claim.payout.mode === "test" ? input.mailboxGrant : undefined,
    },
    { db },
  );
}
