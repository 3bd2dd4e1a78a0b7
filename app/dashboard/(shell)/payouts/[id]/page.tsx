import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import {
  ActionForm,
  ActionOutcome,
  ActionOutcomeMessage,
  Field,
  SubmitButton,
} from "@/components/dashboard/action-form";
import { Money } from "@/components/dashboard/money";
import { Card, PageHeader } from "@/components/dashboard/page-header";
import { PayoutTimeline } from "@/components/dashboard/payout-timeline";
import { StatusBadge } from "@/components/dashboard/status-badge";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { formatMoney } from "@/lib/money";
import { type EmailChangeRequest, pendingEmailChange } from "@/lib/payouts/email-change";
import { cancelableStatuses } from "@/lib/payouts/machine";
import { getPayoutDetail } from "@/lib/read-models/payout-detail";
import { requirePageMember } from "../../../_lib/member";
import {
  approveEmailChangeAction,
  cancelPayoutAction,
  clearReviewAction,
  reissueLinkAction,
  rejectEmailChangeAction,
  rejectReviewAction,
  requestEmailChangeAction,
  resendLinkAction,
  withdrawEmailChangeAction,
} from "../actions";

export const metadata: Metadata = { title: "Payout" };

export default async function PayoutPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePageMember("payouts.view");
  const { id } = await params;
  const detail = await getPayoutDetail(db, member.scope, id);
  if (!detail) notFound();
  const { payout, recipient, batch } = detail;
  const emailChange = await pendingEmailChange(db, member.scope, recipient.id);
  const orgId = member.organisation.id;
  const claimable = payout.status === "claimable";
  const emailed = payout.notify === "email";
  const allowed = (a: Parameters<typeof can>[1]) => can(member.role, a);

  return (
    <ActionOutcome>
      <p className="mb-2 text-sm">
        <Link href="/dashboard/payouts" className="text-indigo-700 underline">
          ← Payouts
        </Link>
      </p>
      <PageHeader
        title={`${formatMoney({ amount: payout.amount, currency: payout.currency })} to ${recipient.name ?? recipient.email}`}
        description={<span className="font-mono text-xs">{payout.id}</span>}
        actions={<StatusBadge status={payout.status} />}
      />
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          <Card title="Details">
            <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
              <Item label="Recipient">
                {recipient.name ?? "—"} · {recipient.email}
              </Item>
              <Item label="Country">{recipient.country}</Item>
              <Item label="External id">{recipient.externalId ?? "—"}</Item>
              <Item label="Campaign">
                {batch ? (
                  <Link
                    className="text-indigo-700 underline"
                    href={`/dashboard/campaigns/${batch.id}`}
                  >
                    {batch.name}
                  </Link>
                ) : (
                  "—"
                )}
              </Item>
              <Item label="Amount">
                <Money amount={payout.amount} currency={payout.currency} />
              </Item>
              <Item label="Method">{payout.method ?? "not chosen yet"}</Item>
              <Item label="Created">
                <Time at={payout.createdAt} />
              </Item>
              <Item label={claimable ? "Link expires" : "Expiry"}>
                <Time at={payout.expiresAt} />
              </Item>
              {payout.paidAt ? (
                <Item label="Paid">
                  <Time at={payout.paidAt} />
                </Item>
              ) : null}
              {payout.failureReason ? (
                <Item label="Failure reason">{payout.failureReason}</Item>
              ) : null}
              <Item label="Claim link">
                {detail.liveLink?.locked
                  ? `locked after ${detail.liveLink.wrongCodes} wrong codes`
                  : detail.liveLink
                    ? `live until ${detail.liveLink.expiresAt.toISOString().slice(0, 10)}`
                    : "none live"}
              </Item>
            </dl>
          </Card>
          <Card title="Ledger entries" className="overflow-x-auto">
            {detail.ledger.length === 0 ? (
              <p className="text-sm text-slate-600">No ledger transfers.</p>
            ) : (
              <table className="w-full text-sm" data-testid="ledger-entries">
                <thead className="text-left text-slate-600">
                  <tr>
                    <th className="py-1 pr-3 font-medium">When</th>
                    <th className="py-1 pr-3 font-medium">From → to</th>
                    <th className="hidden py-1 pr-3 font-medium sm:table-cell">Phase</th>
                    <th className="py-1 text-right font-medium">Amount</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.ledger.map((t) => (
                    <tr key={t.id} className="border-t border-slate-100">
                      <td className="py-1 pr-3">
                        <Time at={t.createdAt} />
                      </td>
                      <td className="py-1 pr-3">
                        {t.from.replace(/_/g, " ")} → {t.to.replace(/_/g, " ")}
                      </td>
                      <td className="hidden py-1 pr-3 sm:table-cell">{t.phase}</td>
                      <td className="py-1 text-right">
                        <Money amount={t.amount} currency={t.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title="Timeline">
            <PayoutTimeline entries={detail.timeline} currency={payout.currency} />
          </Card>
        </div>
        <div className="space-y-6">
          <ActionOutcomeMessage />
          {emailChange ? (
            <PendingEmailChange
              request={emailChange}
              payoutId={payout.id}
              organisationId={orgId}
              mayApprove={allowed("payouts.approve_email_change")}
              isRequester={emailChange.requestedBy === member.actor.id}
            />
          ) : null}
          <Card title="Actions">
            <div className="space-y-5">
              {["paid", "canceled", "processing"].includes(payout.status) ? (
                <p className="text-sm text-slate-600">
                  {payout.status === "processing"
                    ? "With the provider now: its outcome decides what happens next."
                    : `Nothing to do: this payout is ${payout.status}.`}
                </p>
              ) : null}
              {claimable && !emailed ? (
                <p className="text-sm text-slate-600">
                  Your platform delivers this payout&apos;s link itself (notify: none), so it is
                  never emailed.
                </p>
              ) : null}
              {claimable && emailed && allowed("payouts.resend") ? (
                <ActionForm action={resendLinkAction} organisationId={orgId}>
                  <input type="hidden" name="payoutId" value={payout.id} />
                  <SubmitButton variant="secondary" pendingLabel="Sending…">
                    Resend the link
                  </SubmitButton>
                  <p className="mt-1 text-xs text-slate-500">Same link, new email.</p>
                </ActionForm>
              ) : null}
              {claimable && allowed("payouts.reissue") ? (
                <ActionForm
                  action={reissueLinkAction}
                  organisationId={orgId}
                  confirmMessage="Issue a new link? The current link stops working at once."
                >
                  <input type="hidden" name="payoutId" value={payout.id} />
                  {detail.liveLink?.locked ? (
                    <p role="status" className="mb-2 text-sm text-rose-800">
                      The claim link is locked: {detail.liveLink.wrongCodes} wrong codes were
                      entered (see the timeline). Reissue it to send the recipient a new one.
                    </p>
                  ) : null}
                  <SubmitButton variant="secondary" pendingLabel="Reissuing…">
                    Reissue the link
                  </SubmitButton>
                  <p className="mt-1 text-xs text-slate-500">
                    {emailed
                      ? "New link by email; the old one dies."
                      : "New link; the old one dies."}
                  </p>
                </ActionForm>
              ) : null}
              {payout.status === "expired" && allowed("payouts.reissue") ? (
                <ActionForm
                  action={reissueLinkAction}
                  organisationId={orgId}
                  confirmMessage={`Reissue this payout? ${formatMoney({ amount: payout.amount, currency: payout.currency })} is reserved from your available balance again and a new link goes out.`}
                >
                  <input type="hidden" name="payoutId" value={payout.id} />
                  <p className="mb-2 text-sm text-slate-600">
                    The link expired and the funds went back to your balance.
                  </p>
                  <SubmitButton variant="secondary" pendingLabel="Reissuing…">
                    Reissue
                  </SubmitButton>
                  <p className="mt-1 text-xs text-slate-500">
                    Reserves the funds again and sends a new link with a new deadline.
                  </p>
                </ActionForm>
              ) : payout.status === "expired" ? (
                <p className="text-sm text-slate-600">
                  The link expired and the funds went back to your balance.
                </p>
              ) : null}
              {!emailChange &&
              allowed("payouts.request_email_change") &&
              !["paid", "canceled", "expired"].includes(payout.status) ? (
                <ActionForm
                  action={requestEmailChangeAction}
                  organisationId={orgId}
                  className="space-y-2"
                >
                  <input type="hidden" name="payoutId" value={payout.id} />
                  <Field
                    name="email"
                    label="Change the email"
                    hint="Applies once another finance or owner member approves it."
                    type="email"
                    defaultValue={recipient.email}
                    required
                  />
                  <SubmitButton variant="secondary" pendingLabel="Requesting…">
                    Request email change
                  </SubmitButton>
                </ActionForm>
              ) : null}
              {payout.status === "awaiting_review" && allowed("payouts.review") ? (
                <div className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3">
                  <p className="text-sm font-medium text-amber-900">Held for review</p>
                  <ActionForm action={clearReviewAction} organisationId={orgId}>
                    <input type="hidden" name="payoutId" value={payout.id} />
                    <SubmitButton pendingLabel="Clearing…">Clear and send link</SubmitButton>
                  </ActionForm>
                  <ActionForm
                    action={rejectReviewAction}
                    organisationId={orgId}
                    confirmMessage="Reject and cancel this payout?"
                  >
                    <input type="hidden" name="payoutId" value={payout.id} />
                    <SubmitButton variant="danger" pendingLabel="Rejecting…">
                      Reject
                    </SubmitButton>
                  </ActionForm>
                </div>
              ) : null}
              {cancelableStatuses.includes(payout.status) && allowed("payouts.cancel") ? (
                <ActionForm
                  action={cancelPayoutAction}
                  organisationId={orgId}
                  className="space-y-2 border-t border-slate-200 pt-4"
                  confirmMessage="Cancel this payout? Its link dies and the funds return to your balance."
                >
                  <input type="hidden" name="payoutId" value={payout.id} />
                  <Field name="reason" label="Reason (optional)" maxLength={200} />
                  <SubmitButton variant="danger" pendingLabel="Canceling…">
                    Cancel payout
                  </SubmitButton>
                </ActionForm>
              ) : null}
            </div>
          </Card>
        </div>
      </div>
    </ActionOutcome>
  );
}

/**
 * A change of where the money goes, waiting for a second member: the requester can only
 * withdraw it, an approver (finance or owner) who did not ask can approve or reject it.
 */
function PendingEmailChange({
  request,
  payoutId,
  organisationId,
  mayApprove,
  isRequester,
}: {
  request: EmailChangeRequest;
  payoutId: string;
  organisationId: string;
  mayApprove: boolean;
  isRequester: boolean;
}) {
  const hidden = (
    <>
      <input type="hidden" name="payoutId" value={payoutId} />
      <input type="hidden" name="requestId" value={request.id} />
    </>
  );
  return (
    <Card title="Email change waiting for approval">
      <div className="space-y-3 text-sm" data-testid="pending-email-change">
        <p>
          From <strong>{request.fromEmail}</strong> to <strong>{request.toEmail}</strong>, asked by{" "}
          {request.requestedByLabel ?? "a member"} <Time at={request.createdAt} />.
        </p>
        {isRequester ? (
          <>
            <p className="text-slate-600">Another finance or owner member must approve it.</p>
            <ActionForm action={withdrawEmailChangeAction} organisationId={organisationId}>
              {hidden}
              <SubmitButton variant="secondary" pendingLabel="Withdrawing…">
                Withdraw request
              </SubmitButton>
            </ActionForm>
          </>
        ) : mayApprove ? (
          <div className="flex flex-wrap gap-2">
            <ActionForm
              action={approveEmailChangeAction}
              organisationId={organisationId}
              confirmMessage={`Send this payout's link to ${request.toEmail}? The current link stops working and ${request.fromEmail} is told.`}
            >
              {hidden}
              <SubmitButton pendingLabel="Approving…">Approve email change</SubmitButton>
            </ActionForm>
            <ActionForm action={rejectEmailChangeAction} organisationId={organisationId}>
              {hidden}
              <SubmitButton variant="secondary" pendingLabel="Rejecting…">
                Reject email change
              </SubmitButton>
            </ActionForm>
          </div>
        ) : (
          <p className="text-slate-600">A finance or owner member approves or rejects it.</p>
        )}
      </div>
    </Card>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}
