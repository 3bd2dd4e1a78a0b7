import { bigint, pgEnum, text, timestamp } from "drizzle-orm/pg-core";

/** Every tenant-owned row belongs to one organisation and one mode, as in Stripe. */
export const modeEnum = pgEnum("mode", ["test", "live"]);
export type Mode = (typeof modeEnum.enumValues)[number];

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

/** Money: integer minor units. `bigint` mode keeps it exact in JavaScript too. */
export const minorUnits = () => bigint({ mode: "bigint" });
export const currency = () => text().$type<string>();
