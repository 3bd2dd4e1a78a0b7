import countries from "i18n-iso-countries";
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { ClaimFrame } from "@/components/claim/claim-frame";
import { primaryButton } from "@/components/claim/styles";
import { type TaxField, TaxForm, type TaxFormCopy } from "@/components/claim/tax-form";
import { db } from "@/db/client";
import { countryName } from "@/lib/claims/claim-format";
import { taxStepFor } from "@/lib/claims/claim-tax";
import {
  entityTypes,
  formVersions,
  type TaxFormKind,
  taxFormErrors,
  usStates,
} from "@/lib/tax/forms";
import { continueWithTaxFormOnFile, submitTaxForm } from "../actions";
import { claimView, frameFor } from "../claim-view";

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("claim.tax");
  return { title: { absolute: t("title") } };
}

/** The certificate's questions in the form's order, labelled in the recipient's language. */
function fieldsFor(
  kind: TaxFormKind,
  t: (key: string) => string,
  has: (key: string) => boolean,
  countryOptions: { value: string; label: string }[],
): TaxField[] {
  const field = (
    name: string,
    kind: TaxField["kind"],
    group: string,
    extra: Partial<TaxField> = {},
  ): TaxField => ({
    name,
    kind,
    group,
    label: t(`fields.${name}`),
    ...(has(`fields.${name}Hint`) ? { hint: t(`fields.${name}Hint`) } : {}),
    ...extra,
  });
  const certification = [
    field("certify", "checkbox", "certification"),
    field("signatureName", "text", "certification", { autoComplete: "name" }),
  ];
  if (kind === "w9") {
    return [
      field("name", "text", "identity", { autoComplete: "name" }),
      field("businessName", "text", "identity", { autoComplete: "organization" }),
      field("entityType", "select", "identity", {
        options: entityTypes.map((value) => ({ value, label: t(`options.entityType.${value}`) })),
      }),
      field("tinType", "radio", "tin", {
        options: (["ssn", "ein"] as const).map((value) => ({
          value,
          label: t(`options.tinType.${value}`),
        })),
      }),
      field("tin", "text", "tin", { inputMode: "numeric" }),
      field("addressLine1", "text", "address", { autoComplete: "address-line1" }),
      field("addressLine2", "text", "address", { autoComplete: "address-line2" }),
      field("city", "text", "address", { autoComplete: "address-level2" }),
      field("state", "select", "address", {
        options: usStates.map((value) => ({ value, label: value })),
      }),
      field("postalCode", "text", "address", { autoComplete: "postal-code", inputMode: "numeric" }),
      ...certification,
    ];
  }
  return [
    field("name", "text", "identity", { autoComplete: "name" }),
    field("citizenship", "select", "identity", { options: countryOptions }),
    field("dateOfBirth", "date", "identity", { autoComplete: "bday" }),
    field("addressLine1", "text", "address", { autoComplete: "address-line1" }),
    field("addressLine2", "text", "address", { autoComplete: "address-line2" }),
    field("city", "text", "address", { autoComplete: "address-level2" }),
    field("region", "text", "address", { autoComplete: "address-level1" }),
    field("postalCode", "text", "address", { autoComplete: "postal-code" }),
    field("country", "select", "address", { options: countryOptions }),
    field("foreignTin", "text", "tin"),
    field("noTinReason", "text", "tin"),
    field("claimTreaty", "checkbox", "treaty"),
    field("treatyCountry", "select", "treaty", { options: countryOptions, showIf: "claimTreaty" }),
    field("treatyArticle", "text", "treaty", { showIf: "claimTreaty" }),
    field("treatyRate", "text", "treaty", { showIf: "claimTreaty" }),
    field("treatyIncomeType", "text", "treaty", { showIf: "claimTreaty" }),
    ...certification,
  ];
}

export default async function TaxDetailsPage({ params }: Props) {
  const { token } = await params;
  const view = await claimView(token);
  if (view.kind === "invalid") notFound();
  if (view.kind !== "open" || view.stage !== "tax") redirect(`/c/${token}`);
  const { claim } = view;
  const [t, tClaim, locale] = await Promise.all([
    getTranslations("claim.tax"),
    getTranslations("claim"),
    getLocale(),
  ]);
  const step = await taxStepFor(db, claim);
  const organisation = claim.branding.name;
  const frame = frameFor(token, claim, "/tax");

  if (step.onFile) {
    return (
      <ClaimFrame {...frame}>
        <h1 className="text-2xl font-bold text-slate-900">{t("heading")}</h1>
        <p className="text-slate-800">{t("onFile", { organisation })}</p>
        <form action={continueWithTaxFormOnFile.bind(null, token, step.kind)}>
          <button type="submit" className={primaryButton}>
            {t("continue")}
          </button>
        </form>
      </ClaimFrame>
    );
  }

  const countryOptions = Object.keys(countries.getAlpha2Codes())
    .map((code) => ({ value: code, label: countryName(code, locale) }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));
  const fields = fieldsFor(
    step.kind,
    (key) => t(key as never),
    (key) => t.has(key as never),
    countryOptions,
  );
  const errors = Object.fromEntries(
    Object.values(taxFormErrors).map((key) => [key, tClaim(key as never)]),
  );
  const copy: TaxFormCopy = {
    groups: {
      identity: t("groups.identity"),
      tin: t("groups.tin"),
      address: t("groups.address"),
      treaty: t("groups.treaty"),
      certification: t("groups.certification"),
    },
    certification: t(step.kind === "w9" ? "certificationW9" : "certificationW8ben"),
    signatureNote: t("signatureNote"),
    submit: t("submit"),
    submitting: t("submitting"),
    fixErrors: Object.fromEntries([1, 2, 3, 4].map((n) => [n, t("fixErrors", { count: n })])),
    invalid: tClaim("details.invalid"),
    errors,
  };
  const defaults =
    step.kind === "w9"
      ? { name: claim.recipient.name ?? "", state: "", entityType: "individual" }
      : {
          name: claim.recipient.name ?? "",
          country: claim.recipient.country,
          citizenship: claim.recipient.country,
          claimTreaty: false,
        };
  return (
    <ClaimFrame {...frame}>
      <h1 className="text-2xl font-bold text-slate-900">{t("heading")}</h1>
      <p className="text-slate-800">
        {t(step.kind === "w9" ? "introW9" : "introW8ben", { organisation })}
      </p>
      <p className="text-sm text-slate-700">
        {t("formVersion", { version: formVersions[step.kind] })} · {t("privacy", { organisation })}
      </p>
      <TaxForm
        kind={step.kind}
        fields={fields}
        defaults={defaults}
        copy={copy}
        submit={submitTaxForm.bind(null, token, step.kind)}
      />
    </ClaimFrame>
  );
}
