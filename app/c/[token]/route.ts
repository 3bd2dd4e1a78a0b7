import { cookies, headers } from "next/headers";
import { createTranslator } from "use-intl/core";
import {
  claimedElsewhereContent,
  deadEndContent,
  lockedContent,
  type Translate,
  verifyContent,
} from "@/components/claim/landing-content";
import { claimDocument, type DocumentText } from "@/components/claim/landing-document";
import { db } from "@/db/client";
import { isLocale, LOCALE_COOKIE, type Locale, negotiateLocale } from "@/i18n/locales";
import { messagesByLocale } from "@/i18n/messages";
import { emailClaimCode } from "@/lib/claims/claim-emails";
import { openClaim, sendClaimCode } from "@/lib/claims/claim-flow";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { crossOriginRefusal } from "@/lib/http/same-origin";
import { clientIp } from "./claim-view";

type Context = { params: Promise<{ token: string }> };

/*
 * The claim link itself. Served as plain HTML with no JavaScript (see
 * components/claim/landing-document.ts): it must appear fast on any phone, and its two
 * actions (email me a code, change language) are ordinary form posts to this URL.
 */

async function requestLocale(): Promise<Locale> {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return negotiateLocale({
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerList.get("accept-language"),
  });
}

function translator(locale: Locale) {
  const t = createTranslator({ locale, messages: messagesByLocale[locale], namespace: "claim" });
  const translate: Translate = (key, values) => t(key as never, values as never);
  const markup = (key: string, values: Record<string, string | ((chunks: string) => string)>) =>
    t.markup(key as never, values as never);
  return { t: translate, markup };
}

function page(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store, max-age=0" },
  });
}

function seeOther(location: string): Response {
  return new Response(null, {
    status: 303,
    headers: { Location: location, "Cache-Control": "no-store" },
  });
}

export async function GET(_request: Request, { params }: Context) {
  const { token } = await params;
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const view = await openClaim(db, { token, sessionToken });
  const locale = await requestLocale();
  const { t, markup } = translator(locale);
  const nonce = (await headers()).get("x-nonce") ?? "";
  const self = `/c/${token}`;

  const text = (
    title: string,
    branding: { name: string; supportEmail: string | null } | null,
  ): DocumentText => {
    const organisation = branding?.name ?? "";
    let support: DocumentText["support"] = { plain: t("frame.supportNoEmail", { organisation }) };
    if (branding?.supportEmail) {
      // Split around the link so each part is escaped on its own.
      const [before = "", email = "", after = ""] = markup("frame.support", {
        organisation,
        email: branding.supportEmail,
        link: (chunks: string) => `\u0000${chunks}\u0000`,
      }).split("\u0000");
      support = { before, email, after };
    }
    return {
      title,
      skip: t("frame.skip"),
      testMode: t("frame.testMode"),
      support,
      language: t("frame.language"),
      changeLanguage: t("frame.changeLanguage"),
    };
  };

  if (view.kind === "invalid") {
    return page(
      claimDocument({
        locale,
        nonce,
        text: text(t("meta.invalidTitle"), null),
        branding: null,
        testMode: false,
        switcher: null,
        content: deadEndContent(t("invalid.heading"), [t("invalid.body"), t("invalid.next")]),
      }),
      404,
    );
  }
  if (view.kind === "canceled") {
    return page(
      claimDocument({
        locale,
        nonce,
        text: text(t("canceled.heading"), view.branding),
        branding: view.branding,
        testMode: false,
        switcher: { action: self, back: self },
        content: deadEndContent(t("canceled.heading"), [
          t("canceled.body", { organisation: view.branding.name }),
        ]),
      }),
    );
  }
  if (view.stage === "choose") return seeOther(`${self}/methods`);
  if (view.stage === "status") return seeOther(`${self}/status`);
  if (view.stage === "tax") return seeOther(`${self}/tax`);

  const { claim } = view;
  const content =
    view.stage === "locked"
      ? lockedContent(t, claim, locale)
      : view.stage === "claimed_elsewhere"
        ? claimedElsewhereContent(t, claim, self)
        : verifyContent(t, claim, locale, self);
  return page(
    claimDocument({
      locale,
      nonce,
      text: text(t("meta.title", { organisation: claim.branding.name }), claim.branding),
      branding: claim.branding,
      testMode: claim.payout.mode === "test",
      switcher: { action: self, back: self },
      content,
    }),
  );
}

/** The page's two forms: "email me a code" and the language switcher (which every claim step posts here). */
export async function POST(request: Request, { params }: Context) {
  // Another site must not make a recipient's browser ask for codes or switch language.
  const refusal = crossOriginRefusal(request.headers);
  if (refusal) {
    return new Response(refusal, {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const { token } = await params;
  const self = `/c/${token}`;
  const form = await request.formData().catch(() => null);
  const intent = form?.get("intent");

  if (intent === "locale") {
    const locale = form?.get("locale");
    if (isLocale(locale)) {
      (await cookies()).set(LOCALE_COOKIE, locale, {
        path: "/",
        maxAge: 365 * 24 * 3600,
        sameSite: "lax",
        httpOnly: true,
      });
    }
    const back = String(form?.get("back") ?? "");
    // Only back into this very claim, so the form cannot be used as an open redirect.
    const safeBack =
      back === self || (back.startsWith(`${self}/`) && !back.includes("//")) ? back : self;
    return seeOther(safeBack);
  }

  if (intent === "code") {
    const outcome = await sendClaimCode(db, {
      token,
      ip: await clientIp(),
      locale: await requestLocale(),
      deliver: emailClaimCode,
    });
    if (outcome.status === "invalid" || outcome.status === "locked") return seeOther(self);
    if (outcome.status === "rate_limited") {
      return seeOther(`${self}/verify?wait=${Math.ceil(outcome.retryAfterSeconds / 60)}`);
    }
    return seeOther(`${self}/verify`);
  }
  return seeOther(self);
}
