"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { ConfirmState } from "@/components/claim/form-state";
import { db } from "@/db/client";
import { relayEvents } from "@/inngest/relay";
import { confirmClaim } from "@/lib/claims/claim-flow";
import { submitClaimTaxForm } from "@/lib/claims/claim-tax";
import { askOrganisation } from "@/lib/claims/help-requests";
import { startHostedOnboarding } from "@/lib/claims/hosted-onboarding";
import { CLAIM_SESSION_COOKIE } from "@/lib/claims/session";
import { clientIp } from "./claim-view";

const tokenSchema = z.string().min(1).max(200);
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

/**
 * "Ask to be paid another way", when the only method the recipient's country offers
 * failed: the organisation hears it (event + email, once per link); the page says so.
 */
export async function askOtherWay(token: string): Promise<void> {
  const parsedToken = tokenSchema.safeParse(token);
  if (!parsedToken.success) redirect("/");
  await askOrganisation(db, {
    token: parsedToken.data,
    request: "other_way",
    ip: await clientIp(),
    sessionToken: (await cookies()).get(CLAIM_SESSION_COOKIE)?.value,
  });
  after(relayEvents);
  redirect(`/c/${parsedToken.data}/methods`);
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
