import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { ClaimFrame } from "@/components/claim/claim-frame";
import { ClaimStatus, type StatusCopy } from "@/components/claim/claim-status";
import { textLink } from "@/components/claim/styles";
import { maskEmail } from "@/lib/claims/mask-email";
import { giftCardBrandName } from "@/lib/methods/gift-card-brands";
import { formatMoney } from "@/lib/money";
import { isProviderFailureCode } from "@/lib/providers/reasons";
import { claimView, frameFor } from "../claim-view";

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("claim.status");
  return { title: { absolute: t("title") } };
}

export default async function ClaimStatusPage({ params }: Props) {
  const { token } = await params;
  const view = await claimView(token);
  if (view.kind === "invalid") notFound();
  // Only a verified recipient watches; a failed claim with a session goes back to choosing.
  if (view.kind !== "open" || !view.session) redirect(`/c/${token}`);
  const { claim } = view;
  if (claim.payout.status === "claimable") redirect(`/c/${token}/methods`);
  if (view.stage === "tax") redirect(`/c/${token}/tax`);
  const [t, tMethods, tReasons, locale] = await Promise.all([
    getTranslations("claim.status"),
    getTranslations("claim.methods.options"),
    getTranslations("claim.reasons"),
    getLocale(),
  ]);
  // The provider's reason, in the recipient's language, with the way forward it implies.
  const code = claim.payout.failureCode;
  const reason = isProviderFailureCode(code) ? ` ${tReasons(code)}` : "";
  const method = claim.payout.method ? tMethods(`${claim.payout.method}.name`) : "";
  const amount = formatMoney(claim.payout, locale);
  const email = maskEmail(claim.recipient.email);
  // A gift card arrives by its own email: say which shop's, and where to look.
  const brand =
    claim.payout.method === "gift_card"
      ? giftCardBrandName(claim.payout.methodDetails?.brand)
      : null;
  const copy: StatusCopy = {
    heading: t("heading"),
    progress: t("progress"),
    steps: [t("stepClaimed"), t("stepProcessing"), t("stepPaid")],
    messages: {
      claimed: t("claimed"),
      processing: t("processing", { method }),
      paid: t("paid", { amount, method }),
      failed: `${t("failed", { method })}${reason}`,
      returned: `${t("returned", { method })}${reason}`,
      canceled: t("canceled", { organisation: claim.branding.name }),
    },
    receipt: brand
      ? `${t("giftCardPaid", { brand, email })} ${t("receipt", { email })}`
      : t("receipt", { email }),
    chooseAnother: t("chooseAnother"),
    checking: t("checking"),
  };
  const frame = frameFor(token, claim, "/status");
  const statementYear = (claim.payout.paidAt ?? new Date()).getUTCFullYear();
  return (
    <ClaimFrame {...frame}>
      <ClaimStatus
        initial={claim.payout.status}
        liveUrl={`/c/${token}/status/live`}
        methodsHref={`/c/${token}/methods`}
        copy={copy}
      />
      <section aria-labelledby="statement-heading" className="flex flex-col gap-1">
        <h2 id="statement-heading" className="font-semibold text-slate-900">
          {t("statementHeading")}
        </h2>
        <a href={`/c/${token}/statement?year=${statementYear}`} className={textLink} download>
          {t("statementLink", { organisation: claim.branding.name, year: statementYear })}
        </a>
      </section>
    </ClaimFrame>
  );
}
