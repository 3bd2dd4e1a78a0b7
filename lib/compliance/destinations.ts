import { createHmac, hkdfSync } from "node:crypto";
import { and, eq, ne, sql } from "drizzle-orm";
import { bulkInsert, matchesAny } from "@/db/bulk";
import type { DbOrTx } from "@/db/client";
import { type DestinationKind, destinationFingerprints, recipients } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { config } from "@/lib/config";
import { applyPayoutEvent } from "@/lib/payouts/machine";
import { decide, type Finding } from "./findings";
import { clearedFindingKeys, recordScreening } from "./reviews";

/** Where a payout goes, as the method details name it, before it is fingerprinted. */
export type Destination = { kind: DestinationKind; value: string };

const labels: Record<DestinationKind, string> = {
  email: "the same wallet email",
  phone: "the same phone number",
  iban: "the same IBAN",
  upi_id: "the same UPI id",
  pix_key: "the same Pix key",
};

/**
 * The destinations in a method's parsed details (the schemas have already normalised
 * them: lower-case emails, E.164 phones, compact IBANs): a wallet's email or phone, a
 * mobile-money phone, an IBAN, a UPI id, a Pix key.
 */
export function destinationsOf(method: string, details: Record<string, unknown>): Destination[] {
  const out: Destination[] = [];
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().toLowerCase() : null);
  const account = text(details.account);
  if (account)
    out.push({ kind: details.accountType === "phone" ? "phone" : "email", value: account });
  const phone = text(details.phone);
  if (phone) out.push({ kind: "phone", value: phone.replace(/[^\d+]/g, "") });
  const iban = text(details.iban);
  if (iban) out.push({ kind: "iban", value: iban.replace(/\s/g, "") });
  const vpa = text(details.vpa);
  if (vpa) out.push({ kind: "upi_id", value: vpa });
  if (method === "pix") {
    const key = text(details.key);
    if (key) out.push({ kind: "pix_key", value: key });
  }
  return out;
}

/**
 * HMAC-SHA-256 under DESTINATION_FINGERPRINT_KEY, or a key derived from AUTH_SECRET for
 * this purpose only: equal destinations meet, and the table never holds one in clear.
 */
function fingerprintKey(): Buffer {
  const c = config();
  if (c.DESTINATION_FINGERPRINT_KEY) return Buffer.from(c.DESTINATION_FINGERPRINT_KEY);
  if (!c.AUTH_SECRET) {
    throw new Error("Set DESTINATION_FINGERPRINT_KEY (or AUTH_SECRET) to fingerprint destinations");
  }
  return Buffer.from(
    hkdfSync("sha256", c.AUTH_SECRET, "disburse", "destination-fingerprint/v1", 32),
  );
}

export function fingerprint(destination: Destination): string {
  return createHmac("sha256", fingerprintKey())
    .update(`${destination.kind}:${destination.value}`)
    .digest("hex");
}

export type DestinationCheck = { held: boolean; findings: Finding[] };

/**
 * At claim: remembers the destination's fingerprints for this recipient, and when other
 * recipients of the organisation (same mode) used the same destination, holds the payout
 * for review (`hold_for_review` from `claimable`) with the other recipients named. A
 * reviewer's approval clears that destination for this recipient.
 */
export async function screenDestination(
  db: DbOrTx,
  scope: Scope,
  input: {
    payoutId: string;
    recipientId: string;
    method: string;
    details: Record<string, unknown>;
  },
): Promise<DestinationCheck> {
  const destinations = destinationsOf(input.method, input.details);
  if (destinations.length === 0) return { held: false, findings: [] };
  return inTransaction(db, async (tx) => {
    const prints = destinations.map((d) => ({ ...d, fingerprint: fingerprint(d) }));
    const others = await tx
      .select({
        fingerprint: destinationFingerprints.fingerprint,
        id: recipients.id,
        name: recipients.name,
        email: recipients.email,
      })
      .from(destinationFingerprints)
      .innerJoin(recipients, eq(recipients.id, destinationFingerprints.recipientId))
      .where(
        and(
          tenantWhere(destinationFingerprints, scope),
          matchesAny(
            destinationFingerprints.fingerprint,
            prints.map((p) => p.fingerprint),
          ),
          ne(destinationFingerprints.recipientId, input.recipientId),
        ),
      );
    await bulkInsert(
      tx,
      destinationFingerprints,
      prints.map((p) => ({
        organisationId: scope.organisationId,
        mode: scope.mode,
        kind: p.kind,
        fingerprint: p.fingerprint,
        recipientId: input.recipientId,
        payoutId: input.payoutId,
      })),
      { onConflict: sql`on conflict do nothing` },
    );
    if (others.length === 0) return { held: false, findings: [] };
    const cleared = (await clearedFindingKeys(tx, scope, [input.recipientId])).get(
      input.recipientId,
    );
    const findings: Finding[] = prints.flatMap((p) => {
      const sharing = others.filter((o) => o.fingerprint === p.fingerprint);
      const key = `destination:${p.kind}:${p.fingerprint}`;
      if (sharing.length === 0 || cleared?.has(key)) return [];
      return [
        {
          rule: "shared_destination" as const,
          outcome: "review" as const,
          code: "shared_destination" as const,
          destination: labels[p.kind],
          otherRecipients: sharing.map(({ id, name, email }) => ({ id, name, email })),
          key,
        },
      ];
    });
    if (findings.length === 0) return { held: false, findings: [] };
    const decision = decide(findings);
    const { moved } = await applyPayoutEvent(tx, scope, input.payoutId, "hold_for_review", {
      reason: decision.reasonCodes.join(","),
      actor: "system",
    });
    if (moved.length === 0) return { held: false, findings };
    await recordScreening(tx, scope, {
      stage: "claim",
      held: [{ payoutId: input.payoutId, recipientId: input.recipientId, decision }],
      blocked: [],
      passed: [],
    });
    return { held: true, findings };
  });
}
