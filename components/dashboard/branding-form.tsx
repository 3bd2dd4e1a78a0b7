"use client";

import { useState } from "react";
import { brandPalette } from "@/lib/claims/brand-palette";
import { brandingContrastWarnings } from "@/lib/organisations/branding-contrast";
import { ActionForm, Field, FieldError, SubmitButton } from "./action-form";
import type { ActionState } from "./action-state";

export type BrandingValues = {
  name: string;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  claimMessage: string;
  supportEmail: string;
};

const HEX = /^#[0-9a-fA-F]{6}$/;

/** The branding form with a live preview of the claim page beside it. */
export function BrandingForm({
  action,
  organisationId,
  initial,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  organisationId: string;
  initial: BrandingValues;
}) {
  const [values, setValues] = useState(initial);
  const [logo, setLogo] = useState<string | null>(initial.logoUrl);
  const set = (k: keyof BrandingValues) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const colors = {
    primaryColor: HEX.test(values.primaryColor) ? values.primaryColor : initial.primaryColor,
    accentColor: HEX.test(values.accentColor) ? values.accentColor : initial.accentColor,
  };
  const warnings = brandingContrastWarnings(colors);

  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <ActionForm
        action={action}
        organisationId={organisationId}
        className="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      >
        <Field
          name="name"
          label="Organisation name"
          value={values.name}
          onChange={set("name")}
          required
        />
        <div>
          <label htmlFor="logo" className="block text-sm font-medium text-slate-700">
            Logo
          </label>
          <input
            id="logo"
            name="logo"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/svg+xml"
            className="mt-1 block text-sm"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              const reader = new FileReader();
              reader.onload = () => setLogo(String(reader.result));
              reader.readAsDataURL(file);
            }}
          />
          <p className="mt-1 text-xs text-slate-500">PNG, JPEG, WebP or SVG, up to 200 KB.</p>
          <FieldError name="logo" />
          {logo ? (
            <label className="mt-2 flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                name="removeLogo"
                value="1"
                onChange={(e) => setLogo(e.target.checked ? null : initial.logoUrl)}
              />
              Remove the logo
            </label>
          ) : null}
        </div>
        <div className="grid grid-cols-2 gap-4">
          {(["primaryColor", "accentColor"] as const).map((k) => (
            <div key={k}>
              <label htmlFor={k} className="block text-sm font-medium text-slate-700">
                {k === "primaryColor" ? "Primary colour" : "Accent colour"}
              </label>
              <div className="mt-1 flex items-center gap-2">
                <input
                  type="color"
                  aria-label={`${k === "primaryColor" ? "Primary" : "Accent"} colour picker`}
                  value={colors[k]}
                  onChange={set(k)}
                  className="h-9 w-10 rounded border border-slate-300"
                />
                <input
                  id={k}
                  name={k}
                  value={values[k]}
                  onChange={set(k)}
                  className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                />
              </div>
              <FieldError name={k} />
            </div>
          ))}
        </div>
        {warnings.length ? (
          <div
            role="status"
            className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
            data-testid="contrast-warning"
          >
            <p className="font-medium">Contrast warning</p>
            <ul className="mt-1 list-disc pl-5">
              {warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <div>
          <label htmlFor="claimMessage" className="block text-sm font-medium text-slate-700">
            Message on the claim page
          </label>
          <textarea
            id="claimMessage"
            name="claimMessage"
            rows={3}
            maxLength={2000}
            value={values.claimMessage}
            onChange={set("claimMessage")}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <p className="mt-1 text-xs text-slate-500">A campaign's own message replaces it.</p>
          <FieldError name="claimMessage" />
        </div>
        <Field
          name="supportEmail"
          label="Support email"
          type="email"
          value={values.supportEmail}
          onChange={set("supportEmail")}
        />
        <SubmitButton pendingLabel="Saving…">Save branding</SubmitButton>
      </ActionForm>
      <ClaimPreview values={{ ...values, ...colors }} logo={logo} />
    </div>
  );
}

function ClaimPreview({ values, logo }: { values: BrandingValues; logo: string | null }) {
  const palette = brandPalette(values);
  return (
    <figure aria-label="Preview of the claim page" className="xl:sticky xl:top-6">
      <figcaption className="mb-2 text-sm font-medium text-slate-600">
        What recipients see
      </figcaption>
      <div className="mx-auto max-w-sm overflow-hidden rounded-2xl border border-slate-300 bg-white shadow-lg">
        <div
          className="flex items-center gap-3 px-4 py-3"
          style={{ background: palette.accent, color: palette.onAccent }}
        >
          <span className="font-semibold">{values.name}</span>
          {logo ? (
            // biome-ignore lint/performance/noImgElement: a data URL preview; next/image adds nothing here.
            <img
              src={logo}
              alt={`${values.name} logo`}
              className="ml-auto h-8 w-auto max-w-32 rounded bg-white object-contain px-1 py-0.5"
            />
          ) : null}
        </div>
        <div className="space-y-4 px-4 py-5">
          <p className="text-2xl font-bold leading-tight text-slate-900">
            {values.name} sent you $25.00
          </p>
          {values.claimMessage ? (
            <figure
              className="rounded-lg border-l-4 bg-slate-50 px-4 py-3 text-sm"
              style={{ borderColor: palette.primary }}
            >
              <blockquote className="text-slate-800">{values.claimMessage}</blockquote>
              <figcaption className="mt-1 text-xs text-slate-600">
                Message from {values.name}
              </figcaption>
            </figure>
          ) : null}
          <span
            className="block w-full rounded-lg px-4 py-3 text-center font-semibold"
            style={{ background: palette.primary, color: palette.onPrimary }}
          >
            Email me a code
          </span>
          {values.supportEmail ? (
            <p className="border-t border-slate-200 pt-3 text-xs text-slate-600">
              Questions about this payment? Contact {values.name} at{" "}
              <span style={{ color: palette.primaryText }} className="font-medium underline">
                {values.supportEmail}
              </span>
              .
            </p>
          ) : null}
        </div>
      </div>
      {palette.adjusted ? (
        <p className="mt-2 text-center text-xs text-slate-600">
          Colours shown as the claim page adjusts them for readability.
        </p>
      ) : null}
    </figure>
  );
}
