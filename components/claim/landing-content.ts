import { formatDeadline } from "@/lib/claims/claim-format";
import type { ClaimContext } from "@/lib/claims/links";
import { maskEmail } from "@/lib/claims/mask-email";
import { formatMoney } from "@/lib/money";
import { html, type SafeHtml } from "./html";

export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** Who pays, how much, why and until when (the JSX PaymentSummary's twin for the no-JS page). */
export function paymentSummary(t: Translate, claim: ClaimContext, locale: string): SafeHtml {
  const organisation = claim.branding.name;
  const amount = formatMoney(claim.payout, locale);
  const deadline = formatDeadline(claim.link.expiresAt, locale);
  const reason = claim.payout.description ?? claim.batch?.name;
  return html`<section aria-labelledby="claim-heading"><h1 id="claim-heading">${t("landing.heading", { organisation, amount })}</h1>${
    claim.branding.message
      ? html`<figure><blockquote>${claim.branding.message}</blockquote><figcaption>${t("landing.messageFrom", { organisation })}</figcaption></figure>`
      : ""
  }<dl>${reason ? html`<div><dt>${t("landing.for")}</dt><dd>${reason}</dd></div>` : ""}<div><dt>${t("landing.claimBy")}</dt><dd><time datetime="${claim.link.expiresAt.toISOString()}">${deadline.absolute}</time> <span class="muted">(${deadline.relative})</span></dd></div></dl></section>`;
}

function codeButton(action: string, label: string): SafeHtml {
  return html`<form method="post" action="${action}"><input type="hidden" name="intent" value="code"><button class="btn" type="submit">${label}</button></form>`;
}

export function verifyContent(
  t: Translate,
  claim: ClaimContext,
  locale: string,
  action: string,
): SafeHtml {
  const retrying = claim.payout.status === "failed" || claim.payout.status === "returned";
  return html`${paymentSummary(t, claim, locale)}<section aria-labelledby="verify-heading"><h2 id="verify-heading" class="sr">${t("verify.title")}</h2>${
    retrying ? html`<p class="notice">${t("landing.failedNotice")}</p>` : ""
  }<p>${t("landing.verifyIntro", { email: maskEmail(claim.recipient.email) })}</p>${codeButton(action, t("landing.sendCode"))}<p class="small">${t("landing.steps")}</p></section>`;
}

export function lockedContent(t: Translate, claim: ClaimContext, locale: string): SafeHtml {
  return html`${paymentSummary(t, claim, locale)}<section class="alert" role="alert"><h2>${t("locked.heading")}</h2><p>${t("locked.body")}</p><p>${t("locked.next", { organisation: claim.branding.name })}</p></section>`;
}

export function claimedElsewhereContent(
  t: Translate,
  claim: ClaimContext,
  action: string,
): SafeHtml {
  const organisation = claim.branding.name;
  return html`<section><h1>${t("claimedElsewhere.heading")}</h1><p>${t("claimedElsewhere.body")}</p><p>${t("claimedElsewhere.notYou", { organisation })}</p></section>${codeButton(action, t("claimedElsewhere.verifyToView"))}`;
}

export function deadEndContent(heading: string, body: string[]): SafeHtml {
  return html`<section><h1>${heading}</h1>${body.map((p) => html`<p>${p}</p>`)}</section>`;
}
