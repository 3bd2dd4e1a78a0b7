import type { DbOrTx } from "@/db/client";
import type { Scope } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import type { AuditActor } from "@/lib/audit/record";
import { recordAudit } from "@/lib/audit/record";
import type { BatchRow } from "@/lib/batches/machine";
import { AppError } from "@/lib/errors";
import { createBatch } from "@/lib/payouts/create-batch";
import type { CampaignItem } from "./campaign-rows";
import { type CampaignSettings, campaignSettingsSchema } from "./campaign-settings";
import { MAX_CSV_ROWS } from "./validate-csv";

export type CampaignActor = { scope: Scope; actor: AuditActor };

/** How the payouts domain names a dashboard user in transitions and on batches. */
export function payoutActor(actor: AuditActor): string {
  return `user:${actor.id}`;
}

export function parseCampaignSettings(input: unknown): CampaignSettings {
  const parsed = campaignSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("validation_failed", "The campaign settings are not valid.", {
      fieldErrors: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return parsed.data;
}

/**
 * Commits a checked campaign: the batch, its payouts and the reservation of its whole
 * total (all or nothing, by createBatch), and the audit entry, in one transaction. A
 * total above the organisation's approval threshold leaves the batch waiting for a
 * second member.
 */
export async function createCampaign(
  db: DbOrTx,
  member: CampaignActor,
  settings: CampaignSettings,
  items: CampaignItem[],
): Promise<{ batch: BatchRow; payoutIds: string[] }> {
  if (items.length === 0) {
    throw new AppError("validation_failed", "A campaign needs at least one recipient.");
  }
  if (items.length > MAX_CSV_ROWS) {
    throw new AppError("payload_too_large", `A campaign holds at most ${MAX_CSV_ROWS} payouts.`);
  }
  return inTransaction(db, async (tx) => {
    const created = await createBatch(
      tx,
      member.scope,
      {
        name: settings.name,
        currency: settings.currency,
        message: settings.message,
        allowed_methods: settings.allowedMethods.length ? settings.allowedMethods : undefined,
        expires_in_days: settings.expiresInDays,
        items,
      },
      { actor: payoutActor(member.actor) },
    );
    const { batch } = created;
    await recordAudit(tx, {
      organisationId: member.scope.organisationId,
      mode: member.scope.mode,
      actor: member.actor,
      action: "campaign.create",
      target: { type: "batch", id: batch.id },
      after: {
        name: batch.name,
        currency: batch.currency,
        itemCount: batch.itemCount,
        totalAmount: batch.totalAmount,
        status: batch.status,
        allowedMethods: batch.allowedMethods,
        linkExpiryDays: batch.linkExpiryDays,
      },
    });
    return created;
  });
}
