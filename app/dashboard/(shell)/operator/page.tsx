import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ActionForm, SubmitButton } from "@/components/dashboard/action-form";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { isOperator, kybSubmissions } from "@/lib/compliance/kyb";
import { listVersionHistory } from "@/lib/compliance/lists/load";
import { requirePageMember } from "../../_lib/member";
import { decideKybAction, uploadListAction } from "./actions";

export const metadata: Metadata = { title: "Operators" };

/** The platform operators' page: KYB submissions to decide, and the sanctions lists. */
export default async function OperatorPage() {
  const member = await requirePageMember("dashboard.view");
  if (!isOperator(member.user.email)) redirect("/dashboard/forbidden?action=operator");
  const [submissions, versions] = await Promise.all([kybSubmissions(db), listVersionHistory(db)]);
  return (
    <>
      <PageHeader
        title="Operators"
        description="Business verifications and sanctions lists, for the whole platform."
      />
      <Card title="Business verifications">
        {submissions.length === 0 ? (
          <EmptyState>No submissions.</EmptyState>
        ) : (
          <ul className="space-y-4">
            {submissions.map(({ kyb, organisation }) => (
              <li
                key={organisation.id}
                data-testid="kyb-submission"
                className="rounded-lg border border-slate-200 p-3 text-sm"
              >
                <p className="font-medium">
                  {organisation.name} — {kyb.legalName} ({kyb.registrationCountry}{" "}
                  {kyb.registrationNumber}) · <strong>{kyb.status}</strong>
                </p>
                <p className="text-slate-600">
                  {kyb.address} · {kyb.website}
                  {kyb.submittedAt ? (
                    <>
                      {" "}
                      · submitted <Time at={kyb.submittedAt} />
                    </>
                  ) : null}
                </p>
                <ul className="ml-4 list-disc">
                  {kyb.owners.map((o) => (
                    <li key={o.name}>
                      {o.name} ({o.country}), {o.ownership} %
                    </li>
                  ))}
                </ul>
                <ul className="mt-1">
                  {(
                    kyb.screening as {
                      role: string;
                      name: string;
                      findings: { description: string }[];
                    }[]
                  ).map((s) => (
                    <li key={`${s.role}:${s.name}`}>
                      Screening of {s.role} {s.name}:{" "}
                      {s.findings.length
                        ? s.findings.map((f) => f.description).join("; ")
                        : "no match"}
                    </li>
                  ))}
                </ul>
                {kyb.status === "submitted" ? (
                  <ActionForm
                    action={decideKybAction}
                    organisationId={member.organisation.id}
                    className="mt-2 flex flex-wrap items-end gap-2"
                  >
                    <input type="hidden" name="kybOrganisationId" value={organisation.id} />
                    <label className="text-sm">
                      Note{" "}
                      <input name="note" className="rounded-md border border-slate-300 px-2 py-1" />
                    </label>
                    <SubmitButton name="decision" value="approved">
                      Approve
                    </SubmitButton>
                    <SubmitButton name="decision" value="rejected" variant="danger">
                      Reject
                    </SubmitButton>
                  </ActionForm>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Sanctions lists" className="mt-6">
        <ActionForm
          action={uploadListAction}
          organisationId={member.organisation.id}
          className="mb-4 flex flex-wrap items-end gap-3"
        >
          <label className="text-sm">
            OFAC sdn.csv, alt.csv, add.csv — or one generic CSV (name, aliases, type, country,
            program) <input type="file" name="files" accept=".csv,text/csv" multiple required />
          </label>
          <label className="text-sm">
            List name (optional){" "}
            <input name="listName" className="rounded-md border border-slate-300 px-2 py-1" />
          </label>
          <SubmitButton pendingLabel="Loading…">Load list</SubmitButton>
        </ActionForm>
        {versions.length === 0 ? (
          <EmptyState>No list loaded: screening checks countries only.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr>
                <th>List</th>
                <th>Entries</th>
                <th>Aliases</th>
                <th>Loaded</th>
                <th>By</th>
                <th>Source</th>
                <th>Rescreened</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.id}>
                  <td>
                    {v.listName}
                    {v.fixture ? " — fictional fixture, not a sanctions list" : ""}
                  </td>
                  <td>{v.entryCount}</td>
                  <td>{v.aliasCount}</td>
                  <td>
                    <Time at={v.createdAt} />
                  </td>
                  <td>{v.loadedBy}</td>
                  <td>{v.source}</td>
                  <td>{v.rescreenedAt ? <Time at={v.rescreenedAt} /> : "pending"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
