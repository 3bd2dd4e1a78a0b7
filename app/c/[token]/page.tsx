import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ClaimFrame } from "@/components/claim/claim-frame";
import { DeadEnd } from "@/components/claim/dead-end";
import { PaymentSummary } from "@/components/claim/payment-summary";
import { primaryButton } from "@/components/claim/styles";
import { maskEmail } from "@/lib/claims/mask-email";
import { startVerification } from "./actions";
import { claimView, cspNonce } from "./claim-view";

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { token } = await params;
  const view = await claimView(token);
  const t = await getTranslations("claim.meta");
  if (view.kind !== "open") return { title: { absolute: t("invalidTitle") } };
  return { title: { absolute: t("title", { organisation: view.claim.branding.name }) } };
}

export default async function ClaimLandingPage({ params }: Props) {
  const { token } = await params;
  const view = await claimView(token);
  if (view.kind === "invalid") notFound();
  const nonce = await cspNonce();
  if (view.kind === "canceled") {
    const t = await getTranslations("claim.canceled");
    return (
      <ClaimFrame branding={view.branding} testMode={false} nonce={nonce}>
        <DeadEnd heading={t("heading")} body={[t("body", { organisation: view.branding.name })]} />
      </ClaimFrame>
    );
  }
  if (view.stage === "choose") redirect(`/c/${token}/methods`);
  if (view.stage === "status") redirect(`/c/${token}/status`);

  const { claim } = view;
  const t = await getTranslations("claim");
  const organisation = claim.branding.name;
  const frame = { branding: claim.branding, testMode: claim.payout.mode === "test", nonce };

  if (view.stage === "locked") {
    return (
      <ClaimFrame {...frame}>
        <PaymentSummary claim={claim} />
        <DeadEnd
          level={2}
          tone="alert"
          heading={t("locked.heading")}
          body={[t("locked.body"), t("locked.next", { organisation })]}
        />
      </ClaimFrame>
    );
  }

  const start = startVerification.bind(null, token);
  if (view.stage === "claimed_elsewhere") {
    return (
      <ClaimFrame {...frame}>
        <DeadEnd
          heading={t("claimedElsewhere.heading")}
          body={[t("claimedElsewhere.body"), t("claimedElsewhere.notYou", { organisation })]}
        />
        <form action={start}>
          <button type="submit" className={primaryButton}>
            {t("claimedElsewhere.verifyToView")}
          </button>
        </form>
      </ClaimFrame>
    );
  }

  const retrying = claim.payout.status === "failed" || claim.payout.status === "returned";
  return (
    <ClaimFrame {...frame}>
      <PaymentSummary claim={claim} />
      <section aria-labelledby="verify-heading" className="flex flex-col gap-3">
        <h2 id="verify-heading" className="sr-only">
          {t("verify.title")}
        </h2>
        {retrying ? (
          <p className="rounded-lg bg-amber-50 px-4 py-3 text-amber-950">
            {t("landing.failedNotice")}
          </p>
        ) : null}
        <p className="text-slate-800">
          {t("landing.verifyIntro", { email: maskEmail(claim.recipient.email) })}
        </p>
        <form action={start}>
          <button type="submit" className={primaryButton}>
            {t("landing.sendCode")}
          </button>
        </form>
        <p className="text-sm text-slate-700">{t("landing.steps")}</p>
      </section>
    </ClaimFrame>
  );
}
