import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { StatusBadge } from "@/components/dashboard/status-badge";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { config } from "@/lib/config";
import { isAppError } from "@/lib/errors";
import { getEvent } from "@/lib/events/queries";
import { listAttempts, listDeliveries } from "@/lib/webhooks/delivery-queries";
import { getWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { requirePageMember } from "../../../../_lib/member";
import {
  deleteEndpointAction,
  replayEventAction,
  revealSecretAction,
  rotateSecretAction,
  sendTestEventAction,
  toggleEndpointAction,
  updateEndpointAction,
} from "../../actions";
import { DeveloperTabs } from "../../tabs";
import { EventTypeCheckboxes } from "../event-type-checkboxes";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function EndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const member = await requirePageMember("developers.view");
  const { id } = await params;
  const endpoint = await getWebhookEndpoint(db, member.scope, id).catch((e) => {
    if (isAppError(e, "not_found")) notFound();
    throw e;
  });
  const { data: deliveries } = await listDeliveries(db, member.scope, {
    endpointId: id,
    limit: 25,
  });
  const detailed = await Promise.all(
    deliveries.map(async (d) => ({
      delivery: d,
      event: await getEvent(db, member.scope, d.eventId),
      attempts: await listAttempts(db, member.scope, d.id),
    })),
  );
  const manage = can(member.role, "webhooks.manage");
  const orgId = member.organisation.id;

  return (
    <>
      <PageHeader title="Developers" />
      <DeveloperTabs current="/dashboard/developers/webhooks" />
      <p className="mb-2 text-sm">
        <Link href="/dashboard/developers/webhooks" className="text-indigo-700 underline">
          ← Endpoints
        </Link>
      </p>
      <h2 className="mb-4 text-lg font-semibold break-all">{endpoint.url}</h2>
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          <Card title="Deliveries">
            {detailed.length === 0 ? (
              <EmptyState>Nothing delivered to this endpoint yet.</EmptyState>
            ) : (
              <ul className="space-y-3" data-testid="deliveries">
                {detailed.map(({ delivery, event, attempts }) => (
                  <li key={delivery.id} className="rounded-lg border border-slate-200">
                    <details>
                      <summary className="flex cursor-pointer flex-wrap items-center gap-3 px-3 py-2 text-sm">
                        <StatusBadge
                          status={
                            delivery.status === "succeeded"
                              ? "paid"
                              : delivery.status === "scheduled"
                                ? "pending"
                                : "failed"
                          }
                        />
                        <code>{event?.type ?? delivery.eventId}</code>
                        <span className="text-slate-500">
                          {delivery.attemptCount} attempt{delivery.attemptCount === 1 ? "" : "s"}
                          {delivery.lastResponseStatus
                            ? ` · last ${delivery.lastResponseStatus}`
                            : ""}
                          {delivery.replayedBy ? " · replay" : ""}
                        </span>
                        <span className="ml-auto text-xs text-slate-500">
                          <Time at={delivery.createdAt} />
                        </span>
                      </summary>
                      <div className="space-y-3 border-t border-slate-200 p-3">
                        {attempts.map((a) => (
                          <div key={a.id} className="text-xs">
                            <p className="font-medium text-slate-800">
                              Attempt {a.attemptNumber} · <Time at={a.startedAt} /> · {a.durationMs}{" "}
                              ms · {a.responseStatus ?? a.error ?? "no response"}
                            </p>
                            <div className="mt-1 grid gap-2 md:grid-cols-2">
                              <div>
                                <p className="text-slate-500">Request</p>
                                <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 whitespace-pre-wrap break-all">
                                  {Object.entries(a.requestHeaders)
                                    .map(([k, v]) => `${k}: ${v}`)
                                    .join("\n")}
                                  {"\n\n"}
                                  {a.requestBody}
                                </pre>
                              </div>
                              <div>
                                <p className="text-slate-500">Response</p>
                                <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 whitespace-pre-wrap break-all">
                                  {a.responseStatus
                                    ? `HTTP ${a.responseStatus}\n\n${a.responseBody ?? ""}`
                                    : (a.error ?? "")}
                                </pre>
                              </div>
                            </div>
                          </div>
                        ))}
                        {manage && !endpoint.disabledAt ? (
                          <ActionForm action={replayEventAction} organisationId={orgId}>
                            <input type="hidden" name="eventId" value={delivery.eventId} />
                            <input type="hidden" name="endpointId" value={endpoint.id} />
                            <SubmitButton variant="secondary" pendingLabel="Queuing…">
                              Replay this event
                            </SubmitButton>
                          </ActionForm>
                        ) : null}
                      </div>
                    </details>
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-3 text-xs text-slate-500">
              Finished deliveries and their attempts are kept for{" "}
              {config().WEBHOOK_LOG_RETENTION_DAYS} days.
            </p>
          </Card>
        </div>
        {manage ? (
          <div className="space-y-6">
            <Card title="Settings">
              <ActionForm
                action={updateEndpointAction}
                organisationId={orgId}
                className="space-y-3"
              >
                <input type="hidden" name="endpointId" value={endpoint.id} />
                <Field name="url" label="URL" type="url" defaultValue={endpoint.url} required />
                <Field
                  name="description"
                  label="Description"
                  defaultValue={endpoint.description ?? ""}
                />
                <EventTypeCheckboxes selected={endpoint.eventTypes} />
                <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
              </ActionForm>
            </Card>
            <Card title="Test event">
              {endpoint.disabledAt ? (
                <p className="text-sm text-slate-700">
                  Enable the endpoint to send it a test event.
                </p>
              ) : (
                <ActionForm action={sendTestEventAction} organisationId={orgId}>
                  <input type="hidden" name="endpointId" value={endpoint.id} />
                  <p className="mb-3 text-sm text-slate-700">
                    Sends a signed <code>ping</code> event to this endpoint only, so you can check
                    that your receiver verifies it.
                  </p>
                  <SubmitButton variant="secondary" pendingLabel="Sending…">
                    Send test event
                  </SubmitButton>
                </ActionForm>
              )}
            </Card>
            <Card title="Signing secret">
              <div className="space-y-3">
                <ActionForm
                  action={revealSecretAction}
                  organisationId={orgId}
                  secretLabel="Signing secret"
                >
                  <input type="hidden" name="endpointId" value={endpoint.id} />
                  <SubmitButton variant="secondary" pendingLabel="Revealing…">
                    Reveal secret
                  </SubmitButton>
                </ActionForm>
                <ActionForm
                  action={rotateSecretAction}
                  organisationId={orgId}
                  confirmMessage="Rotate the secret? Your receiver must switch to the new one."
                  secretLabel="New signing secret"
                >
                  <input type="hidden" name="endpointId" value={endpoint.id} />
                  <SubmitButton variant="secondary" pendingLabel="Rotating…">
                    Rotate secret
                  </SubmitButton>
                </ActionForm>
              </div>
            </Card>
            <Card title="Status">
              <p className="mb-3 text-sm text-slate-700">
                {endpoint.disabledAt
                  ? `Disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}.`
                  : "Enabled."}
              </p>
              <div className="flex flex-wrap gap-3">
                <ActionForm action={toggleEndpointAction} organisationId={orgId}>
                  <input type="hidden" name="endpointId" value={endpoint.id} />
                  <input
                    type="hidden"
                    name="disabled"
                    value={endpoint.disabledAt ? "false" : "true"}
                  />
                  <SubmitButton variant="secondary">
                    {endpoint.disabledAt ? "Enable" : "Pause deliveries"}
                  </SubmitButton>
                </ActionForm>
                <ActionForm
                  action={deleteEndpointAction}
                  organisationId={orgId}
                  confirmMessage="Delete this endpoint and its delivery log?"
                >
                  <input type="hidden" name="endpointId" value={endpoint.id} />
                  <SubmitButton variant="danger">Delete</SubmitButton>
                </ActionForm>
              </div>
            </Card>
          </div>
        ) : null}
      </div>
    </>
  );
}
