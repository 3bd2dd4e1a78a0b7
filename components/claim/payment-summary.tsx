import { getLocale, getTranslations } from "next-intl/server";
import { formatDeadline, formatPayoutAmount } from "@/lib/claims/claim-format";
import type { ClaimContext } from "@/lib/claims/links";

/** Who pays, how much, why, and until when: the first thing a recipient needs to trust the link. */
export async function PaymentSummary({ claim }: { claim: ClaimContext }) {
  const [t, locale] = await Promise.all([getTranslations("claim.landing"), getLocale()]);
  const amount = formatPayoutAmount(claim.payout, locale);
  const deadline = formatDeadline(claim.link.expiresAt, locale);
  const reason = claim.payout.description ?? claim.batch?.name;
  const organisation = claim.branding.name;
  return (
    <section aria-labelledby="claim-heading" className="flex flex-col gap-4">
      <h1 id="claim-heading" className="text-2xl font-bold leading-tight text-slate-900">
        {t("heading", { organisation, amount })}
      </h1>
      {claim.branding.message ? (
        <figure className="rounded-lg border-l-4 border-(--claim-primary) bg-slate-50 px-4 py-3">
          <blockquote className="text-slate-800">{claim.branding.message}</blockquote>
          <figcaption className="mt-1 text-sm text-slate-700">
            {t("messageFrom", { organisation })}
          </figcaption>
        </figure>
      ) : null}
      <dl className="flex flex-col gap-3 rounded-lg border border-slate-200 px-4 py-3">
        {reason ? (
          <div>
            <dt className="text-sm text-slate-700">{t("for")}</dt>
            <dd className="font-medium">{reason}</dd>
          </div>
        ) : null}
        <div>
          <dt className="text-sm text-slate-700">{t("claimBy")}</dt>
          <dd className="font-medium">
            <time dateTime={claim.link.expiresAt.toISOString()}>{deadline.absolute}</time>{" "}
            <span className="font-normal text-slate-700">({deadline.relative})</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}
