import { z } from "zod";
import { reportStatusEnum, type reports } from "@/db/schema";
import { listSchema } from "@/lib/api/pagination";
import { reportTypeSchema } from "./parameters";
import { reportFileUrl } from "./signed-url";

type ReportRow = typeof reports.$inferSelect;

const timestamp = z.iso.datetime({ offset: true });

const reportFileSchema = z
  .object({
    name: z.string(),
    rows: z.int().nonnegative(),
    bytes: z.int().nonnegative(),
    url: z
      .string()
      .nullable()
      .meta({ description: "A signed link to download the file; it expires (see url_expires_at)" }),
    url_expires_at: timestamp.nullable(),
  })
  .meta({ id: "ReportFile" });

export const reportResourceSchema = z
  .object({
    id: z.string(),
    object: z.literal("report"),
    livemode: z.boolean(),
    type: reportTypeSchema,
    parameters: z.record(z.string(), z.unknown()),
    status: z.enum(reportStatusEnum.enumValues),
    progress: z.int().min(0).max(100).meta({ description: "Percent done" }),
    row_count: z.int().nonnegative().nullable(),
    summary: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: "Totals and counts, to reconcile the file without opening it" }),
    failure_reason: z.string().nullable(),
    files: z.array(reportFileSchema),
    /** The first file's link, for the common case of one file. */
    url: z.string().nullable(),
    url_expires_at: timestamp.nullable(),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
  })
  .meta({ id: "Report" });
export type ReportResource = z.infer<typeof reportResourceSchema>;

export const reportListSchema = listSchema(reportResourceSchema, "ReportList");

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The report as the API answers. Download links are signed now, for this reader, and only
 * when `withLinks`: events and stored idempotent replays carry none.
 */
export function serializeReport(
  row: ReportRow,
  options: { withLinks: boolean; now?: Date } = { withLinks: true },
): ReportResource {
  const ready = row.status === "ready" && options.withLinks;
  const files = row.files.map((file) => {
    const link = ready ? reportFileUrl(row.id, file.name, options.now) : null;
    return {
      name: file.name,
      rows: file.rows,
      bytes: file.bytes,
      url: link?.url ?? null,
      url_expires_at: link ? link.expiresAt.toISOString() : null,
    };
  });
  return {
    id: row.id,
    object: "report",
    livemode: row.mode === "live",
    type: row.type as ReportResource["type"],
    parameters: row.parameters,
    status: row.status,
    progress: row.progress,
    row_count: row.rowCount,
    summary: row.summary,
    failure_reason: row.failureReason,
    files,
    url: files[0]?.url ?? null,
    url_expires_at: files[0]?.url_expires_at ?? null,
    created_at: row.createdAt.toISOString(),
    started_at: isoOrNull(row.startedAt),
    completed_at: isoOrNull(row.completedAt),
  };
}
