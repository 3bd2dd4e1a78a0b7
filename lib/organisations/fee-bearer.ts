import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { feeBearerEnum, organisations } from "@/db/schema";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, recordMemberAudit } from "@/lib/audit/record";
import { parseInput } from "@/lib/errors";

const feeBearerSchema = z.enum(feeBearerEnum.enumValues, { error: "platform or recipient" });

/**
 * Who bears a method's fee on live payouts: the platform (from `available`) or the
 * recipient (withheld from what the provider pays, shown on the claim page first).
 * Submissions after the change use it; those already sent keep theirs.
 */
export async function setFeeBearer(db: DbOrTx, member: ActingMember, value: unknown) {
  const feeBearer = parseInput(feeBearerSchema, value, "fee setting");
  return inTransaction(db, async (tx) => {
    const where = eq(organisations.id, member.scope.organisationId);
    const [before] = await tx
      .select({ feeBearer: organisations.feeBearer })
      .from(organisations)
      .where(where)
      .for("update");
    await tx.update(organisations).set({ feeBearer, updatedAt: new Date() }).where(where);
    await recordMemberAudit(tx, member, {
      action: "organisation.fee_bearer",
      target: { type: "organisation", id: member.scope.organisationId },
      before: { feeBearer: before?.feeBearer ?? null },
      after: { feeBearer },
    });
    return feeBearer;
  });
}
