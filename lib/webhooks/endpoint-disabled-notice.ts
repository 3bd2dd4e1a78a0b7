import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organisations, webhookEndpointHealth, webhookEndpoints } from "@/db/schema";
import { listMembers } from "@/lib/auth/members";
import { appUrl } from "@/lib/config";
import { sendEmail } from "@/lib/mail";
import { endpointDisabledEmail } from "@/lib/mail/templates/endpoint-disabled";

/**
 * Emails the organisation's owners and admins (or, with none, its support address) that
 * an endpoint was disabled. One email per person per disabling: the key carries the
 * moment it was disabled, so a retried step sends nothing new and a later disabling of
 * the same endpoint is told again. The mail is the organisation's own, not a recipient's,
 * so it goes out (or into the dev mailbox) whatever the endpoint's mode.
 */
export async function notifyEndpointDisabled(
  db: DbOrTx,
  params: { endpointId: string; disabledAt: string },
): Promise<{ notified: number }> {
  const [row] = await db
    .select({
      endpoint: webhookEndpoints,
      organisation: organisations,
      health: webhookEndpointHealth,
    })
    .from(webhookEndpoints)
    .innerJoin(organisations, eq(organisations.id, webhookEndpoints.organisationId))
    .leftJoin(webhookEndpointHealth, eq(webhookEndpointHealth.endpointId, webhookEndpoints.id))
    .where(eq(webhookEndpoints.id, params.endpointId));
  if (!row) return { notified: 0 };
  const { endpoint, organisation, health } = row;

  const admins = (await listMembers(db, organisation.id)).flatMap((m) =>
    (m.role === "owner" || m.role === "admin") && m.email ? [m.email] : [],
  );
  const fallback = organisation.supportEmail ? [organisation.supportEmail] : [];
  const to = [...new Set(admins.length ? admins : fallback)];
  const rendered = endpointDisabledEmail({
    organisationName: organisation.name,
    endpointUrl: endpoint.url,
    mode: endpoint.mode,
    failingSince: health?.failingSince ?? new Date(params.disabledAt),
    lastError: health?.lastError ?? endpoint.disabledReason,
    dashboardUrl: `${appUrl()}/dashboard/developers/webhooks`,
  });
  const at = new Date(params.disabledAt).getTime();
  for (const address of to) {
    await sendEmail(
      {
        idempotencyKey: `endpoint-disabled:${endpoint.id}:${at}:${address}`,
        to: address,
        kind: "endpoint_disabled",
        organisationId: organisation.id,
        subjectRef: endpoint.id,
        ...rendered,
      },
      { db },
    );
  }
  return { notified: to.length };
}
