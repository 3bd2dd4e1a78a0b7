import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { splitPage } from "@/db/paging";
import { recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { sendInvites } from "@/lib/claims/invites";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { changeRecipientEmail } from "@/lib/payouts/email-change";
import type { PayoutActor } from "@/lib/payouts/link-actions";
import type { CreateRecipientBody, RecipientRow, UpdateRecipientBody } from "./schemas";

function scoped(scope: Scope) {
  return [tenantWhere(recipients, scope)];
}

function duplicateExternalId(externalId: string): AppError {
  return new AppError(
    "conflict",
    `A recipient with external_id "${externalId}" already exists in this mode.`,
    { fieldErrors: [{ path: "external_id", message: "already used by another recipient" }] },
  );
}

export async function createRecipient(
  db: DbOrTx,
  scope: Scope,
  body: CreateRecipientBody,
): Promise<RecipientRow> {
  // ON CONFLICT DO NOTHING instead of catching the unique violation, which would abort
  // the caller's transaction.
  const [row] = await db
    .insert(recipients)
    .values({
      id: newId("recipient"),
      organisationId: scope.organisationId,
      mode: scope.mode,
      externalId: body.external_id ?? null,
      email: body.email,
      name: body.name ?? null,
      country: body.country,
      locale: body.locale ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw duplicateExternalId(body.external_id ?? "");
  return row;
}

export async function getRecipient(
  db: DbOrTx,
  scope: Scope,
  id: string,
): Promise<RecipientRow | null> {
  const [row] = await db
    .select()
    .from(recipients)
    .where(and(...scoped(scope), eq(recipients.id, id)));
  return row ?? null;
}

export async function requireRecipient(
  db: DbOrTx,
  scope: Scope,
  id: string,
): Promise<RecipientRow> {
  const row = await getRecipient(db, scope, id);
  if (!row) throw new AppError("not_found", `No such recipient: ${id}`);
  return row;
}

export async function listRecipients(
  db: DbOrTx,
  scope: Scope,
  params: { limit: number; startingAfter?: string; email?: string; externalId?: string },
): Promise<{ data: RecipientRow[]; hasMore: boolean }> {
  const conditions = scoped(scope);
  if (params.startingAfter) conditions.push(lt(recipients.id, params.startingAfter));
  if (params.email) conditions.push(eq(recipients.email, params.email));
  if (params.externalId) conditions.push(eq(recipients.externalId, params.externalId));
  const rows = await db
    .select()
    .from(recipients)
    .where(and(...conditions))
    .orderBy(desc(recipients.id))
    .limit(params.limit + 1);
  return splitPage(rows, params.limit);
}

/**
 * Changes a recipient's details. A new email is where their claim links, and so their
 * money, go from now on: with it, each claimable payout's link is reissued to the new
 * address and the old address is told, in the same transaction
 * (`changeRecipientEmail`); the new links' invitations go out after the commit.
 */
export async function updateRecipient(
  db: DbOrTx,
  actor: PayoutActor,
  id: string,
  body: UpdateRecipientBody,
): Promise<RecipientRow> {
  const { row, reissued } = await inTransaction(db, async (tx) => {
    const [before] = await tx
      .select()
      .from(recipients)
      .where(and(...scoped(actor.scope), eq(recipients.id, id)))
      .for("update");
    if (!before) throw new AppError("not_found", `No such recipient: ${id}`);
    const [row] = await tx
      .update(recipients)
      .set({
        ...(body.email !== undefined ? { email: body.email } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.country !== undefined ? { country: body.country } : {}),
        ...(body.locale !== undefined ? { locale: body.locale } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(recipients.id, id))
      .returning();
    const updated = row as RecipientRow;
    const { reissued } = await changeRecipientEmail(tx, actor, {
      recipient: { id, name: updated.name },
      fromEmail: before.email,
      toEmail: updated.email,
    });
    return { row: updated, reissued };
  });
  await sendInvites(db, actor.scope, reissued);
  return row;
}
