import { eq } from "drizzle-orm";
import type { Metadata } from "next";
import { ActionForm, Field, SubmitButton } from "@/components/dashboard/action-form";
import { Card, EmptyState, PageHeader } from "@/components/dashboard/page-header";
import { SelectField } from "@/components/dashboard/select-field";
import { Time } from "@/components/dashboard/time";
import { db } from "@/db/client";
import { organisations, type ProviderId } from "@/db/schema";
import { can } from "@/lib/auth/permissions";
import { appUrl } from "@/lib/config";
import { methodCatalog } from "@/lib/methods/catalog";
import { formatMoney } from "@/lib/money";
import { listConnectedProviders, providerIds, providerNames } from "@/lib/providers/credentials";
import { listReconciliationExceptions } from "@/lib/providers/reconciliation";
import { defaultRoute, listRoutes, providersFor } from "@/lib/providers/routing";
import { providerWebhookPath } from "@/lib/providers/webhooks";
import { requirePageMember } from "../../../_lib/member";
import { DeveloperTabs } from "../tabs";
import {
  removeCredentialsAction,
  saveCredentialsAction,
  setFeeBearerAction,
  setRouteAction,
} from "./actions";

export const metadata: Metadata = { title: "Providers" };

/** What each provider's form asks for; the secrets go in, nothing comes back out. */
const credentialFields: Record<ProviderId, { name: string; label: string; secret: boolean }[]> = {
  stripe: [
    { name: "secretKey", label: "Secret key (sk_live_…)", secret: true },
    { name: "webhookSecret", label: "Webhook signing secret (whsec_…)", secret: true },
  ],
  paypal: [
    { name: "clientId", label: "REST app client id", secret: false },
    { name: "clientSecret", label: "REST app secret", secret: true },
    { name: "webhookId", label: "Webhook id", secret: false },
  ],
  tremendous: [
    { name: "apiKey", label: "API key", secret: true },
    { name: "webhookPrivateKey", label: "Webhook private key", secret: true },
  ],
};

export default async function ProvidersPage() {
  const member = await requirePageMember("providers.view");
  const manage = can(member.role, "providers.manage");
  const scope = member.scope;
  const [connected, routes, exceptions, [organisation]] = await Promise.all([
    listConnectedProviders(db, scope),
    listRoutes(db, scope),
    listReconciliationExceptions(db, scope, { limit: 50 }),
    db
      .select({ feeBearer: organisations.feeBearer })
      .from(organisations)
      .where(eq(organisations.id, scope.organisationId)),
  ]);
  const byProvider = new Map(connected.map((c) => [c.provider, c]));
  const routable = methodCatalog.filter((m) => providersFor(m.id).length > 0);
  return (
    <>
      <PageHeader
        title="Developers"
        description={`Payout providers for ${member.mode} mode. Test mode always pays through the sandbox.`}
      />
      <DeveloperTabs current="/dashboard/developers/providers" />
      <div className="grid gap-6 xl:grid-cols-3">
        {providerIds.map((provider) => {
          const current = byProvider.get(provider);
          return (
            <Card key={provider} title={providerNames[provider]}>
              <p className="text-sm text-slate-700">
                {current ? (
                  <>
                    Connected ({current.hint}), checked <Time at={current.validatedAt} />.
                  </>
                ) : (
                  "Not connected."
                )}
              </p>
              <p className="mt-2 text-xs text-slate-600">
                Webhook URL:{" "}
                <code className="break-all">{`${appUrl()}${providerWebhookPath(provider, scope)}`}</code>
              </p>
              {manage ? (
                <ActionForm
                  action={saveCredentialsAction}
                  className="mt-3 space-y-3"
                  resetOnSuccess
                >
                  <input type="hidden" name="provider" value={provider} />
                  <input type="hidden" name="mode" value={member.mode} />
                  {credentialFields[provider].map((f) => (
                    <Field
                      key={f.name}
                      name={`credentials.${f.name}`}
                      label={f.label}
                      type={f.secret ? "password" : "text"}
                      autoComplete="off"
                      required
                    />
                  ))}
                  {provider === "paypal" ? (
                    <SelectField
                      name="settings.environment"
                      label="Environment"
                      options={[
                        { value: "live", label: "Live" },
                        { value: "sandbox", label: "Sandbox" },
                      ]}
                      defaultValue="live"
                    />
                  ) : null}
                  {provider === "tremendous"
                    ? (["gift_card", "prepaid_visa", "charity", "paypal", "venmo"] as const).map(
                        (m) => (
                          <Field
                            key={m}
                            name={`products.${m}`}
                            label={`Product id for ${m.replace("_", " ")}`}
                            defaultValue={
                              (current?.settings as { products?: Record<string, string> })
                                ?.products?.[m] ?? ""
                            }
                          />
                        ),
                      )
                    : null}
                  <SubmitButton pendingLabel="Checking…">
                    {current ? "Replace and check" : "Connect and check"}
                  </SubmitButton>
                </ActionForm>
              ) : null}
              {manage && current ? (
                <ActionForm
                  action={removeCredentialsAction}
                  className="mt-2"
                  confirmMessage={`Disconnect ${providerNames[provider]}? Live payouts through it stop.`}
                >
                  <input type="hidden" name="provider" value={provider} />
                  <SubmitButton variant="secondary" pendingLabel="Disconnecting…">
                    Disconnect
                  </SubmitButton>
                </ActionForm>
              ) : null}
            </Card>
          );
        })}
        <Card title="Routing and failover" className="xl:col-span-2">
          <p className="mb-3 text-sm text-slate-700">
            Each method is paid by its first provider; when that provider is down (and holds nothing
            under the payout) or refuses for a reason of its own, the next one pays.
          </p>
          <table className="w-full text-sm">
            <thead className="text-left text-slate-600">
              <tr>
                <th className="py-1 font-medium">Method</th>
                <th className="py-1 font-medium">Order</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {routable.map((method) => {
                const route = routes.get(method.id) ?? defaultRoute(method.id);
                const options = providersFor(method.id);
                return (
                  <tr key={method.id} className="border-t border-slate-100 align-top">
                    <td className="py-2">{method.name}</td>
                    <td className="py-2">{route.map((p) => providerNames[p]).join(" → ")}</td>
                    <td className="py-2">
                      {manage && options.length > 1 ? (
                        <ActionForm action={setRouteAction} className="flex items-end gap-2">
                          <input type="hidden" name="method" value={method.id} />
                          {["first", "second"].map((slot, i) => (
                            <SelectField
                              key={slot}
                              name={slot}
                              label={slot}
                              size="filter"
                              options={options.map((p) => ({ value: p, label: providerNames[p] }))}
                              emptyOption="—"
                              defaultValue={route[i] ?? ""}
                            />
                          ))}
                          <SubmitButton variant="secondary" pendingLabel="Saving…">
                            Save
                          </SubmitButton>
                        </ActionForm>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>
        <Card title="Method fees">
          <p className="mb-3 text-sm text-slate-700">
            Each live submission posts its method's fee to the ledger's fees account.
          </p>
          {manage ? (
            <ActionForm action={setFeeBearerAction} className="space-y-3">
              <SelectField
                name="feeBearer"
                label="Who pays the fee"
                options={[
                  { value: "platform", label: "We do (from the available balance)" },
                  {
                    value: "recipient",
                    label: "The recipient (withheld, shown before they confirm)",
                  },
                ]}
                defaultValue={organisation?.feeBearer ?? "platform"}
              />
              <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
            </ActionForm>
          ) : (
            <p className="text-sm">Borne by: {organisation?.feeBearer ?? "platform"}</p>
          )}
        </Card>
        <Card title="Reconciliation exceptions" className="xl:col-span-3">
          {exceptions.data.length === 0 ? (
            <EmptyState>No differences between the providers' records and the ledger.</EmptyState>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-left text-slate-600">
                <tr>
                  <th className="py-1 font-medium">Day</th>
                  <th className="py-1 font-medium">Provider</th>
                  <th className="py-1 font-medium">Kind</th>
                  <th className="py-1 font-medium">Payout</th>
                  <th className="py-1 font-medium">Ledger</th>
                  <th className="py-1 font-medium">Provider</th>
                  <th className="py-1 font-medium">Details</th>
                </tr>
              </thead>
              <tbody>
                {exceptions.data.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100 align-top">
                    <td className="py-2">{e.period}</td>
                    <td className="py-2">{providerNames[e.provider]}</td>
                    <td className="py-2 font-mono text-xs">{e.kind}</td>
                    <td className="py-2 font-mono text-xs">
                      {e.payoutId ? (
                        <a href={`/dashboard/payouts/${e.payoutId}`}>{e.payoutId}</a>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="py-2">
                      {e.ledgerAmount !== null && e.currency
                        ? formatMoney({ amount: e.ledgerAmount, currency: e.currency })
                        : "—"}
                    </td>
                    <td className="py-2">
                      {e.providerAmount !== null && e.currency
                        ? formatMoney({ amount: e.providerAmount, currency: e.currency })
                        : "—"}
                    </td>
                    <td className="py-2 text-slate-600">{e.details}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
