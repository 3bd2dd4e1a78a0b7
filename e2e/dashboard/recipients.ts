import { createDb } from "@/db/client";
import { getMethod } from "@/lib/methods/catalog";
import { detailsSchemaFor } from "@/lib/methods/method-details";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { e2eDatabaseUrl } from "../demo";

/**
 * The recipients' side of a dashboard test, whose claim pages are not under test here
 * (e2e/claim covers them): what the claim page's confirmation does once the recipient is
 * verified (`confirmClaim` in lib/claims/claim-flow.ts), through the machine's one door,
 * with details the method's own schema accepts. The server's background work then
 * submits the payout to the sandbox exactly as after a real claim.
 */
export async function claimAsRecipient(
  payoutId: string,
  method: string,
  details: Record<string, string>,
) {
  const { sql, db } = createDb(e2eDatabaseUrl(), { max: 1 });
  try {
    const [payout] = await sql<{ organisation_id: string; mode: "test"; country: string }[]>`
      select p.organisation_id, p.mode, r.country from payouts p
      join recipients r on r.id = p.recipient_id where p.id = ${payoutId}`;
    if (!payout) throw new Error(`no payout ${payoutId}`);
    const definition = getMethod(method);
    const { moved } = await applyPayoutEvent(
      db,
      { organisationId: payout.organisation_id, mode: payout.mode },
      payoutId,
      "claim",
      {
        actor: "recipient",
        changes: {
          method: definition.id,
          methodDetails: detailsSchemaFor(definition, payout.country).parse(details),
        },
      },
    );
    if (moved.length !== 1) throw new Error(`payout ${payoutId} could not be claimed`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A campaign's payouts by recipient email, read from the e2e server's database. */
export async function campaignPayouts(batchId: string): Promise<Map<string, string>> {
  const { sql } = createDb(e2eDatabaseUrl(), { max: 1 });
  try {
    const rows = await sql<{ id: string; email: string }[]>`
      select p.id, r.email from payouts p join recipients r on r.id = p.recipient_id
      where p.batch_id = ${batchId}`;
    return new Map(rows.map((r) => [r.email, r.id]));
  } finally {
    await sql.end({ timeout: 5 });
  }
}
