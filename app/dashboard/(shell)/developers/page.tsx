import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { listApiKeys } from "@/lib/api-keys/keys";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "../../_lib/member";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";
import { DeveloperTabs } from "./tabs";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const member = await requirePageMember("developers.view");
  const keys = await listApiKeys(db, member.scope);
  const manage = can(member.role, "api_keys.manage");
  const orgId = member.organisation.id;
  return (
    <>
      <PageHeader
        title="Developers"
        description={`Keys, webhooks and events for ${member.mode} mode.`}
      />
      <DeveloperTabs current="/dashboard/developers" />
      <div className="grid gap-6 xl:grid-cols-3">
        <Card
          title={`${member.mode === "test" ? "Test" : "Live"} API keys`}
          className="xl:col-span-2"
        >
          {keys.length === 0 ? (
            <EmptyState>No keys yet.</EmptyState>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-left text-slate-600">
                <tr>
                  <th className="py-1 font-medium">Name</th>
                  <th className="py-1 font-medium">Key</th>
                  <th className="py-1 font-medium">Created</th>
                  <th className="py-1 font-medium">Last used</th>
                  <th className="py-1" />
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className="border-t border-slate-100 align-top">
                    <td className="py-2">{k.name}</td>
                    <td className="py-2 font-mono text-xs">{k.prefix}</td>
                    <td className="py-2 text-slate-600">
                      <Time at={k.createdAt} />
                    </td>
                    <td className="py-2 text-slate-600">
                      {k.lastUsedAt ? <Time at={k.lastUsedAt} /> : "never"}
                    </td>
                    <td className="py-2 text-right">
                      {k.revokedAt ? (
                        <span className="text-xs font-medium text-slate-500">revoked</span>
                      ) : manage ? (
                        <ActionForm
                          action={revokeApiKeyAction}
                          organisationId={orgId}
                          confirmMessage={`Revoke "${k.name}"? Requests using it fail at once.`}
                        >
                          <input type="hidden" name="keyId" value={k.id} />
                          <SubmitButton variant="secondary" pendingLabel="Revoking…">
                            Revoke
                          </SubmitButton>
                        </ActionForm>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {manage ? (
          <Card title="Create a key">
            <ActionForm
              action={createApiKeyAction}
              organisationId={orgId}
              className="space-y-3"
              resetOnSuccess
              secretLabel="Your new key. Store it in your secrets manager; it is shown only now."
            >
              <Field
                name="name"
                label="Name"
                placeholder={member.mode === "test" ? "Local development" : "Production backend"}
                required
                maxLength={100}
              />
              <SubmitButton pendingLabel="Creating…">Create {member.mode} key</SubmitButton>
            </ActionForm>
          </Card>
        ) : null}
      </div>
    </>
  );
}
