import { db } from "@/db/client";
import { domainEvents, inngest } from "@/inngest/client";
import { scopeOf } from "@/inngest/event-scope";
import { relayEvents } from "@/inngest/relay";
import { generateReport, giveUpOnReport } from "@/lib/reports/generate";

/**
 * A requested report, generated in one step (files stream from one database snapshot, so
 * the step is the unit of retry: a retry starts the files afresh). One run per report at
 * a time and two reports at once overall, so a year-end rush does not starve the
 * payouts' own functions. When the step has failed its last retry, the error reaches the
 * function, which marks the report `failed` (and sends `report.failed`) in a step of its own.
 */
export const generateReportFunction = inngest.createFunction(
  {
    id: "generate-report",
    name: "Generate a report",
    triggers: [{ event: domainEvents["report.created"] }],
    concurrency: [{ key: "event.data.object.id", limit: 1 }, { limit: 2 }],
    retries: 2,
  },
  async ({ event, step }) => {
    const scope = scopeOf(event.data);
    const reportId = event.data.object.id;
    try {
      return await step.run("generate", async () => {
        const report = await generateReport(db, scope, reportId);
        await relayEvents();
        return { status: report?.status ?? "already finished", rows: report?.rowCount ?? null };
      });
    } catch (error) {
      await step.run("mark-failed", async () => {
        await giveUpOnReport(db, scope, reportId, error);
        await relayEvents();
      });
      return { status: "failed", rows: null };
    }
  },
);
