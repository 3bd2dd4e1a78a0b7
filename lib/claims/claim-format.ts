export function countryName(country: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(country) ?? country;
  } catch {
    return country;
  }
}

/**
 * A deadline the recipient can act on wherever they are: the date and time in UTC,
 * labelled as such, and how far away it is ("in 30 days").
 */
export function formatDeadline(
  at: Date,
  locale: string,
  now: Date = new Date(),
): { absolute: string; relative: string } {
  const absolute = `${new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" }).format(at)} UTC`;
  const seconds = (at.getTime() - now.getTime()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const relative =
    Math.abs(seconds) >= 86_400
      ? rtf.format(Math.round(seconds / 86_400), "day")
      : Math.abs(seconds) >= 3600
        ? rtf.format(Math.round(seconds / 3600), "hour")
        : rtf.format(Math.max(1, Math.round(seconds / 60)), "minute");
  return { absolute, relative };
}
