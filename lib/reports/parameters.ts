import { z } from "zod";
import { currencySchema } from "@/lib/money";
import { payoutStatusSchema } from "@/lib/payouts/serialize";

/**
 * What each report takes, as zod schemas: the API parses `parameters` with these, the
 * dashboard's form too, and the generator reads the parsed values.
 */

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date().transform((d) => `${d}T00:00:00Z`)], {
    error: "an ISO 8601 date (2026-01-01) or date-time with offset",
  })
  .meta({ description: "An ISO 8601 date or date-time" });

const period = {
  from: instant.meta({ description: "Start of the period, inclusive" }),
  to: instant.meta({ description: "End of the period, exclusive" }),
};

const periodIsOrdered = {
  error: "`to` must be after `from`",
  path: ["to"],
};
const ordered = (p: { from: string; to: string }) => new Date(p.to) > new Date(p.from);

const taxYear = z
  .int({ error: "a calendar year such as 2026" })
  .min(2020, "2020 or later")
  .max(2100, "2100 or earlier")
  .meta({ description: "Calendar year of the payments" });

export const reportParameterSchemas = {
  payouts: z
    .strictObject({
      ...period,
      status: z.array(payoutStatusSchema).min(1).max(20).optional(),
      batch_id: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .meta({ description: "Only this batch (campaign)" }),
      currency: currencySchema.optional(),
    })
    .refine(ordered, periodIsOrdered)
    .meta({ id: "PayoutsReportParameters", description: "Payouts created in the period" }),
  ledger: z
    .strictObject({ ...period, currency: currencySchema.optional() })
    .refine(ordered, periodIsOrdered)
    .meta({
      id: "LedgerReportParameters",
      description: "Every transfer posted in the period, with opening and closing balances",
    }),
  reconciliation: z.strictObject({ from: period.from.optional(), to: period.to.optional() }).meta({
    id: "ReconciliationReportParameters",
    description: "The ledger's invariants and the payouts' money against it",
  }),
  tax_1099_nec: z
    .strictObject({ tax_year: taxYear })
    .meta({ id: "Tax1099NecReportParameters", description: "Form 1099-NEC data for a year" }),
  dac7: z
    .strictObject({ tax_year: taxYear })
    .meta({ id: "Dac7ReportParameters", description: "DAC7 seller data for a year" }),
  recipient_statement: z
    .strictObject({ recipient_id: z.string().min(1).max(64), tax_year: taxYear })
    .meta({ id: "RecipientStatementParameters", description: "One recipient's payouts in a year" }),
} as const;

export type ReportType = keyof typeof reportParameterSchemas;
export const reportTypes = Object.keys(reportParameterSchemas) as [ReportType, ...ReportType[]];
export const reportTypeSchema = z.enum(reportTypes);

export type ReportParameters<T extends ReportType> = z.output<(typeof reportParameterSchemas)[T]>;

/** The request body of `POST /v1/reports`: a type and its parameters. */
export const createReportBodySchema = z
  .discriminatedUnion(
    "type",
    reportTypes.map((type) =>
      z.strictObject({
        type: z.literal(type),
        parameters: reportParameterSchemas[type],
      }),
    ) as unknown as readonly [
      z.ZodObject<{
        type: z.ZodLiteral<ReportType>;
        parameters: z.ZodType<Record<string, unknown>>;
      }>,
    ],
    { error: `a report type: one of ${reportTypes.join(", ")}` },
  )
  .meta({ id: "CreateReport" });

export type CreateReportBody = z.output<typeof createReportBodySchema>;

/** Reports that hold taxpayer identification numbers: sealed with TAX_ID_KEYS. */
export const holdsTaxIds: Record<ReportType, boolean> = {
  payouts: false,
  ledger: false,
  reconciliation: false,
  tax_1099_nec: true,
  dac7: true,
  recipient_statement: false,
};
