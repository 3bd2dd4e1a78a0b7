import { createTranslator } from "use-intl/core";
import type { DbOrTx } from "@/db/client";
import type { Locale } from "@/i18n/locales";
import { messagesByLocale } from "@/i18n/messages";
import { sendEmail } from "@/lib/mail";
import type { ClaimContext } from "./links";

export type RenderedEmail = { subject: string; text: string; html: string };

function translator(locale: Locale) {
  return createTranslator({ locale, messages: messagesByLocale[locale], namespace: "claimEmail" });
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One column of paragraphs; organisation-supplied text is escaped, so it cannot inject markup. */
function htmlBody(locale: Locale, blocks: Array<{ text: string; strong?: boolean }>): string {
  const body = blocks
    .map(({ text, strong }) =>
      strong
        ? `<p style="font-size:28px;font-weight:700;letter-spacing:4px;margin:16px 0">${escapeHtml(text)}</p>`
        : `<p style="margin:12px 0">${escapeHtml(text)}</p>`,
    )
    .join("");
  return `<!doctype html><html lang="${locale}"><body style="font-family:system-ui,sans-serif;color:#111827;line-height:1.5">${body}</body></html>`;
}

/** The one-time code email, in the recipient's language, signed by the paying organisation. */
export function claimCodeEmail(input: {
  locale: Locale;
  organisation: string;
  code: string;
}): RenderedEmail {
  const t = translator(input.locale);
  const values = { organisation: input.organisation, code: input.code };
  const body = t("codeBody", values);
  const ignore = t("codeIgnore");
  return {
    subject: t("codeSubject", values),
    text: `${body}\n\n${input.code}\n\n${ignore}\n\n— ${input.organisation}\n`,
    html: htmlBody(input.locale, [
      { text: body },
      { text: input.code, strong: true },
      { text: ignore },
      { text: `— ${input.organisation}` },
    ]),
  };
}

/** The receipt once the money has left: amount, method, reference, date, and whom to ask. */
export function claimReceiptEmail(input: {
  locale: Locale;
  organisation: string;
  supportEmail: string | null;
  amount: string;
  method: string;
  reference: string;
  paidAt: Date;
}): RenderedEmail {
  const t = translator(input.locale);
  const date = new Intl.DateTimeFormat(input.locale, { dateStyle: "long", timeZone: "UTC" }).format(
    input.paidAt,
  );
  const lines = [
    t("receiptHeading"),
    t("receiptBody", {
      organisation: input.organisation,
      amount: input.amount,
      method: input.method,
    }),
    t("receiptReference", { reference: input.reference }),
    t("receiptDate", { date }),
    ...(input.supportEmail
      ? [t("receiptSupport", { organisation: input.organisation, email: input.supportEmail })]
      : []),
  ];
  return {
    subject: t("receiptSubject", { amount: input.amount, organisation: input.organisation }),
    text: `${lines.join("\n\n")}\n`,
    html: htmlBody(
      input.locale,
      lines.map((text) => ({ text })),
    ),
  };
}

/**
 * Emails a one-time code to the recipient on file, in the language they are reading, on
 * `db` (the transaction issuing the code, so the code and its email record commit together).
 */
export async function emailClaimCode(
  input: {
    claim: ClaimContext;
    code: string;
    locale: Locale;
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
