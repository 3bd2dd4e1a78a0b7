import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { listWebhookEndpoints } from "@/lib/webhooks/endpoints";
import { requirePageMember } from "../../../_lib/member";
import { createEndpointAction } from "../actions";
import { DeveloperTabs } from "../tabs";
import { EventTypeCheckboxes } from "./event-type-checkboxes";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const member = await requirePageMember("developers.view");
  const { data } = await listWebhookEndpoints(db, member.scope, { limit: 100 });
  return (
    <>
      <PageHeader
        title="Developers"
        description="Signed per the Standard Webhooks specification; retried for about three days."
      />
      <DeveloperTabs current="/dashboard/developers/webhooks" />
      <div className="grid gap-6 xl:grid-cols-3">
        <Card title="Endpoints" className="xl:col-span-2">
          {data.length === 0 ? (
            <EmptyState>No endpoints in {member.mode} mode.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {data.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                  <div className="min-w-0">
                    <Link
                      href={`/dashboard/developers/webhooks/${e.id}`}
                      className="font-medium break-all text-indigo-700 hover:underline"
                    >
                      {e.url}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {e.eventTypes.length ? e.eventTypes.join(", ") : "every event"}
                      {e.description ? ` · ${e.description}` : ""}
                    </p>
                  </div>
                  {e.disabledAt ? (
                    <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">
                      disabled{e.disabledReason ? `: ${e.disabledReason}` : ""}
                    </span>
                  ) : (
                    <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900">
                      enabled
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {can(member.role, "webhooks.manage") ? (
          <Card title="Add an endpoint">
            <ActionForm
              action={createEndpointAction}
              organisationId={member.organisation.id}
              className="space-y-3"
              resetOnSuccess
              secretLabel="Signing secret (whsec_…): configure your receiver with it."
            >
              <Field
                name="url"
                label="URL"
                type="url"
                placeholder="https://example.com/webhooks/disburse"
                required
              />
              <Field name="description" label="Description (optional)" maxLength={500} />
              <EventTypeCheckboxes />
              <SubmitButton pendingLabel="Adding…">Add endpoint</SubmitButton>
            </ActionForm>
          </Card>
        ) : null}
      </div>
    </>
  );
}
