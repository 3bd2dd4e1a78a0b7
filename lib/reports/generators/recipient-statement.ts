import { csvLine } from "../csv";
import { decimal, inSnapshot, setting } from "../snapshot";
import type { FileSink } from "../storage";
import type { GeneratedReport, ReportContext } from "./types";

const header = [
  "payout_id",
  "date",
  "status",
  "description",
  "amount",
  "currency",
  "method",
  "paid_at",
];

type StatementRow = {
  id: string;
  at: string;
  status: string;
  description: string | null;
  amount: string;
  currency: string;
  method: string | null;
  paid_at: string | null;
};

/**
 * One recipient's payouts from this organisation in a year (paid in it, or created in it
 * and not paid), oldest first, with what was paid per currency. Written to any sink: the
 * report's chunks, or the recipient's download straight from the claim status page.
 */
export async function writeRecipientStatement(
  context: Pick<ReportContext, "client" | "scope">,
  input: { recipientId: string; year: number },
  sink: FileSink,
): Promise<{ rows: number; paid: Record<string, string> }> {
  await sink.write(csvLine(header));
  let rows = 0;
  const paid: Record<string, bigint> = {};
  await inSnapshot(
    context.client,
    {
      org: context.scope.organisationId,
      mode: context.scope.mode,
      recipient: input.recipientId,
      from: new Date(Date.UTC(input.year, 0, 1)).toISOString(),
      to: new Date(Date.UTC(input.year + 1, 0, 1)).toISOString(),
    },
    async (tx) => {
      const cursor = tx
        .unsafe<StatementRow[]>(
          `select id, to_char(coalesce(paid_at, created_at) at time zone 'UTC', 'YYYY-MM-DD') as at,
                  status::text as status, description, amount::text as amount, currency, method,
                  to_char(paid_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as paid_at
           from payouts
           where organisation_id = ${setting("org")} and mode = ${setting("mode", "mode")}
             and recipient_id = ${setting("recipient")}
             and coalesce(paid_at, created_at) >= ${setting("from", "timestamptz")}
             and coalesce(paid_at, created_at) < ${setting("to", "timestamptz")}
           order by coalesce(paid_at, created_at), id`,
        )
        .cursor(500);
      for await (const batch of cursor) {
        for (const row of batch) {
          rows++;
          const amount = BigInt(row.amount);
          if (row.status === "paid") paid[row.currency] = (paid[row.currency] ?? 0n) + amount;
          await sink.write(
            csvLine([
              row.id,
              row.at,
              row.status,
              row.description,
              decimal(amount, row.currency),
              row.currency,
              row.method,
              row.paid_at,
            ]),
          );
        }
      }
    },
  );
  return {
    rows,
    paid: Object.fromEntries(Object.entries(paid).map(([c, v]) => [c, v.toString()])),
  };
}

export async function recipientStatementReport(
  context: ReportContext<"recipient_statement">,
): Promise<GeneratedReport> {
  const { recipient_id: recipientId, tax_year: year } = context.parameters;
  const file = context.file("recipient_statement.csv");
  const result = await writeRecipientStatement(context, { recipientId, year }, file);
  const { bytes } = await file.close();
  await context.progress(1);
  return {
    files: [{ name: "recipient_statement.csv", rows: result.rows, bytes }],
    rowCount: result.rows,
    summary: { recipient_id: recipientId, tax_year: year, payouts: result.rows, paid: result.paid },
  };
}
