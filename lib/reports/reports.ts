import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { type Page, splitPage } from "@/db/paging";
import { type ReportFileInfo, recipients, reports } from "@/db/schema";
import { type Scope, tenantWhere } from "@/db/scope";
import { inTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { recordEvent } from "@/lib/events/outbox";
import { newId } from "@/lib/ids";
import { ruleForReport, taxSettingsOf } from "@/lib/tax/rules";
import { type CreateReportBody, holdsTaxIds } from "./parameters";
import { serializeReport } from "./serialize";

export type ReportRow = typeof reports.$inferSelect;

/** Who asks: a member in the dashboard (finance or owner), or an API key. */
export type ReportRequester = { actor?: string; via: "member" | "api_key" };

/**
 * What the request itself must get right, refused before anything is written: a tax
 * report needs a rule for its year; a statement, a recipient of this scope; and an API
 * key gets the reports holding tax ids only where the organisation allowed it.
 */
async function refuseUnanswerable(
  db: DbOrTx,
  scope: Scope,
  body: CreateReportBody,
  via: ReportRequester["via"],
): Promise<void> {
  if (via === "api_key" && holdsTaxIds[body.type]) {
    const settings = await taxSettingsOf(db, scope.organisationId);
    if (!settings.apiTaxReports) {
      throw new AppError(
        "forbidden",
        `A ${body.type} report holds taxpayer ids; an owner or finance member can allow API keys to request it on the dashboard's Tax page.`,
      );
    }
  }
  const parameters = body.parameters as { tax_year?: number; recipient_id?: string };
  const form = { tax_1099_nec: "1099-NEC", dac7: "DAC7" }[body.type as string];
  if (form && parameters.tax_year && !(await ruleForReport(db, form, parameters.tax_year))) {
    throw new AppError(
      "validation_failed",
      `No ${form} rule is known for ${parameters.tax_year}.`,
      {
        fieldErrors: [{ path: "parameters.tax_year", message: "a year with a known rule" }],
      },
    );
  }
  if (body.type === "recipient_statement") {
    const [recipient] = await db
      .select({ id: recipients.id })
      .from(recipients)
      .where(and(tenantWhere(recipients, scope), eq(recipients.id, parameters.recipient_id ?? "")));
    if (!recipient) {
      throw new AppError("validation_failed", "The report's parameters are not valid.", {
        fieldErrors: [
          { path: "parameters.recipient_id", message: "names no recipient of this account" },
        ],
      });
    }
  }
}

/**
 * Asks for a report: the row in `pending` and its `report.created` event in one
 * transaction; the event starts the background generation once relayed.
 */
export async function requestReport(
  db: DbOrTx,
  scope: Scope,
  body: CreateReportBody,
  requester: ReportRequester = { via: "member" },
): Promise<ReportRow> {
  await refuseUnanswerable(db, scope, body, requester.via);
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(reports)
      .values({
        id: newId("report"),
        organisationId: scope.organisationId,
        mode: scope.mode,
        type: body.type,
        parameters: body.parameters,
        requestedBy: requester.actor ?? null,
      })
      .returning();
    const report = row as ReportRow;
    await recordEvent(tx, scope, "report.created", {
      object: serializeReport(report, { withLinks: false }),
    });
    return report;
  });
}

export async function getReport(db: DbOrTx, scope: Scope, id: string): Promise<ReportRow | null> {
  const [row] = await db
    .select()
    .from(reports)
    .where(and(tenantWhere(reports, scope), eq(reports.id, id)));
  return row ?? null;
}

export async function requireReport(db: DbOrTx, scope: Scope, id: string): Promise<ReportRow> {
  const row = await getReport(db, scope, id);
  if (!row) throw new AppError("not_found", `No such report: ${id}`);
  return row;
}

/** Newest first, paged by id. */
export async function listReports(
  db: DbOrTx,
  scope: Scope,
  page: { limit: number; startingAfter?: string },
): Promise<Page<ReportRow>> {
  const rows = await db
    .select()
    .from(reports)
    .where(
      and(
        tenantWhere(reports, scope),
        page.startingAfter ? lt(reports.id, page.startingAfter) : undefined,
      ),
    )
    .orderBy(desc(reports.id))
    .limit(page.limit + 1);
  return splitPage(rows, page.limit);
}

/**
 * Takes a report to `running` (from pending, or again from running when a retried step
 * resumes it); null when it is already finished, which a repeated event meets.
 */
export async function startReport(db: DbOrTx, scope: Scope, id: string): Promise<ReportRow | null> {
  const [row] = await db
    .update(reports)
    .set({ status: "running", progress: 0, startedAt: sql`coalesce(${reports.startedAt}, now())` })
    .where(
      and(
        tenantWhere(reports, scope),
        eq(reports.id, id),
        sql`${reports.status} in ('pending', 'running')`,
      ),
    )
    .returning();
  return row ?? null;
}

export async function setReportProgress(
  db: DbOrTx,
  scope: Scope,
  id: string,
  progress: number,
): Promise<void> {
  await db
    .update(reports)
    .set({ progress: Math.max(0, Math.min(99, Math.floor(progress))) })
    .where(and(tenantWhere(reports, scope), eq(reports.id, id), eq(reports.status, "running")));
}

/** The files are written: `ready`, with the counts, and `report.ready` in one transaction. */
export async function completeReport(
  db: DbOrTx,
  scope: Scope,
  id: string,
  result: { files: ReportFileInfo[]; rowCount: number; summary: Record<string, unknown> },
): Promise<ReportRow | null> {
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .update(reports)
      .set({
        status: "ready",
        progress: 100,
        files: result.files,
        rowCount: result.rowCount,
        summary: result.summary,
        completedAt: new Date(),
      })
      .where(and(tenantWhere(reports, scope), eq(reports.id, id), eq(reports.status, "running")))
      .returning();
    if (!row) return null;
    await recordEvent(tx, scope, "report.ready", {
      object: serializeReport(row, { withLinks: false }),
    });
    return row;
  });
}

/** Generation gave up: `failed` with a reason a reader can act on, and `report.failed`. */
export async function failReport(
  db: DbOrTx,
  scope: Scope,
  id: string,
  reason: string,
): Promise<ReportRow | null> {
  return inTransaction(db, async (tx) => {
    const [row] = await tx
      .update(reports)
      .set({ status: "failed", failureReason: reason.slice(0, 500), completedAt: new Date() })
      .where(
        and(
          tenantWhere(reports, scope),
          eq(reports.id, id),
          sql`${reports.status} in ('pending', 'running')`,
        ),
      )
      .returning();
    if (!row) return null;
    await recordEvent(tx, scope, "report.failed", {
      object: serializeReport(row, { withLinks: false }),
    });
    return row;
  });
}
