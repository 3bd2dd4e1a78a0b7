import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm, SubmitButton } from "@/components/dashboard/action-form";
import { EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { listEvents } from "@/lib/events/queries";
import { type EventType, eventTypeSchema, eventTypes } from "@/lib/events/types";
import { requirePageMember } from "../../../_lib/member";
import { replayEventAction } from "../actions";
import { DeveloperTabs } from "../tabs";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<{ type?: string; after?: string }>;
}) {
  const member = await requirePageMember("events.view");
  const params = await searchParams;
  const type = eventTypeSchema.safeParse(params.type);
  const { data, hasMore } = await listEvents(db, member.scope, {
    types: type.success ? [type.data as EventType] : undefined,
    limit: 50,
    startingAfter: params.after,
  });
  const replay = can(member.role, "webhooks.manage");
  return (
    <>
      <PageHeader title="Developers" description="Every state change, as webhooks receive it." />
      <DeveloperTabs current="/dashboard/developers/events" />
      <form className="mb-4 flex items-end gap-2">
        <SelectField
          name="type"
          label="Type"
          size="filter"
          options={eventTypes}
          emptyOption="Every type"
          defaultValue={type.success ? type.data : ""}
        />
        <button
          type="submit"
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium"
        >
          Filter
        </button>
      </form>
      {data.length === 0 ? (
        <EmptyState>No events.</EmptyState>
      ) : (
        <ul className="space-y-2">
          {data.map((e) => (
            <li key={e.id} className="rounded-lg border border-slate-200 bg-white">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-3 px-3 py-2 text-sm">
                  <code className="font-medium">{e.type}</code>
                  <span className="font-mono text-xs text-slate-500">{e.id}</span>
                  <span className="ml-auto text-xs text-slate-500">
                    <Time at={e.createdAt} />
                  </span>
                </summary>
                <div className="border-t border-slate-200 p-3">
                  <pre className="max-h-72 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-all">
                    {JSON.stringify(e.data, null, 2)}
                  </pre>
                  {replay ? (
                    <ActionForm
                      action={replayEventAction}
                      organisationId={member.organisation.id}
                      className="mt-2"
                    >
                      <input type="hidden" name="eventId" value={e.id} />
                      <SubmitButton variant="secondary" pendingLabel="Queuing…">
                        Replay to subscribed endpoints
                      </SubmitButton>
                    </ActionForm>
                  ) : null}
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
      {hasMore ? (
        <p className="mt-4 text-right">
          <Link
            href={`/dashboard/developers/events?${new URLSearchParams({ ...(type.success ? { type: type.data } : {}), after: data.at(-1)?.id ?? "" })}`}
            className="text-sm font-medium text-indigo-700 underline"
          >
            Older events →
          </Link>
        </p>
      ) : null}
    </>
  );
}
