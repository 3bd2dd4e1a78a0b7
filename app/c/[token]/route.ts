import { cookies, headers } from "next/headers";
import { after } from "next/server";
import { createTranslator } from "use-intl/core";
import { mailboxGrant } from "@/app/dev/mailbox/grant";
import {
  claimedElsewhereContent,
  deadEndContent,
  expiredContent,
  type LandingNotice,
  lockedContent,
  type Translate,
  verifyContent,
} from "@/components/claim/landing-content";
import {
  claimDocument,
  type DocumentText,
  MAIN_ONLY_HEADER,
} from "@/components/claim/landing-document";
import { db } from "@/db/client";
import { isLocale, LOCALE_COOKIE, type Locale, resolveLocale } from "@/i18n/locales";
import { messagesByLocale } from "@/i18n/messages";
import { relayEvents } from "@/inngest/relay";
import { emailClaimCode } from "@/lib/claims/claim-emails";
import { openClaim, sendClaimCode, verifyClaimCode } from "@/lib/claims/claim-flow";
import { askOrganisation } from "@/lib/claims/help-requests";
import { claimAudience } from "@/lib/claims/links";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { appUrl } from "@/lib/config";
import { crossOriginRefusal } from "@/lib/http/same-origin";
import { clientIp } from "./claim-view";

type Context = { params: Promise<{ token: string }> };

/*
 * The claim link itself. Served as plain HTML that needs no JavaScript (see
 * components/claim/landing-document.ts): it must appear fast on any phone. Its actions
 * (email me a code, check it, ask for a new link, change language) are ordinary form
 * posts to this URL that come back here with what to say in the query (`n`), so the
 * code is typed on this page and the next page is the choice of method.
 */

/**
 * The page's language and full locale: the switcher's cookie, else the locale the
 * platform gave for the link's recipient, else the browser's, else the recipient's
 * country's language (i18n/locales.ts `resolveLocale`).
 */
async function requestLocale(token: string): Promise<{ language: Locale; tag: string }> {
  const [cookieStore, headerList, recipient] = await Promise.all([
    cookies(),
    headers(),
    claimAudience(db, token),
  ]);
  return resolveLocale({
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerList.get("accept-language"),
    recipient,
  });
}

function translator(locale: { language: Locale; tag: string }) {
  const t = createTranslator({
    locale: locale.tag,
    messages: messagesByLocale[locale.language],
    namespace: "claim",
  });
  const translate: Translate = (key, values) => t(key as never, values as never);
  const markup = (key: string, values: Record<string, string | ((chunks: string) => string)>) =>
    t.markup(key as never, values as never);
  return { t: translate, markup };
}

function page(body: string, status = 200, mainOnly = false): Response {
  return new Response(body, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store, max-age=0",
      ...(mainOnly ? { [MAIN_ONLY_HEADER]: "1" } : {}),
    },
  });
}

function seeOther(location: string): Response {
  return new Response(null, {
    status: 303,
    headers: { Location: location, "Cache-Control": "no-store" },
  });
}

/** What the last form post left to say, from the query it came back with. */
function noticeFrom(query: URLSearchParams): LandingNotice {
  const until = new Date(Number(query.get("u")));
  const valid = Number.isFinite(until.getTime()) && until.getTime() > 0;
  switch (query.get("n")) {
    case "wrong": {
      const left = Number(query.get("l"));
      return Number.isInteger(left) && left > 0 && left < 10
        ? { kind: "wrong", attemptsLeft: left }
        : null;
    }
    case "format":
      return { kind: "format" };
    case "cooldown": {
      const seconds = Number(query.get("s"));
      return Number.isInteger(seconds) && seconds > 0 && seconds <= 60
        ? { kind: "cooldown", seconds }
        : null;
    }
    case "send_limited":
    case "check_limited":
    case "ask_limited":
      return valid ? { kind: query.get("n") as "send_limited", until } : null;
    default:
      return null;
  }
}

export async function GET(request: Request, { params }: Context) {
  const { token } = await params;
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const view = await openClaim(db, { token, sessionToken });
  const locale = await requestLocale(token);
  const { t, markup } = translator(locale);
  const nonce = (await headers()).get("x-nonce") ?? "";
  const self = `/c/${token}`;
  const notice = noticeFrom(new URL(request.url).searchParams);
  // The in-place code send (landing-document.ts) takes the page's content alone.
  const mainOnly = request.headers.get(MAIN_ONLY_HEADER) === "1";

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
  const documentFor = (input: {
    title: string;
    branding: Parameters<typeof claimDocument>[0]["branding"];
    testMode: boolean;
    content: Parameters<typeof claimDocument>[0]["content"];
  }) =>
    mainOnly
      ? input.content.value
      : claimDocument({
          language: locale.language,
          nonce,
          text: text(input.title, input.branding),
          branding: input.branding,
          testMode: input.testMode,
          switcher: input.branding ? { action: self, back: self } : null,
          content: input.content,
        });

  if (view.kind === "invalid") {
    return page(
      documentFor({
        title: t("meta.invalidTitle"),
        branding: null,
        testMode: false,
        content: deadEndContent(t("invalid.heading"), [t("invalid.body"), t("invalid.next")]),
      }),
      404,
      mainOnly,
    );
  }
  if (view.kind === "canceled") {
    const heading = view.stopped ? t("canceled.stoppedHeading") : t("canceled.heading");
    const body = view.stopped ? "canceled.stoppedBody" : "canceled.body";
    return page(
      documentFor({
        title: heading,
        branding: view.branding,
        testMode: false,
        content: deadEndContent(heading, [t(body, { organisation: view.branding.name })]),
      }),
      200,
      mainOnly,
    );
  }
  if (view.kind === "expired") {
    return page(
      documentFor({
        title: view.why === "replaced" ? t("expired.replacedHeading") : t("expired.heading"),
        branding: view.branding,
        testMode: false,
        content: expiredContent(t, view, locale.tag, { action: self, notice }),
      }),
      410,
      mainOnly,
    );
  }
  if (view.stage === "choose") return seeOther(`${self}/methods`);
  if (view.stage === "status") return seeOther(`${self}/status`);
  if (view.stage === "tax") return seeOther(`${self}/tax`);

  const { claim } = view;
  const content =
    view.stage === "locked"
      ? lockedContent(t, claim, locale.tag, { asked: view.asked, action: self, notice })
      : view.stage === "claimed_elsewhere" && !view.code
        ? claimedElsewhereContent(t, claim, self)
        : verifyContent(t, claim, locale.tag, self, { codeSent: Boolean(view.code), notice });
  return page(
    documentFor({
      title: t("meta.title", { organisation: claim.branding.name }),
      branding: claim.branding,
      testMode: claim.payout.mode === "test",
      content,
    }),
    200,
    mainOnly,
  );
}

/** Where a verified recipient goes next. */
const nextStep = { choose: "methods", status: "status", tax: "tax" } as const;

/**
 * The page's forms: "email me a code", the code itself, "ask for a new link", and the
 * language switcher (which every claim step posts here).
 */
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
  const until = (seconds: number) => String(Date.now() + seconds * 1000);
  const back = (query: Record<string, string>) => seeOther(`${self}?${new URLSearchParams(query)}`);

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
      locale: (await requestLocale(token)).tag,
      // In test mode the dev mailbox shows this browser the code it asked for.
      deliver: async (mail, tx) =>
        emailClaimCode({ ...mail, mailboxGrant: await mailboxGrant() }, tx),
    });
    // Never "we sent a code" when none went: the page says why and when to try again.
    if (outcome.status === "rate_limited") {
      return back({ n: "send_limited", u: until(outcome.retryAfterSeconds) });
    }
    if (outcome.status === "cooldown") {
      return back({ n: "cooldown", s: String(outcome.retryAfterSeconds) });
    }
    return seeOther(self);
  }

  if (intent === "verify") {
    const code = String(form?.get("code") ?? "").replace(/\s/g, "");
    // A mistyped format costs no attempt: it cannot be a guess.
    if (!/^\d{6}$/.test(code)) return back({ n: "format" });
    const outcome = await verifyClaimCode(db, {
      token,
      code,
      ip: await clientIp(),
      locale: (await requestLocale(token)).tag,
    });
    switch (outcome.status) {
      case "invalid":
        return back({ n: "wrong", l: String(outcome.attemptsLeft) });
      case "rate_limited":
        return back({ n: "check_limited", u: until(outcome.retryAfterSeconds) });
      case "verified":
        (await cookies()).set(CLAIM_SESSION_COOKIE, outcome.sessionToken, {
          httpOnly: true,
          sameSite: "strict",
          secure: appUrl().startsWith("https://"),
          path: self,
          expires: outcome.session.expiresAt,
        });
        return seeOther(`${self}/${nextStep[outcome.next]}`);
      default:
        // Locked or dead: this page explains which.
        return seeOther(self);
    }
  }

  if (intent === "ask") {
    const outcome = await askOrganisation(db, {
      token,
      request: "new_link",
      ip: await clientIp(),
    });
    if (outcome.status === "rate_limited") {
      return back({ n: "ask_limited", u: until(outcome.retryAfterSeconds) });
    }
    // Forward the request to the organisation now rather than at the next sweep.
    if (outcome.status === "asked") after(relayEvents);
    return seeOther(self);
  }
  return seeOther(self);
}
