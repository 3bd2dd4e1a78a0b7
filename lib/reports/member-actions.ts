import type { DbOrTx } from "@/db/client";
import { inTransaction } from "@/db/transaction";
import { type ActingMember, memberRef, recordMemberAudit } from "@/lib/audit/record";
import { parseInput } from "@/lib/errors";
import { createReportBodySchema, type ReportType, reportTypes } from "./parameters";
import { requestReport } from "./reports";

const fieldsOf: Record<ReportType, string[]> = {
  payouts: ["from", "to", "status", "batch_id", "currency"],
  ledger: ["from", "to", "currency"],
  reconciliation: [],
  tax_1099_nec: ["tax_year"],
  dac7: ["tax_year"],
  recipient_statement: ["recipient_id", "tax_year"],
};

/**
 * The Reports page's form: one form for every type, so only the fields of the chosen
 * type are read, and blanks are left out. Audited; generation starts once the report's
 * event is relayed after the action.
 */
export async function requestReportAsMember(
  db: DbOrTx,
  member: ActingMember,
  form: { type: unknown; fields: Record<string, unknown> },
) {
  const type = reportTypes.find((t) => t === form.type);
  const parameters: Record<string, unknown> = {};
  for (const name of type ? fieldsOf[type] : []) {
    const value = form.fields[name];
    if (value === undefined || value === null || value === "") continue;
    parameters[name] =
      name === "tax_year" ? Number(value) : name === "status" ? [value].flat() : value;
  }
  const body = parseInput(createReportBodySchema, { type: form.type, parameters }, "report");
  return inTransaction(db, async (tx) => {
    const report = await requestReport(tx, member.scope, body, {
      actor: memberRef(member),
      via: "member",
    });
    await recordMemberAudit(tx, member, {
      action: "report.request",
      target: { type: "report", id: report.id },
      after: { type: body.type, parameters: body.parameters },
    });
    return report;
  });
}
