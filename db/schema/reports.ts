import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { createdAt, modeEnum } from "./columns";
import { organisations } from "./organisations";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const reportStatusEnum = pgEnum("report_status", ["pending", "running", "ready", "failed"]);
export type ReportStatus = (typeof reportStatusEnum.enumValues)[number];

/** One file of a report: its name in the report and what was written. */
export type ReportFileInfo = { name: string; rows: number; bytes: number };

/**
 * A report requested through the API or the dashboard and generated in the background.
 * Nothing here is a usable link: the download URL is signed when it is shown.
 */
export const reports = pgTable(
  "reports",
  {
    id: text().primaryKey(),
    organisationId: text()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    mode: modeEnum().notNull(),
    type: text().notNull(),
    parameters: jsonb().$type<Record<string, unknown>>().notNull(),
    status: reportStatusEnum().notNull().default("pending"),
    /** 0–100. */
    progress: integer().notNull().default(0),
    rowCount: bigint({ mode: "number" }),
    files: jsonb().$type<ReportFileInfo[]>().notNull().default([]),
    /** Totals per currency and counts, for reconciling the file without opening it. */
    summary: jsonb().$type<Record<string, unknown>>(),
    failureReason: text(),
    requestedBy: text(),
    createdAt: createdAt(),
    startedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.organisationId, t.mode, t.id),
    check("reports_progress_range", sql`${t.progress} between 0 and 100`),
  ],
);

/**
 * A report's files, a sealed chunk at a time (lib/reports/storage.ts): written as the
 * generator streams and read back the same way, so no file is ever held whole.
 */
export const reportChunks = pgTable(
  "report_chunks",
  {
    reportId: text()
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    file: text().notNull(),
    seq: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.file, t.seq] })],
);
