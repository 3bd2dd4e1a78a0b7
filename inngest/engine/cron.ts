import { CronExpressionParser } from "cron-parser";

/**
 * The first time after `after` (epoch ms) that a schedule fires. Inngest crons are unix
 * cron strings in UTC, optionally led by `TZ=<zone>` (or `CRON_TZ=<zone>`).
 */
export function nextCronTime(schedule: string, after: number): number {
  const zoned = /^(?:CRON_)?TZ=(\S+)\s+(.+)$/.exec(schedule.trim());
  const expression = zoned ? (zoned[2] as string) : schedule.trim();
  return CronExpressionParser.parse(expression, {
    currentDate: new Date(after),
    tz: zoned ? zoned[1] : "UTC",
  })
    .next()
    .getTime();
}
