import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm, SubmitButton } from "@/components/dashboard/action-form";
import { Money } from "@/components/dashboard/money";
import { EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { searchPayouts } from "@/lib/read-models/payout-search";
import { requirePageMember } from "../../../_lib/member";
import { clearReviewAction, rejectReviewAction } from "../actions";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewQueuePage() {
  const member = await requirePageMember("payouts.review");
  const { data, hasMore } = await searchPayouts(
    db,
    member.scope,
    { status: "awaiting_review" },
    100,
  );
  return (
    <>
      <PageHeader
        title="Review queue"
        description="Payouts held by screening or limits. Clear one to send its link, or reject it to release the funds."
      />
      {data.length === 0 ? (
        <EmptyState>Nothing is waiting for review.</EmptyState>
      ) : (
        <ul className="space-y-3">
          {data.map((p) => (
            <li
              key={p.id}
              className="flex flex-wrap items-center gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
            >
              <div className="min-w-0 flex-1">
                <Link
                  href={`/dashboard/payouts/${p.id}`}
                  className="font-medium text-indigo-700 hover:underline"
                >
                  {p.recipient.name ?? p.recipient.email}
                </Link>
                <p className="text-xs text-slate-500">
                  {p.recipient.email} · {p.recipient.country} · <Time at={p.createdAt} />
                </p>
              </div>
              <Money amount={p.amount} currency={p.currency} />
              <ActionForm action={clearReviewAction} organisationId={member.organisation.id}>
                <input type="hidden" name="payoutId" value={p.id} />
                <SubmitButton pendingLabel="Clearing…">Clear</SubmitButton>
              </ActionForm>
              <ActionForm
                action={rejectReviewAction}
                organisationId={member.organisation.id}
                confirmMessage="Reject and cancel this payout?"
              >
                <input type="hidden" name="payoutId" value={p.id} />
                <SubmitButton variant="danger" pendingLabel="Rejecting…">
                  Reject
                </SubmitButton>
              </ActionForm>
            </li>
          ))}
        </ul>
      )}
      {hasMore ? (
        <p className="mt-4 text-sm text-slate-600">
          Showing the 100 newest; clear these to see more.
        </p>
      ) : null}
    </>
  );
}
