import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ClaimFrame } from "@/components/claim/claim-frame";
import { VerifyCodeForm, type VerifyLabels } from "@/components/claim/verify-code-form";
import { maskEmail } from "@/lib/claims/mask-email";
import { resendCode, submitCode } from "../actions";
import { claimView, frameFor } from "../claim-view";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<{ wait?: string }> };

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("claim.verify");
  return { title: { absolute: t("title") } };
}

export default async function VerifyPage({ params, searchParams }: Props) {
  const { token } = await params;
  const view = await claimView(token);
  if (view.kind === "invalid") notFound();
  if (view.kind === "canceled" || view.stage === "locked") redirect(`/c/${token}`);
  if (view.stage === "choose") redirect(`/c/${token}/methods`);
  if (view.stage === "status") redirect(`/c/${token}/status`);
  if (view.stage === "tax") redirect(`/c/${token}/tax`);

  const t = await getTranslations("claim.verify");
  const email = maskEmail(view.claim.recipient.email);
  const wait = Number((await searchParams).wait);
  const labels: VerifyLabels = {
    codeLabel: t("codeLabel"),
    codeHint: t("codeHint"),
    submit: t("submit"),
    submitting: t("submitting"),
    resend: t("resend"),
  };
  const frame = frameFor(token, view.claim, "/verify");
  return (
    <ClaimFrame {...frame}>
      <h1 className="text-2xl font-bold text-slate-900">{t("heading")}</h1>
      <p className="text-slate-800">{t("intro", { email })}</p>
      {Number.isFinite(wait) && wait > 0 ? (
        <p role="alert" className="rounded-lg bg-amber-50 px-4 py-3 text-amber-950">
          {t("rateLimited", { minutes: Math.min(60, Math.ceil(wait)) })}
        </p>
      ) : null}
      <VerifyCodeForm
        submitCode={submitCode.bind(null, token)}
        resendCode={resendCode.bind(null, token)}
        labels={labels}
      />
      <p className="text-sm text-slate-700">{t("noEmailYet")}</p>
    </ClaimFrame>
  );
}
