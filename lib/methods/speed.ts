import type { Speed } from "./types";

/**
 * When money sent by a method is expected to arrive, as a window from the moment it was
 * sent. The method's `speed` is the catalog's promise; the window turns it into times an
 * integrator can show ("by Thursday"). Business days skip Saturday and Sunday (UTC);
 * public holidays are not known here, so a bank method's window can be a day short
 * around one.
 */
export type DeliveryWindow = { earliest: Date; latest: Date };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Midnight UTC ending the day `days` business days after `from` (0: the day itself, if a business day). */
function endOfBusinessDay(from: Date, days: number): Date {
  const at = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const isWeekend = () => at.getUTCDay() === 0 || at.getUTCDay() === 6;
  while (isWeekend()) at.setUTCDate(at.getUTCDate() + 1);
  for (let left = days; left > 0; ) {
    at.setUTCDate(at.getUTCDate() + 1);
    if (!isWeekend()) left--;
  }
  at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

/** Start of the business day `days` business days after `from`'s. */
function startOfBusinessDay(from: Date, days: number): Date {
  return new Date(endOfBusinessDay(from, days).getTime() - 24 * HOUR);
}

const windows: Record<Speed, (from: Date) => DeliveryWindow> = {
  instant: (from) => ({ earliest: from, latest: new Date(from.getTime() + 5 * MINUTE) }),
  minutes: (from) => ({ earliest: from, latest: new Date(from.getTime() + HOUR) }),
  // Sent late in the day, "same day" still takes a few hours.
  "same day": (from) => ({
    earliest: from,
    latest: new Date(Math.max(endOfBusinessDay(from, 0).getTime(), from.getTime() + 6 * HOUR)),
  }),
  "next business day": (from) => ({ earliest: from, latest: endOfBusinessDay(from, 1) }),
  "1-3 business days": (from) => ({
    earliest: startOfBusinessDay(from, 1),
    latest: endOfBusinessDay(from, 3),
  }),
};

export function deliveryWindow(speed: Speed, sentAt: Date): DeliveryWindow {
  return windows[speed](sentAt);
}
