/** What a template returns: the parts `sendEmail` needs besides the addressing. */
export type RenderedEmail = { subject: string; text: string; html: string };

/** The paying organisation as the recipient should see it: its name and colour, not ours. */
export type EmailBrand = {
  name: string;
  primaryColor?: string | null;
  logoUrl?: string | null;
  supportEmail?: string | null;
};

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// Organisation colours come from a form; anything but a plain hex colour falls back, so
// a crafted value can never break out of the style attribute.
const HEX_COLOR = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/;
const safeColor = (c: string | null | undefined) => (c && HEX_COLOR.test(c) ? c : "#4f46e5");
const safeUrl = (u: string | null | undefined) =>
  u && /^https:\/\/[^\s"'<>]+$/.test(u) ? u : null;

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "quote"; text: string }
  | { kind: "button"; label: string; url: string }
  | { kind: "small"; text: string };

/** A mail in the recipient's language: its `lang`, and the support line in words. */
export type EmailLanguage = { lang: string; support: string | null };

/**
 * One plain-text part and one simple HTML part from the same blocks, so the two never
 * say different things. Every organisation- or recipient-supplied string is escaped.
 * Without `language` the mail is in English.
 */
export function renderEmail(
  brand: EmailBrand,
  subject: string,
  blocks: Block[],
  language?: EmailLanguage,
): RenderedEmail {
  const color = safeColor(brand.primaryColor);
  const logo = safeUrl(brand.logoUrl);
  const supportText =
    language?.support ??
    (brand.supportEmail ? `Questions? Contact ${brand.name} at ${brand.supportEmail}.` : "");
  const text = [
    ...blocks.map((b) => {
      if (b.kind === "button") return `${b.label}:\n${b.url}`;
      if (b.kind === "quote") return b.text.replace(/^/gm, "> ");
      return b.text;
    }),
    supportText,
    `— ${brand.name}`,
  ]
    .filter(Boolean)
    .join("\n\n");

  const html = blocks
    .map((b) => {
      switch (b.kind) {
        case "button":
          return `<p style="margin:24px 0"><a href="${escapeHtml(b.url)}" style="background:${color};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(b.label)}</a></p><p style="margin:8px 0;font-size:13px;color:#4b5563;word-break:break-all">${escapeHtml(b.url)}</p>`;
        case "quote":
          return `<blockquote style="margin:16px 0;padding:8px 16px;border-left:4px solid ${color};color:#374151">${escapeHtml(b.text).replace(/\n/g, "<br>")}</blockquote>`;
        case "small":
          return `<p style="margin:12px 0;font-size:13px;color:#4b5563">${escapeHtml(b.text)}</p>`;
        default:
          return `<p style="margin:12px 0">${escapeHtml(b.text)}</p>`;
      }
    })
    .join("");
  const header = logo
    ? `<img src="${escapeHtml(logo)}" alt="${escapeHtml(brand.name)}" style="max-height:40px">`
    : `<strong style="font-size:18px;color:${color}">${escapeHtml(brand.name)}</strong>`;
  // The address becomes a link wherever the sentence names it.
  const support =
    supportText && brand.supportEmail
      ? `<p style="margin:12px 0;font-size:13px;color:#4b5563">${escapeHtml(supportText).replace(escapeHtml(brand.supportEmail), () => `<a href="mailto:${escapeHtml(brand.supportEmail ?? "")}">${escapeHtml(brand.supportEmail ?? "")}</a>`)}</p>`
      : "";
  return {
    subject,
    text: `${text}\n`,
    html: `<!doctype html><html lang="${escapeHtml(language?.lang ?? "en")}"><body style="margin:0;padding:24px;background:#f9fafb;font-family:system-ui,-apple-system,sans-serif;color:#111827;line-height:1.5"><div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px"><div style="margin-bottom:16px">${header}</div>${html}${support}<p style="margin:16px 0 0;color:#4b5563">— ${escapeHtml(brand.name)}</p></div></body></html>`,
  };
}

// One formatter for every email: constructing one costs more than a thousand formats.
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });

export function formatDate(date: Date): string {
  return dateFormat.format(date);
}
