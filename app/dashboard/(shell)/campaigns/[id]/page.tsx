import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import {
  ActionForm,
  ActionOutcome,
  ActionOutcomeMessage,
  SubmitButton,
} from "@/components/dashboard/action-form";
import { FanOutProgress } from "@/components/dashboard/campaign-progress";
import { Money } from "@/components/dashboard/money";
import { Card, PageHeader } from "@/components/dashboard/page-header";
import { StatusBadge } from "@/components/dashboard/status-badge";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { fanOutProgress, reconcileBatch } from "@/lib/batches/progress";
import { findMethod } from "@/lib/methods/catalog";
import { formatMoney } from "@/lib/money";
import { getBatch } from "@/lib/payouts/queries";
import { actorLabels } from "@/lib/read-models/actor-labels";
import { type CampaignSummary, campaignSummary, type Tally } from "@/lib/read-models/campaigns";
import { requirePageMember } from "../../../_lib/member";
import { approveCampaignAction, cancelCampaignAction } from "../actions";

export const metadata: Metadata = { title: "Campaign" };

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePageMember("campaigns.view");
  const { id } = await params;
  const batch = await getBatch(db, member.scope, id);
  if (!batch) notFound();
  const [progress, books, labels, summary] = await Promise.all([
    fanOutProgress(db, member.scope, id),
    reconcileBatch(db, member.scope, batch),
    actorLabels(db, [batch.createdBy, batch.approvedBy]),
    campaignSummary(db, member.scope, batch),
  ]);
  const who = (actor: string | null) => (actor ? (labels.get(actor) ?? actor) : "—");
  const createdByMe = batch.createdBy === `user:${member.user.id}`;
  const orgId = member.organisation.id;

  return (
    <ActionOutcome>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/campaigns" className="text-indigo-700 underline">
          ← Campaigns
        </Link>
      </p>
      <PageHeader
        title={batch.name}
        description={
          <>
            {batch.itemCount.toLocaleString("en-US")} payouts ·{" "}
            {formatMoney({ amount: batch.totalAmount, currency: batch.currency })} ·{" "}
            <span className="font-mono text-xs">{batch.id}</span>
          </>
        }
        actions={<StatusBadge status={summary.displayStatus} />}
      />
      <ActionOutcomeMessage />
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          {batch.status === "awaiting_approval" ? (
            <Card title="Approval needed">
              <p className="text-sm text-slate-700">
                This campaign is above the organisation's approval threshold. Its funds are
                reserved; no link goes out until a member other than its creator approves it.
              </p>
              {createdByMe ? (
                <p className="mt-3 text-sm font-medium text-amber-900">
                  You created it, so someone else must approve it.
                </p>
              ) : null}
              {can(member.role, "campaigns.approve") ? (
                <div className="mt-4 flex flex-wrap gap-3">
                  <ActionForm action={approveCampaignAction} organisationId={orgId}>
                    <input type="hidden" name="batchId" value={batch.id} />
                    <SubmitButton pendingLabel="Approving…">Approve campaign</SubmitButton>
                  </ActionForm>
                  <ActionForm
                    action={cancelCampaignAction}
                    organisationId={orgId}
                    confirmMessage="Reject this campaign? Its payouts are canceled and the funds released."
                  >
                    <input type="hidden" name="batchId" value={batch.id} />
                    <SubmitButton variant="danger" pendingLabel="Rejecting…">
                      Reject
                    </SubmitButton>
                  </ActionForm>
                </div>
              ) : (
                <p className="mt-3 text-sm text-slate-600">Your role cannot approve campaigns.</p>
              )}
            </Card>
          ) : null}
          {summary.displayStatus === "awaiting_approval" ? null : <MoneyCard summary={summary} />}
          <Card title="Sending links">
            <FanOutProgress
              key={batch.status}
              batchId={batch.id}
              organisationId={orgId}
              initial={{
                status: batch.status,
                total: progress.total,
                fannedOut: progress.fannedOut,
                percent: progress.percent,
              }}
            />
            <dl className="mt-4 grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
              {Object.entries(progress.counts)
                .filter(([, n]) => n > 0)
                .map(([status, n]) => (
                  <div key={status}>
                    <dt>
                      <StatusBadge status={status} />
                    </dt>
                    <dd className="mt-1 font-semibold tabular-nums">
                      <Link
                        href={`/dashboard/payouts?batch=${batch.id}&status=${status}`}
                        className="hover:underline"
                      >
                        {n.toLocaleString("en-US")}
                      </Link>
                    </dd>
                  </div>
                ))}
            </dl>
          </Card>
          <Card title="Books">
            <p
              className={`mb-3 text-sm font-medium ${books.balanced ? "text-emerald-800" : "text-red-700"}`}
              data-testid="reconciliation"
            >
              {books.balanced
                ? "Reconciled: the payouts and the ledger agree."
                : "Not reconciled: the payouts and the ledger disagree. Contact support."}
            </p>
            <table className="w-full text-sm">
              <thead className="text-left text-slate-600">
                <tr>
                  <th className="py-1 font-medium">Account</th>
                  <th className="py-1 text-right font-medium">From payout statuses</th>
                  <th className="py-1 text-right font-medium">In the ledger</th>
                </tr>
              </thead>
              <tbody>
                {books.lines.map((l) => (
                  <tr key={l.account} className="border-t border-slate-100">
                    <td className="py-1">
                      {l.account === "available"
                        ? "available (net movement)"
                        : l.account.replace("_", " ")}
                    </td>
                    <td className="py-1 text-right">
                      <Money amount={l.expected} currency={batch.currency} />
                    </td>
                    <td className="py-1 text-right">
                      <Money amount={l.ledger} currency={batch.currency} />
                    </td>
                  </tr>
                ))}
                <tr className="border-t border-slate-300 font-medium">
                  <td className="py-1">Campaign total</td>
                  <td className="py-1 text-right">
                    <Money amount={books.payoutsTotal} currency={batch.currency} />
                  </td>
                  <td className="py-1 text-right">
                    <Money amount={batch.totalAmount} currency={batch.currency} />
                  </td>
                </tr>
              </tbody>
            </table>
          </Card>
        </div>
        <Card title="Settings">
          <dl className="space-y-3 text-sm">
            <div>
              <dt className="text-xs text-slate-500">Currency</dt>
              <dd>{batch.currency}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Message</dt>
              <dd className="whitespace-pre-wrap">
                {batch.message ?? "The organisation's default"}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Allowed methods</dt>
              <dd>
                {batch.allowedMethods?.map((m) => findMethod(m)?.name ?? m).join(", ") ??
                  "Every method the country allows"}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Link expiry</dt>
              <dd>{batch.linkExpiryDays} days</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Created</dt>
              <dd>
                <Time at={batch.createdAt} /> by {who(batch.createdBy)}
              </dd>
            </div>
            {batch.approvedBy ? (
              <div>
                <dt className="text-xs text-slate-500">Approved by</dt>
                <dd>{who(batch.approvedBy)}</dd>
              </div>
            ) : null}
            {batch.completedAt ? (
              <div>
                <dt className="text-xs text-slate-500">Every link sent</dt>
                <dd>
                  <Time at={batch.completedAt} />
                </dd>
              </div>
            ) : null}
          </dl>
          {["processing", "awaiting_approval"].includes(batch.status) &&
          can(member.role, "campaigns.cancel") &&
          batch.status !== "awaiting_approval" ? (
            <ActionForm
              action={cancelCampaignAction}
              organisationId={orgId}
              className="mt-5 border-t border-slate-200 pt-4"
              confirmMessage="Stop this campaign? Unclaimed payouts are canceled and their funds released."
            >
              <input type="hidden" name="batchId" value={batch.id} />
              <SubmitButton variant="danger" pendingLabel="Stopping…">
                Stop campaign
              </SubmitButton>
            </ActionForm>
          ) : null}
        </Card>
      </div>
    </ActionOutcome>
  );
}

const statusMeaning: Record<CampaignSummary["displayStatus"], string> = {
  awaiting_approval: "Funds are reserved; nothing is sent until another member approves.",
  sending: "Links are going out to recipients.",
  sent: "Every link has gone out; some payouts still wait for their recipient or the provider.",
  completed: "Every payout is settled: paid, or canceled or expired with its funds released.",
  canceled: "Stopped: payouts not yet with the provider were canceled and their funds released.",
};

/** Where the campaign's money is: claimed, paid, still open and released. */
function MoneyCard({ summary }: { summary: CampaignSummary }) {
  const { figures, batch } = summary;
  const rows: { label: string; tally: Tally; hint: string }[] = [
    { label: "Claimed", tally: figures.claimed, hint: "the recipient chose a method" },
    { label: "Paid", tally: figures.paid, hint: "settled by the provider" },
    { label: "Open", tally: figures.open, hint: "waiting for the recipient or provider" },
    {
      label: "Released",
      tally: figures.released,
      hint: "canceled or expired, back in the balance",
    },
  ];
  return (
    <Card title="Money">
      <p className="mb-4 text-sm text-slate-700" data-testid="campaign-status-meaning">
        {statusMeaning[summary.displayStatus]}
      </p>
      <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
        {rows.map((r) => (
          <div key={r.label}>
            <dt className="text-xs font-medium text-slate-500">{r.label}</dt>
            <dd className="mt-1">
              <span className="block text-lg font-semibold tabular-nums text-slate-900">
                {r.tally.count.toLocaleString("en-US")}{" "}
                <span className="text-sm font-normal text-slate-600">
                  of {figures.payouts.count.toLocaleString("en-US")}
                </span>
              </span>
              <span className="block">
                <Money amount={r.tally.amount} currency={batch.currency} />
              </span>
              <span className="block text-xs text-slate-500">{r.hint}</span>
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
