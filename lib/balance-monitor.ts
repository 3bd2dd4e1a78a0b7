import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type BalanceAlertKind, balanceAlerts, balanceThresholds } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { isAppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import { getAccountBalance } from "@/lib/ledger";
import { type Currency, currencySchema } from "@/lib/money";

export type BalanceCheck = {
  available: bigint;
  threshold: bigint | null;
  /** Alerts that started to hold now; each wrote one `balance.low` event. */
  raised: BalanceAlertKind[];
  /** Alerts that stopped holding now, so the next crossing alerts again. */
  cleared: BalanceAlertKind[];
};

const kinds: BalanceAlertKind[] = ["below_threshold", "projected_shortfall"];

/**
 * Checks one currency's `available` balance against the organisation's threshold and
 * against `demand`, work about to need funds (a campaign being submitted). Each
 * condition fires `balance.low` once when it starts to hold and re-arms when it stops:
 * once per crossing. The alert rows are locked for the check, so concurrent checks of
 * one balance see each other's crossings and never fire twice; the event is written in
 * the same transaction (outbox), so it exists exactly when the crossing is recorded.
 *
 * A demand is remembered until `available` covers it, so a shortfall raised for a
 * campaign clears when the organisation funds enough for it.
 */
export async function checkBalance(
  db: DbOrTx,
  scope: Scope,
  currency: string,
  options: { demand?: bigint; now?: Date } = {},
): Promise<BalanceCheck> {
  const now = options.now ?? new Date();
  return inTransaction(db, async (tx) => {
    await tx
      .insert(balanceAlerts)
      .values(kinds.map((kind) => ({ ...scope, currency, kind, active: false })))
      .onConflictDoNothing();
    const alerts = await tx
      .select()
      .from(balanceAlerts)
      .where(and(tenantWhere(balanceAlerts, scope), eq(balanceAlerts.currency, currency)))
      .for("update");
    const [row] = await tx
      .select({ amount: balanceThresholds.amount })
      .from(balanceThresholds)
      .where(and(tenantWhere(balanceThresholds, scope), eq(balanceThresholds.currency, currency)));
    const threshold = row?.amount ?? null;
    const { spendable: available } = await getAccountBalance(tx, scope, {
      currency,
      kind: "available",
    });

    const shortfallAlert = alerts.find((a) => a.kind === "projected_shortfall");
    const remembered = shortfallAlert?.active ? shortfallAlert.demand : null;
    const demand =
      options.demand !== undefined && (remembered === null || options.demand > remembered)
        ? options.demand
        : remembered;
    const holds: Record<BalanceAlertKind, boolean> = {
      below_threshold: threshold !== null && available < threshold,
      projected_shortfall: demand !== null && demand > available,
    };

    const check: BalanceCheck = { available, threshold, raised: [], cleared: [] };
    for (const alert of alerts) {
      const where = and(
        tenantWhere(balanceAlerts, scope),
        eq(balanceAlerts.currency, currency),
        eq(balanceAlerts.kind, alert.kind),
      );
      const kindDemand = alert.kind === "projected_shortfall" ? demand : null;
      if (holds[alert.kind] && !alert.active) {
        await tx
          .update(balanceAlerts)
          .set({ active: true, demand: kindDemand, raisedAt: now, updatedAt: now })
          .where(where);
        await recordEvent(tx, scope, "balance.low", {
          currency: currencySchema.parse(currency),
          available,
          threshold: threshold ?? 0n,
          projected_shortfall: kindDemand !== null ? kindDemand - available : null,
        });
        check.raised.push(alert.kind);
      } else if (!holds[alert.kind] && alert.active) {
        await tx
          .update(balanceAlerts)
          .set({ active: false, demand: null, clearedAt: now, updatedAt: now })
          .where(where);
        check.cleared.push(alert.kind);
      } else if (holds[alert.kind] && kindDemand !== alert.demand) {
        await tx.update(balanceAlerts).set({ demand: kindDemand, updatedAt: now }).where(where);
      }
    }
    return check;
  });
}

/**
 * Every balance worth watching, across organisations: each currency with a threshold,
 * and each with an alert still active (so a shortfall can clear without a threshold).
 */
export async function watchedBalances(
  db: DbOrTx,
): Promise<{ organisationId: string; mode: Scope["mode"]; currency: string }[]> {
  const rows = await db.execute<{ organisation_id: string; mode: Scope["mode"]; currency: string }>(
    sql`select organisation_id, mode, currency from ${balanceThresholds}
        union
        select organisation_id, mode, currency from ${balanceAlerts} where active`,
  );
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    mode: r.mode,
    currency: r.currency,
  }));
}

/** A check as JSON can carry it (step output): amounts as decimal strings. */
export function summariseCheck(check: BalanceCheck) {
  return {
    available: check.available.toString(),
    threshold: check.threshold?.toString() ?? null,
    raised: check.raised,
    cleared: check.cleared,
  };
}

/**
 * The demand behind a refusal for insufficient funds (what was required of `available`),
 * or null for any other error: a campaign refused for lack of funds is work the balance
 * is about to be asked for again.
 */
export function refusedDemand(error: unknown): { currency: Currency; amount: bigint } | null {
  if (!isAppError(error, "insufficient_funds") || error.meta.account !== "available") return null;
  const currency = currencySchema.safeParse(error.meta.currency);
  const required = error.meta.required;
  if (!currency.success || typeof required !== "string" || !/^\d+$/.test(required)) return null;
  return { currency: currency.data, amount: BigInt(required) };
}
