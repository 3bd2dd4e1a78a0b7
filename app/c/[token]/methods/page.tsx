import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { ClaimFrame } from "@/components/claim/claim-frame";
import { DeadEnd } from "@/components/claim/dead-end";
import { primaryButton, secondaryButton } from "@/components/claim/styles";
import { db } from "@/db/client";
import { hasClaimActivity } from "@/lib/claims/claim-activity";
import { claimMethods } from "@/lib/claims/claim-flow";
import { countryName } from "@/lib/claims/claim-format";
import { otherMethods } from "@/lib/claims/help-requests";
import { maskEmail } from "@/lib/claims/mask-email";
import { speedMessageKeys } from "@/lib/methods/types";
import { formatMoney } from "@/lib/money";
import { askOtherWay } from "../actions";
import { claimView, frameFor } from "../claim-view";

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("claim.methods");
  return { title: { absolute: t("title") } };
}

export default async function ChooseMethodPage({ params }: Props) {
  const { token } = await params;
  const view = await claimView(token);
  if (view.kind === "invalid") notFound();
  if (view.kind !== "open" || view.stage !== "choose") redirect(`/c/${token}`);

  const { claim } = view;
  const [t, tRoot, locale] = await Promise.all([
    getTranslations("claim.methods"),
    getTranslations(),
    getLocale(),
  ]);
  const eligibility = claimMethods(claim);
  const country = countryName(claim.recipient.country, locale);
  const amount = formatMoney(claim.payout, locale);
  const previous = claim.payout.method;
  const retrying =
    (claim.payout.status === "failed" || claim.payout.status === "returned") && previous;
  const frame = frameFor(token, claim, "/methods");

  const organisation = claim.branding.name;
  if (eligibility.sanctioned) {
    return (
      <ClaimFrame {...frame}>
        <DeadEnd
          heading={t("sanctionedHeading")}
          body={[t("sanctionedBody", { country }), t("sanctionedApology", { organisation })]}
        />
      </ClaimFrame>
    );
  }
  if (eligibility.eligible.length === 0) {
    return (
      <ClaimFrame {...frame}>
        <DeadEnd
          heading={t("noneHeading", { country })}
          body={[t("noneBody"), tRoot("claim.locked.next", { organisation })]}
        />
      </ClaimFrame>
    );
  }

  // The only method this country offers failed: not "choose another way" with one choice,
  // but what can be done: the same method with other details, or the payer's help.
  if (retrying && otherMethods(claim) === 0) {
    const method = t(`options.${previous}.name`);
    const asked = await hasClaimActivity(db, claim.link.id, "other_way_requested");
    const email = maskEmail(claim.recipient.email);
    return (
      <ClaimFrame {...frame}>
        <h1 className="text-2xl font-bold text-slate-900">{t("onlyMethodHeading")}</h1>
        <p
          role="alert"
          className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950"
        >
          {t("onlyMethodNotice", { method, country })}
        </p>
        <Link href={`/c/${token}/methods/${previous}`} prefetch={false} className={primaryButton}>
          {t("tryAgain", { method })}
        </Link>
        {asked ? (
          <p role="status" className="rounded-lg bg-slate-100 px-4 py-3 text-slate-900">
            {tRoot("claim.ask.otherWayDone", { organisation, email })}
          </p>
        ) : (
          <form action={askOtherWay.bind(null, token)} className="flex flex-col gap-2">
            <button type="submit" className={secondaryButton}>
              {tRoot("claim.ask.otherWay", { organisation })}
            </button>
            <p className="text-sm text-slate-700">
              {tRoot("claim.ask.otherWayHint", { organisation, email })}
            </p>
          </form>
        )}
      </ClaimFrame>
    );
  }

  return (
    <ClaimFrame {...frame}>
      <h1 className="text-2xl font-bold text-slate-900">{t("heading")}</h1>
      {retrying ? (
        <p
          role="alert"
          className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950"
        >
          {t("failedNotice", { method: t(`options.${previous}.name`) })}
        </p>
      ) : null}
      <p className="text-slate-800">{t("intro", { country, amount })}</p>
      <ul className="flex flex-col gap-3">
        {eligibility.eligible.map((method) => (
          <li key={method.id}>
            <Link
              href={`/c/${token}/methods/${method.id}`}
              prefetch={false}
              className="flex flex-col gap-1 rounded-lg border border-slate-300 px-4 py-3 hover:border-(--claim-primary-text) hover:bg-slate-50 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-(--claim-primary-text)"
            >
              <span className="flex items-center justify-between gap-2 text-lg font-semibold text-slate-900">
                {t(`options.${method.id}.name`)}
                <span aria-hidden="true" className="text-(--claim-primary-text)">
                  →
                </span>
              </span>
              <span className="text-slate-800">{t(`options.${method.id}.description`)}</span>
              <span className="text-sm text-slate-700">
                {t("speedLabel", { speed: tRoot(speedMessageKeys[method.speed]) })}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </ClaimFrame>
  );
}
