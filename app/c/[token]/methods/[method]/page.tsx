import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { ClaimFrame } from "@/components/claim/claim-frame";
import { DeadEnd } from "@/components/claim/dead-end";
import { type DetailsCopy, MethodDetailsForm } from "@/components/claim/method-details-form";
import { methodFields } from "@/components/claim/method-fields";
import { primaryButton } from "@/components/claim/styles";
import { db } from "@/db/client";
import { claimMethods } from "@/lib/claims/claim-flow";
import { detailErrors } from "@/lib/methods/details/fields";
import { formatMoney } from "@/lib/money";
import { feeWithheldFromRecipient } from "@/lib/payouts/recipient-fee";
import { confirmChoice, continueToHostedOnboarding } from "../../actions";
import { claimView, frameFor } from "../../claim-view";

type Props = { params: Promise<{ token: string; method: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { method } = await params;
  const t = await getTranslations("claim");
  const name = t.has(`methods.options.${method}.name`)
    ? t(`methods.options.${method}.name`)
    : method;
  return { title: { absolute: t("details.title", { method: name }) } };
}

export default async function MethodDetailsPage({ params }: Props) {
  const { token, method: methodId } = await params;
  const view = await claimView(token);
  if (view.kind === "invalid") notFound();
  if (view.kind !== "open" || view.stage !== "choose") redirect(`/c/${token}`);
  const { claim } = view;
  const method = claimMethods(claim).eligible.find((m) => m.id === methodId);
  if (!method) redirect(`/c/${token}/methods`);

  const [t, locale] = await Promise.all([getTranslations("claim"), getLocale()]);
  const name = t(`methods.options.${method.id}.name`);
  const frame = frameFor(token, claim, `/methods/${method.id}`);
  // Live bank details belong on the provider's hosted onboarding, never on our servers.
  if (claim.payout.mode === "live" && method.provider === "stripe") {
    return (
      <ClaimFrame {...frame}>
        <DeadEnd
          level={1}
          heading={t("details.heading", { method: name })}
          body={[t("details.hostedOnboarding")]}
        />
        <form action={continueToHostedOnboarding.bind(null, token, method.id)} className="mt-4">
          <button type="submit" className={primaryButton}>
            {t("details.continueToPartner")}
          </button>
        </form>
      </ClaimFrame>
    );
  }
  const fields = methodFields(method.id, claim.recipient.country).map((field) => ({
    ...field,
    label: t(`details.${method.id}.${field.name}`),
    hint: t.has(`details.${method.id}.${field.name}Hint`)
      ? t(`details.${method.id}.${field.name}Hint`)
      : undefined,
    optionLabels: field.options
      ? Object.fromEntries(
          field.options.map((value) => [
            value,
            field.brandNames?.[value] ?? t(`details.${method.id}.options.${value}`),
          ]),
        )
      : undefined,
    defaultValue: field.prefillEmail ? claim.recipient.email : undefined,
  }));
  // Every message a details schema can produce, already in the recipient's language.
  const errorMessages = Object.fromEntries(Object.values(detailErrors).map((key) => [key, t(key)]));
  const copy: DetailsCopy = {
    heading: t("details.heading", { method: name }),
    continue: t("details.continue"),
    otherMethod: t("details.otherMethod"),
    invalid: t("details.invalid"),
    fixErrors: Object.fromEntries(
      [1, 2, 3, 4].map((n) => [n, t("details.fixErrors", { count: n })]),
    ),
    reviewHeading: t("review.heading"),
    reviewIntro: t("review.intro"),
    amountLabel: t("review.amount"),
    methodLabel: t("review.method"),
    edit: t("review.edit"),
    confirm: t("review.confirm"),
    confirming: t("review.confirming"),
    errors: errorMessages,
  };
  const withheld = await feeWithheldFromRecipient(db, claim.payout, method.id);
  const currency = claim.payout.currency;
  const feeLines = withheld
    ? [
        { label: t("review.fee"), value: formatMoney({ amount: withheld.fee, currency }, locale) },
        {
          label: t("review.youReceive"),
          value: formatMoney({ amount: withheld.receives, currency }, locale),
        },
      ]
    : undefined;
  return (
    <ClaimFrame {...frame}>
      <MethodDetailsForm
        method={method.id}
        methodName={name}
        country={claim.recipient.country}
        amount={formatMoney(claim.payout, locale)}
        feeLines={feeLines}
        fields={fields}
        copy={copy}
        backHref={`/c/${token}/methods`}
        confirm={confirmChoice.bind(null, token, method.id)}
      />
    </ClaimFrame>
  );
}
