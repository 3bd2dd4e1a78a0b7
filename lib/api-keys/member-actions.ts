import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { parseInput } from "@/lib/errors";
import { createApiKey, revokeApiKey } from "./keys";

const keyNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "a name helps you tell keys apart")
    .max(100, "at most 100 characters"),
});

/** Creates a key in the member's mode; the secret is returned here once and never stored. */
export async function createApiKeyAsMember(
  db: DbOrTx,
  member: ActingMember,
  input: { name: unknown },
) {
  const { name } = parseInput(keyNameSchema, input, "API key");
  return inTransaction(db, async (tx) => {
    const created = await createApiKey(tx, {
      organisationId: member.scope.organisationId,
      mode: member.scope.mode,
      name,
      createdBy: memberRef(member),
    });
    await recordMemberAudit(tx, member, {
      action: "api_key.create",
      target: { type: "api_key", id: created.apiKey.id },
      after: { name, prefix: created.apiKey.prefix, mode: created.apiKey.mode },
    });
    return created;
  });
}

export async function revokeApiKeyAsMember(db: DbOrTx, member: ActingMember, keyId: string) {
  return inTransaction(db, async (tx) => {
    const key = await revokeApiKey(tx, { organisationId: member.scope.organisationId }, keyId);
    await recordMemberAudit(tx, member, {
      action: "api_key.revoke",
      target: { type: "api_key", id: key.id },
      after: { name: key.name, prefix: key.prefix, revokedAt: key.revokedAt },
    });
    return key;
  });
}
