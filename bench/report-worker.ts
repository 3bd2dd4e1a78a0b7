/**
 * One report generated in a process of its own, as the function worker generates it, so
 * its peak memory is its own: `tsx bench/report-worker.ts <org> <report id>` with
 * DATABASE_URL, AUTH_SECRET and TAX_ID_KEYS set. Prints one JSON line: the time the
 * generation took, resident memory before it and the process's peak (maxRSS), rows, bytes.
 */
import { closeDb, db } from "@/db/client";
import { generateReport } from "@/lib/reports/generate";

async function main() {
  const [organisationId, reportId] = process.argv.slice(2);
  if (!organisationId || !reportId) throw new Error("usage: report-worker <org> <report>");
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const report = await generateReport(db, { organisationId, mode: "test" }, reportId);
  const ms = performance.now() - started;
  await closeDb();
  process.stdout.write(
    `${JSON.stringify({
      ms,
      rssBeforeMb: rssBefore / 2 ** 20,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      rows: report?.rowCount ?? 0,
      bytes: report?.files.reduce((sum, f) => sum + f.bytes, 0) ?? 0,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
