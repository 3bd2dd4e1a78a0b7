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

export function claimedElsewhereContent(
  t: Translate,
  claim: ClaimContext,
  action: string,
): SafeHtml {
  const organisation = claim.branding.name;
  return html`<section><h1>${t("claimedElsewhere.heading")}</h1><p>${t("claimedElsewhere.body")}</p><p>${t("claimedElsewhere.notYou", { organisation })}</p></section>${intentForm(action, "code", t("claimedElsewhere.verifyToView"))}`;
}

export function deadEndContent(heading: string, body: string[]): SafeHtml {
  return html`<section><h1>${heading}</h1>${body.map((p) => html`<p>${p}</p>`)}</section>`;
}

/** Where the landing page's forms post, and what the last post left to say. */
export type LandingNotice =
  | { kind: "wrong"; attemptsLeft: number }
  | { kind: "format" }
  | { kind: "cooldown"; seconds: number }
  | { kind: "send_limited" | "check_limited"; until: Date }
  | { kind: "ask_limited"; until: Date }
  | null;

function intentForm(action: string, intent: string, label: string, primary = true): SafeHtml {
  return html`<form method="post" action="${action}"><input type="hidden" name="intent" value="${intent}"><button class="${primary ? "btn" : "btn2"}" type="submit">${label}</button></form>`;
}

/** A rate limit in words: how long, and the time (UTC) the recipient may try again. */
function untilWords(until: Date, locale: string, now = new Date()) {
  return {
    minutes: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000)),
    time: `${new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone: "UTC" }).format(until)} UTC`,
  };
}

function noticeText(t: Translate, notice: LandingNotice, locale: string): string | null {
  if (!notice) return null;
  switch (notice.kind) {
    case "wrong":
      return t("verify.wrongCode", { attemptsLeft: notice.attemptsLeft });
    case "format":
      return t("verify.codeFormat");
    case "cooldown":
      return t("verify.cooldown", { seconds: notice.seconds });
    case "send_limited":
      return t("verify.sendLimited", untilWords(notice.until, locale));
    case "check_limited":
      return t("verify.checkLimited", untilWords(notice.until, locale));
    case "ask_limited":
      return t("ask.limited", { minutes: untilWords(notice.until, locale).minutes });
  }
}

/**
 * The code step on the landing page itself: once a code is out, the field to type it
 * (focused), its check, and a new code; before, the one button that sends it. The small
 * script in landing-document.ts sends without leaving the page when JavaScript runs.
 */
export function verifyContent(
  t: Translate,
  claim: ClaimContext,
  locale: string,
  action: string,
  state: { codeSent: boolean; notice: LandingNotice },
): SafeHtml {
  const retrying = claim.payout.status === "failed" || claim.payout.status === "returned";
  const email = maskEmail(claim.recipient.email);
  const message = noticeText(t, state.notice, locale);
  const codeError = state.notice?.kind === "wrong" || state.notice?.kind === "format";
  const alert = html`<p id="code-notice" class="${message ? "alert" : ""}" role="alert">${message ?? ""}</p>`;
  const step = state.codeSent
    ? html`<p>${t("verify.intro", { email })}</p>${alert}<form method="post" action="${action}" class="code"><input type="hidden" name="intent" value="verify"><label for="code">${t("verify.codeLabel")}</label><p id="code-hint" class="small">${t("verify.codeHint")}</p><input id="code" name="code" class="field" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="7" required autofocus aria-describedby="code-hint${codeError ? " code-notice" : ""}" aria-invalid="${codeError ? "true" : "false"}"><button class="btn" type="submit">${t("verify.submit")}</button></form><p class="small">${t("verify.noEmailYet")}</p>${intentForm(action, "code", t("verify.resend"), false)}`
    : html`<p>${t("landing.verifyIntro", { email })}</p>${alert}<form method="post" action="${action}" data-send-code><input type="hidden" name="intent" value="code"><button class="btn" type="submit">${t("landing.sendCode")}</button></form><p class="small">${t("landing.steps")}</p>`;
  return html`${paymentSummary(t, claim, locale)}<section aria-labelledby="verify-heading"><h2 id="verify-heading"${state.codeSent ? "" : html` class="sr"`}>${state.codeSent ? t("verify.heading") : t("verify.title")}</h2>${
    retrying ? html`<p class="notice">${t("landing.failedNotice")}</p>` : ""
  }${step}</section>`;
}

/** The recipient's one-tap request for a new link, or word that it was passed on. */
function askNewLink(
  t: Translate,
  input: { organisation: string; email: string; asked: boolean; action: string },
  notice: LandingNotice,
  locale: string,
): SafeHtml {
  const values = { organisation: input.organisation, email: maskEmail(input.email) };
  if (input.asked) return html`<p class="notice" role="status">${t("ask.newLinkDone", values)}</p>`;
  const message = noticeText(t, notice, locale);
  return html`${message ? html`<p class="alert" role="alert">${message}</p>` : ""}${intentForm(input.action, "ask", t("ask.newLink"))}<p class="small">${t("ask.newLinkHint", values)}</p>`;
}

export function lockedContent(
  t: Translate,
  claim: ClaimContext,
  locale: string,
  input: { asked: boolean; action: string; notice: LandingNotice },
): SafeHtml {
  return html`${paymentSummary(t, claim, locale)}<section class="alert" role="alert"><h2>${t("locked.heading")}</h2><p>${t("locked.body")}</p><p>${t("locked.next", { organisation: claim.branding.name })}</p></section>${askNewLink(
    t,
    {
      organisation: claim.branding.name,
      email: claim.recipient.email,
      asked: input.asked,
      action: input.action,
    },
    input.notice,
    locale,
  )}`;
}

/** A link that ran out or was replaced: who pays, what happened, and the way forward. */
export function expiredContent(
  t: Translate,
  view: {
    branding: { name: string };
    why: "expired" | "replaced";
    expiredAt: Date;
    settled: boolean;
    asked: boolean;
    recipientEmail: string;
  },
  locale: string,
  input: { action: string; notice: LandingNotice },
): SafeHtml {
  const organisation = view.branding.name;
  const email = maskEmail(view.recipientEmail);
  if (view.settled) {
    return html`<section><h1>${t("expired.heading")}</h1><p>${t("expired.settledBody")}</p></section>`;
  }
  const date = formatDeadline(view.expiredAt, locale).absolute;
  const said =
    view.why === "replaced"
      ? html`<h1>${t("expired.replacedHeading")}</h1><p>${t("expired.replacedBody", { organisation, email })}</p>`
      : html`<h1>${t("expired.heading")}</h1><p>${t("expired.body", { date })}</p><p>${t("expired.next", { organisation })}</p>`;
  return html`<section>${said}</section>${askNewLink(
    t,
    { organisation, email: view.recipientEmail, asked: view.asked, action: input.action },
    input.notice,
    locale,
  )}`;
}
