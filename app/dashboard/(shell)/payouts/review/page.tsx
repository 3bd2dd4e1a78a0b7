import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm, SubmitButton } from "@/components/dashboard/action-form";
import { FindingExplanation } from "@/components/dashboard/finding-explanation";
import { Money } from "@/components/dashboard/money";
import { EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { reviewQueue } from "@/lib/read-models/review-queue";
import { requirePageMember } from "../../../_lib/member";
import { clearReviewAction, rejectReviewAction } from "../actions";

export const metadata: Metadata = { title: "Review queue" };

const stages = {
  prepare: "held before the link was sent",
  rescreen: "held when a list was updated",
  claim: "held when the recipient claimed",
} as const;

export default async function ReviewQueuePage() {
  const member = await requirePageMember("payouts.review");
  const { data, hasMore } = await reviewQueue(db, member.scope, 100);
  return (
    <>
      <PageHeader
        title="Review queue"
        description="Payouts held by screening, limits or shared destinations. Approve one to send its link, or reject it to cancel it, release the funds and tell the recipient."
      />
      {data.length === 0 ? (
        <EmptyState>Nothing is waiting for review.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {data.map((p) => (
            <li
              key={p.payout.id}
              data-testid="review-item"
              className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
            >
              <div className="flex flex-wrap items-center gap-4">
                <div className="min-w-0 flex-1">
                  <Link
                    href={`/dashboard/payouts/${p.payout.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {p.recipient.name ?? p.recipient.email}
                  </Link>
                  <p className="text-xs text-slate-600">
                    {p.recipient.email} · {p.recipient.country} · <Time at={p.payout.createdAt} />
                    {p.stage ? ` · ${stages[p.stage]}` : ""}
                  </p>
                </div>
                <Money amount={p.payout.amount} currency={p.payout.currency} />
              </div>
              <div className="mt-3 space-y-2 rounded-md bg-amber-50 p-3 text-sm text-slate-800">
                <p className="font-medium">
                  Why: {p.reasonCodes.length ? p.reasonCodes.join(", ") : "held for review"}
                </p>
                {p.findings.map((f, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: findings are fixed once written
                  <FindingExplanation key={i} finding={f} />
                ))}
              </div>
              <div className="mt-3 flex flex-wrap items-end gap-3">
                <ActionForm action={clearReviewAction} organisationId={member.organisation.id}>
                  <input type="hidden" name="payoutId" value={p.payout.id} />
                  <input type="hidden" name="mode" value={member.mode} />
                  <label className="mr-2 text-sm text-slate-700">
                    Note{" "}
                    <input
                      name="note"
                      className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                      aria-label={`Approval note for ${p.recipient.name ?? p.recipient.email}`}
                    />
                  </label>
                  <SubmitButton pendingLabel="Approving…">Approve</SubmitButton>
                </ActionForm>
                <ActionForm
                  action={rejectReviewAction}
                  organisationId={member.organisation.id}
                  confirmMessage="Reject this payout? It is canceled, its funds are released and the recipient is told."
                >
                  <input type="hidden" name="payoutId" value={p.payout.id} />
                  <input type="hidden" name="mode" value={member.mode} />
                  <label className="mr-2 text-sm text-slate-700">
                    Note{" "}
                    <input
                      name="note"
                      className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                      aria-label={`Rejection note for ${p.recipient.name ?? p.recipient.email}`}
                    />
                  </label>
                  <SubmitButton variant="danger" pendingLabel="Rejecting…">
                    Reject
                  </SubmitButton>
                </ActionForm>
              </div>
            </li>
          ))}
        </ul>
      )}
      {hasMore ? (
        <p className="mt-4 text-sm text-slate-600">
          Showing the 100 newest; decide these to see more.
        </p>
      ) : null}
    </>
  );
}
