import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, PageHeader } from "@/components/dashboard/page-header";
import { db } from "@/db/client";
import { kybOf } from "@/lib/compliance/kyb";
import { requirePageMember } from "../../_lib/member";
import { submitKybAction } from "./actions";

export const metadata: Metadata = { title: "Business verification" };

const statusLine = {
  unverified: "Not submitted yet. Live mode opens once platform operators approve it.",
  submitted: "Submitted: waiting for the platform operators' decision.",
  approved: "Approved: live mode is open to your organisation.",
  rejected: "Rejected: correct the details below and submit again.",
} as const;

export default async function VerificationPage({
  searchParams,
}: {
  searchParams: Promise<{ live?: string }>;
}) {
  const member = await requirePageMember("kyb.submit");
  const kyb = await kybOf(db, member.organisation.id);
  const status = kyb?.status ?? "unverified";
  const refused = (await searchParams).live === "refused";
  const owners = [...(kyb?.owners ?? []), ...Array(4).fill(null)].slice(0, 4);
  return (
    <>
      <PageHeader
        title="Business verification (KYB)"
        description="Who your organisation is and who owns it. Live mode — live API keys, live payouts, the live dashboard — needs it approved."
      />
      {refused ? (
        <p role="alert" className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          Live mode is not open yet: {statusLine[status]}
        </p>
      ) : null}
      <Card title="Status">
        <p className="text-sm" data-testid="kyb-status">
          {statusLine[status]}
          {kyb?.decisionNote ? ` Note: ${kyb.decisionNote}` : ""}
        </p>
      </Card>
      {status === "approved" ? null : (
        <Card title="Details" className="mt-6">
          <ActionForm
            action={submitKybAction}
            organisationId={member.organisation.id}
            className="grid gap-4"
          >
            <Field
              name="legalName"
              label="Legal name"
              defaultValue={kyb?.legalName ?? ""}
              required
            />
            <Field
              name="registrationNumber"
              label="Registration number"
              defaultValue={kyb?.registrationNumber ?? ""}
              required
            />
            <Field
              name="registrationCountry"
              label="Country of registration (ISO code, e.g. GB)"
              defaultValue={kyb?.registrationCountry ?? ""}
              maxLength={2}
              required
            />
            <Field
              name="address"
              label="Registered address"
              defaultValue={kyb?.address ?? ""}
              required
            />
            <Field
              name="website"
              label="Website"
              type="url"
              defaultValue={kyb?.website ?? ""}
              required
            />
            <fieldset className="grid gap-2">
              <legend className="text-sm font-medium text-slate-700">
                Beneficial owners holding 25 % or more (up to four)
              </legend>
              {owners.map((owner, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: four fixed rows
                <div key={i} className="grid grid-cols-3 gap-2">
                  <Field
                    name={`owners.${i}.name`}
                    label={`Owner ${i + 1}: full name`}
                    defaultValue={owner?.name ?? ""}
                  />
                  <Field
                    name={`owners.${i}.country`}
                    label="Country (ISO code)"
                    maxLength={2}
                    defaultValue={owner?.country ?? ""}
                  />
                  <Field
                    name={`owners.${i}.ownership`}
                    label="Ownership %"
                    inputMode="numeric"
                    defaultValue={owner?.ownership ?? ""}
                  />
                </div>
              ))}
            </fieldset>
            <div>
              <SubmitButton pendingLabel="Submitting…">Submit for verification</SubmitButton>
            </div>
          </ActionForm>
        </Card>
      )}
    </>
  );
}
