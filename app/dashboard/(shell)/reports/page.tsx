import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { ReportProgress } from "@/components/dashboard/report-progress";
import {
  ReportRequestForm,
  type ReportTypeOption,
} from "@/components/dashboard/report-request-form";
import { StatusBadge } from "@/components/dashboard/status-badge";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { currencies } from "@/lib/money";
import { listBatches } from "@/lib/payouts/queries";
import { payoutStatuses } from "@/lib/payouts/serialize";
import { listReports } from "@/lib/reports/reports";
import { serializeReport } from "@/lib/reports/serialize";
import { requirePageMember } from "../../_lib/member";
import { requestReportAction } from "./actions";

export const metadata: Metadata = { title: "Reports" };

const types: ReportTypeOption[] = [
  { value: "payouts", label: "Payouts", fields: ["from", "status", "batch_id", "currency"] },
  { value: "ledger", label: "Ledger (transfers and balances)", fields: ["from", "currency"] },
  { value: "reconciliation", label: "Reconciliation", fields: [] },
  { value: "tax_1099_nec", label: "1099-NEC (with IRIS file)", fields: ["tax_year"] },
  { value: "dac7", label: "DAC7 sellers", fields: ["tax_year"] },
  {
    value: "recipient_statement",
    label: "Recipient statement",
    fields: ["recipient_id", "tax_year"],
  },
];
const labelOf = Object.fromEntries(types.map((t) => [t.value, t.label]));

function describeParameters(parameters: Record<string, unknown>): string {
  return Object.entries(parameters)
    .map(
      ([k, v]) =>
        `${k.replace(/_/g, " ")}: ${Array.isArray(v) ? v.join(", ") : String(v).replace("T00:00:00Z", "")}`,
    )
    .join(" · ");
}

export default async function ReportsPage({
  searchParams,
}: {
  searchParams: Promise<{ after?: string }>;
}) {
  const member = await requirePageMember("reports.view");
  const { after } = await searchParams;
  const [page, campaigns] = await Promise.all([
    listReports(db, member.scope, { limit: 25, startingAfter: after }),
    listBatches(db, member.scope, { limit: 100 }),
  ]);
  const year = new Date().getUTCFullYear();
  return (
    <>
      <PageHeader
        title="Reports"
        description="CSV exports generated in the background: payouts, the ledger, reconciliation, and tax data. Download links are signed for you and expire after 15 minutes; reload for fresh ones."
      />
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="xl:col-span-2">
          {page.data.length === 0 ? (
            <EmptyState>No reports in {member.mode} mode yet.</EmptyState>
          ) : (
            <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
              <table className="w-full text-sm" data-testid="reports">
                <thead className="bg-slate-50 text-left text-slate-600">
                  <tr>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Report
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-4 py-2 text-right font-medium">
                      Rows
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Requested
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Download
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((row) => {
                    const report = serializeReport(row);
                    return (
                      <tr
                        key={report.id}
                        className="border-t border-slate-100 align-top"
                        data-report={report.id}
                      >
                        <td className="px-4 py-2">
                          <p className="font-medium text-slate-900">
                            {labelOf[report.type] ?? report.type}
                          </p>
                          <p className="text-xs text-slate-600">
                            {describeParameters(report.parameters)}
                          </p>
                          <p className="font-mono text-xs text-slate-500">{report.id}</p>
                        </td>
                        <td className="px-4 py-2">
                          <StatusBadge status={report.status} />
                          {report.status === "pending" || report.status === "running" ? (
                            <ReportProgress
                              reportId={report.id}
                              organisationId={member.organisation.id}
                              initial={{ status: report.status, progress: report.progress }}
                            />
                          ) : null}
                          {report.failure_reason ? (
                            <p className="mt-1 text-xs text-red-700">{report.failure_reason}</p>
                          ) : null}
                        </td>
                        <td className="px-4 py-2 text-right tabular-nums">
                          {report.row_count?.toLocaleString("en-US") ?? "—"}
                        </td>
                        <td className="px-4 py-2">
                          <Time at={row.createdAt} />
                        </td>
                        <td className="px-4 py-2">
                          <ul className="space-y-1">
                            {report.files.map((file) =>
                              file.url ? (
                                <li key={file.name}>
                                  <a className="text-indigo-700 underline" href={file.url} download>
                                    {file.name}
                                  </a>{" "}
                                  <span className="text-xs text-slate-500">
                                    ({file.rows.toLocaleString("en-US")} rows)
                                  </span>
                                </li>
                              ) : null,
                            )}
                          </ul>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {page.hasMore ? (
            <Link
              className="mt-3 inline-block text-sm text-indigo-700 underline"
              href={`/dashboard/reports?after=${page.data.at(-1)?.id}`}
            >
              Older reports
            </Link>
          ) : null}
        </div>
        {can(member.role, "reports.create") ? (
          <Card title="New report">
            <ReportRequestForm
              action={requestReportAction}
              types={types}
              statuses={[...payoutStatuses]}
              currencies={[...currencies]}
              campaigns={campaigns.data.map((c) => ({ id: c.id, name: c.name }))}
              defaultYear={year}
            />
          </Card>
        ) : null}
      </div>
    </>
  );
}
