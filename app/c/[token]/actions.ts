"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import type { ConfirmState, FormNotice } from "@/components/claim/form-state";
import { db } from "@/db/client";
import { isLocale, type Locale } from "@/i18n/locales";
import { relayEvents } from "@/inngest/relay";
import { emailClaimCode } from "@/lib/claims/claim-emails";
import { confirmClaim, sendClaimCode, verifyClaimCode } from "@/lib/claims/claim-flow";
import { submitClaimTaxForm } from "@/lib/claims/claim-tax";
import { startHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { maskEmail } from "@/lib/claims/mask-email";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { appUrl } from "@/lib/config";
import { clientIp } from "./claim-view";

const tokenSchema = z.string().min(1).max(200);
const codeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/);

async function requestLocale(): Promise<Locale> {
  const locale = await getLocale();
  return isLocale(locale) ? locale : "en";
}

/**
 * What a form step shows after the server answered: a message already in the
 * recipient's language (so the client ships no i18n runtime) and when it was said, so
 * the same message twice is still announced twice.
 */
/** From the code step: a new code, or how long to wait for one. */
export async function resendCode(token: string, _previous: FormNotice): Promise<FormNotice> {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) redirect("/");
  const outcome = await sendClaimCode(db, {
    token: parsed.data,
    ip: await clientIp(),
    locale: await requestLocale(),
    deliver: emailClaimCode,
  });
  const t = await getTranslations("claim.verify");
  const at = Date.now();
  switch (outcome.status) {
    case "sent":
      return { tone: "info", message: t("resent", { email: maskEmail(outcome.email) }), at };
    case "cooldown":
      return { tone: "error", message: t("cooldown", { seconds: outcome.retryAfterSeconds }), at };
    case "rate_limited":
      return {
        tone: "error",
        message: t("rateLimited", { minutes: Math.ceil(outcome.retryAfterSeconds / 60) }),
        at,
      };
    default:
      redirect(`/c/${parsed.data}`);
  }
}

/** Checks the code; when right, sets the claim session cookie (scoped to this link's path) and moves on. */
export async function submitCode(
  token: string,
  _previous: FormNotice,
  form: FormData,
): Promise<FormNotice> {
  const parsedToken = tokenSchema.safeParse(token);
  if (!parsedToken.success) redirect("/");
  const t = await getTranslations("claim.verify");
  const at = Date.now();
  const code = codeSchema.safeParse(String(form.get("code") ?? "").replace(/\s/g, ""));
  // A mistyped format costs no attempt: it cannot be a guess.
  if (!code.success) return { tone: "error", message: t("codeFormat"), at };
  const outcome = await verifyClaimCode(db, {
    token: parsedToken.data,
    code: code.data,
    ip: await clientIp(),
    locale: await requestLocale(),
  });
  switch (outcome.status) {
    case "invalid":
      return { tone: "error", message: t("wrongCode", { attemptsLeft: outcome.attemptsLeft }), at };
    case "rate_limited":
      return {
        tone: "error",
        message: t("rateLimited", { minutes: Math.ceil(outcome.retryAfterSeconds / 60) }),
        at,
      };
    case "verified":
      (await cookies()).set(CLAIM_SESSION_COOKIE, outcome.sessionToken, {
        httpOnly: true,
        sameSite: "strict",
        secure: appUrl().startsWith("https://"),
        path: `/c/${parsedToken.data}`,
        expires: outcome.session.expiresAt,
      });
      return redirect(`/c/${parsedToken.data}/${nextStep[outcome.next]}`);
    default:
      // Locked or dead: the landing page explains which.
      redirect(`/c/${parsedToken.data}`);
  }
}

/** Where a verified recipient goes next. */
const nextStep = { choose: "methods", status: "status", tax: "tax" } as const;

/** The review step's "Confirm": the server re-checks everything, claims the payout, and shows its status. */
export async function confirmChoice(
  token: string,
  method: string,
  details: Record<string, unknown>,
): Promise<ConfirmState> {
  const parsedToken = tokenSchema.safeParse(token);
  if (!parsedToken.success) redirect("/");
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const outcome = await confirmClaim(db, {
    token: parsedToken.data,
    sessionToken,
    method,
    details,
  });
  const t = await getTranslations("claim");
  const at = Date.now();
  switch (outcome.status) {
    case "claimed":
      // Forward payout.claimed to the background submission now rather than at the next sweep.
      after(relayEvents);
      return redirect(`/c/${parsedToken.data}/status`);
    case "invalid_details":
      return {
        at,
        fieldErrors: Object.fromEntries(
          outcome.fieldErrors.map((e) => [
            e.path,
            t.has(e.message) ? t(e.message) : t("details.invalid"),
          ]),
        ),
      };
    case "session_ended":
      return { at, message: t("review.sessionEnded") };
    case "held_for_review":
      return { at, message: t("review.heldForReview") };
    case "tax_info_required":
      return redirect(`/c/${parsedToken.data}/tax`);
    default:
      return { at, message: t("review.notAvailable") };
  }
}

/** Live bank methods: off to the provider's hosted onboarding, where the bank details are typed. */
export async function continueToHostedOnboarding(token: string, method: string): Promise<void> {
  const parsedToken = tokenSchema.safeParse(token);
  if (!parsedToken.success) redirect("/");
  const sessionToken = (await cookies()).get(CLAIM_SESSION_COOKIE)?.value;
  const started = await startHostedOnboarding(db, {
    token: parsedToken.data,
    sessionToken,
    method,
  });
  redirect(started ? started.url : `/c/${parsedToken.data}`);
}

const taxFormKindSchema = z.enum(["w9", "w8ben"]);

/** The tax step's "Sign and continue": the server files the form and releases the payout. */
export async function submitTaxForm(
  token: string,
  kind: string,
  values: Record<string, unknown>,
): Promise<ConfirmState> {
  return fileTaxForm(token, kind, values);
}

/** The tax step when a valid form is already on file: only releases the payout. */
export async function continueWithTaxFormOnFile(token: string, kind: string): Promise<void> {
  await fileTaxForm(token, kind, null);
}

async function fileTaxForm(
  token: string,
  kind: string,
  values: Record<string, unknown> | null,
): Promise<ConfirmState> {
  const parsedToken = tokenSchema.safeParse(token);
  const parsedKind = taxFormKindSchema.safeParse(kind);
  if (!parsedToken.success || !parsedKind.success) redirect("/");
  const outcome = await submitClaimTaxForm(db, {
    token: parsedToken.data,
    sessionToken: (await cookies()).get(CLAIM_SESSION_COOKIE)?.value,
    kind: parsedKind.data,
    values,
    ip: await clientIp(),
  });
  const t = await getTranslations("claim");
  const at = Date.now();
  switch (outcome.status) {
    case "released":
      after(relayEvents);
      return redirect(`/c/${parsedToken.data}/methods`);
    case "invalid_details":
      return {
        at,
        fieldErrors: Object.fromEntries(
          outcome.fieldErrors.map((e) => [
            e.path,
            t.has(e.message) ? t(e.message) : t("details.invalid"),
          ]),
        ),
      };
    case "session_ended":
      return { at, message: t("review.sessionEnded") };
    default:
      return redirect(`/c/${parsedToken.data}`);
  }
}
