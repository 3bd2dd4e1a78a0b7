import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { generateReport, giveUpOnReport } from "@/lib/reports/generate";

/**
 * A requested report, generated in one step (files stream from one database snapshot, so
 * the step is the unit of retry: a retry starts the files afresh). One run per report at
 * a time and two reports at once overall, so a year-end rush does not starve the
 * payouts' own functions; after the last retry the report is `failed`.
 */
export const generateReportFunction = inngest.createFunction(
  {
    id: "generate-report",
    name: "Generate a report",
    triggers: [{ event: domainEvents["report.created"] }],
    concurrency: [{ key: "event.data.object.id", limit: 1 }, { limit: 2 }],
    retries: 2,
    onFailure: async ({ event, error }) => {
      const original = event.data.event.data;
      await giveUpOnReport(db, scopeOf(original), original.object.id, error);
      await relayEvents();
    },
  },
  async ({ event, step }) =>
    step.run("generate", async () => {
      const report = await generateReport(db, scopeOf(event.data), event.data.object.id);
      await relayEvents();
      return { status: report?.status ?? "already finished", rows: report?.rowCount ?? null };
    }),
);
