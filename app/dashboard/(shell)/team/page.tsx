import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { listOpenInvitations } from "@/lib/auth/invitations";
import { listMembers } from "@/lib/auth/members";
import { can, canAssignRole, roleDescriptions, roles } from "@/lib/auth/permissions";
import { requirePageMember } from "../../_lib/member";
import {
  changeRoleAction,
  inviteMemberAction,
  removeMemberAction,
  revokeInvitationAction,
} from "./actions";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const member = await requirePageMember("members.view");
  const manage = can(member.role, "members.manage");
  const [members, invitations] = await Promise.all([
    listMembers(db, member.organisation.id),
    manage ? listOpenInvitations(db, member.organisation.id) : Promise.resolve([]),
  ]);
  const assignable = roles.filter((r) => canAssignRole(member.role, r));
  const orgId = member.organisation.id;
  return (
    <>
      <PageHeader title="Team" description={`Who can do what in ${member.organisation.name}.`} />
      <div className="grid gap-6 xl:grid-cols-3">
        <div className="space-y-6 xl:col-span-2">
          <Card title="Members">
            <ul className="divide-y divide-slate-100">
              {members.map((m) => (
                <li key={m.userId} className="flex flex-wrap items-center gap-3 py-3">
                  <div className="min-w-0 flex-1">
                    <p className="font-medium text-slate-900">
                      {m.email}
                      {m.userId === member.user.id ? (
                        <span className="ml-2 text-xs text-slate-500">(you)</span>
                      ) : null}
                    </p>
                    <p className="text-xs text-slate-500">
                      joined <Time at={m.joinedAt} />
                    </p>
                  </div>
                  {manage && canAssignRole(member.role, m.role) ? (
                    <>
                      <ActionForm
                        action={changeRoleAction}
                        organisationId={orgId}
                        className="flex items-center gap-2"
                        showMessage
                      >
                        <input type="hidden" name="userId" value={m.userId} />
                        <SelectField
                          id={`role-${m.userId}`}
                          name="role"
                          label={`Role of ${m.email ?? ""}`}
                          labelHidden
                          size="filter"
                          options={assignable}
                          defaultValue={m.role}
                        />
                        <SubmitButton variant="secondary">Change</SubmitButton>
                      </ActionForm>
                      <ActionForm
                        action={removeMemberAction}
                        organisationId={orgId}
                        confirmMessage={`Remove ${m.email}?`}
                      >
                        <input type="hidden" name="userId" value={m.userId} />
                        <SubmitButton variant="secondary">Remove</SubmitButton>
                      </ActionForm>
                    </>
                  ) : (
                    <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-800">
                      {m.role}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </Card>
          {manage && invitations.length > 0 ? (
            <Card title="Open invitations">
              <ul className="divide-y divide-slate-100">
                {invitations.map((i) => (
                  <li key={i.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                    <span>
                      {i.email} · {i.role} · expires <Time at={i.expiresAt} />
                    </span>
                    <ActionForm action={revokeInvitationAction} organisationId={orgId}>
                      <input type="hidden" name="invitationId" value={i.id} />
                      <SubmitButton variant="secondary">Revoke</SubmitButton>
                    </ActionForm>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
        <div className="space-y-6">
          {manage ? (
            <Card title="Invite someone">
              <ActionForm
                action={inviteMemberAction}
                organisationId={orgId}
                className="space-y-3"
                resetOnSuccess
              >
                <Field name="email" label="Email" type="email" required autoComplete="off" />
                <SelectField name="role" label="Role" options={assignable} defaultValue="support" />
                <SubmitButton pendingLabel="Sending…">Send invitation</SubmitButton>
              </ActionForm>
            </Card>
          ) : null}
          <Card title="Roles">
            <dl className="space-y-2 text-sm">
              {roles.map((r) => (
                <div key={r}>
                  <dt className="font-medium text-slate-900">{r}</dt>
                  <dd className="text-slate-600">{roleDescriptions[r]}</dd>
                </div>
              ))}
            </dl>
          </Card>
        </div>
      </div>
    </>
  );
}
