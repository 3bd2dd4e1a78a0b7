import { boolean, pgEnum, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { minorUnits, modeEnum, updatedAt } from "./columns";
import { organisations } from "./organisations";

export const balanceAlertKindEnum = pgEnum("balance_alert_kind", [
  /** `available` is below the organisation's threshold for the currency. */
  "below_threshold",
  /** Work about to need funds (a campaign being submitted) needs more than `available`. */
  "projected_shortfall",
]);
export type BalanceAlertKind = (typeof balanceAlertKindEnum.enumValues)[number];

/**
 * Where each low-balance condition stands, so `balance.low` fires once when it starts
 * to hold and again only after it has cleared: once per crossing, not once per check.
 */
export const balanceAlerts = pgTable(
  "balance_alerts",
  {
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    currency: text().notNull(),
    kind: balanceAlertKindEnum().notNull(),
    active: boolean().notNull(),
    /** For `projected_shortfall`: the demand that raised it; it clears once `available` covers it. */
    demand: minorUnits(),
    raisedAt: timestamp({ withTimezone: true }),
    clearedAt: timestamp({ withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.mode, t.currency, t.kind] })],
);
