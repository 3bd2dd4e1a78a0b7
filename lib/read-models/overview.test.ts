import { describe, expect, it } from "vitest";
import {
  durationUnitFor,
  formatDuration,
  timeToRewardSeries,
  type VolumeRow,
  volumeByCurrency,
} from "./overview";

const row = (key: string, currency: string, amount: bigint, count = 1): VolumeRow => ({
  key,
  currency,
  count,
  amount,
});

describe("paid volume for the overview's charts", () => {
  const rows = [
    row("paypal", "USD", 1_250_000n, 40),
    row("us_ach", "USD", 500n, 1),
    row("sepa", "EUR", 4_000n, 2),
    row("gift_card", "USD", 2_500n, 1),
    row("unknown", "USD", 100n, 1),
  ];

  it("splits amounts by currency and names methods as the catalog does", () => {
    const [eur, usd] = volumeByCurrency(rows, "method");
    expect(eur?.currency).toBe("EUR");
    expect(eur?.total).toBe(4_000n);
    expect(eur?.bars).toEqual([{ name: "Bank transfer (SEPA)", value: 4_000, display: "€40.00" }]);
    expect(usd?.total).toBe(1_253_100n);
    expect(usd?.count).toBe(43);
    expect(usd?.bars.map((b) => [b.name, b.display])).toEqual([
      ["PayPal", "$12,500.00"],
      ["Gift card", "$25.00"],
      ["Bank transfer (ACH)", "$5.00"],
      ["Unknown method", "$1.00"],
    ]);
  });

  it("charts amounts, not counts, and keeps only the largest groups on the chart", () => {
    const [, usd] = volumeByCurrency(rows, "method", 2);
    expect(usd?.bars.map((b) => b.value)).toEqual([1_250_000, 2_500]);
    expect(usd?.rows).toHaveLength(4);
    expect(usd?.rows[0]).toEqual({ name: "PayPal", count: 40, amount: 1_250_000n });
  });

  it("names countries", () => {
    const [eur] = volumeByCurrency([row("DE", "EUR", 4_000n), row("KE", "EUR", 10n)], "country");
    expect(eur?.bars.map((b) => b.name)).toEqual(["Germany", "Kenya"]);
  });
});

describe("time to reward", () => {
  it("picks the unit that suits the longest wait", () => {
    expect(durationUnitFor(10 / 3600).name).toBe("seconds");
    expect(durationUnitFor(0.5).name).toBe("minutes");
    expect(durationUnitFor(5).name).toBe("hours");
    expect(durationUnitFor(24 * 10).name).toBe("days");
    expect(durationUnitFor(0).name).toBe("seconds");
  });

  it("plots a sandbox that pays in seconds in seconds, not as 0.0 h", () => {
    const series = timeToRewardSeries([
      { day: "2026-11-01", paid: 3, medianHours: 4 / 3600, p90Hours: 12 / 3600 },
      { day: "2026-11-02", paid: 1, medianHours: 2 / 3600, p90Hours: 2 / 3600 },
    ]);
    expect(series.unit).toBe("seconds");
    expect(series.data).toEqual([
      { day: "2026-11-01", paid: 3, median: 4, p90: 12 },
      { day: "2026-11-02", paid: 1, median: 2, p90: 2 },
    ]);
  });

  it("says a duration the way people do", () => {
    expect(formatDuration(5 / 3600)).toBe("5 s");
    expect(formatDuration(2.6 / 60)).toBe("2.6 min");
    expect(formatDuration(0.25)).toBe("15 min");
    expect(formatDuration(3.5)).toBe("3.5 h");
    expect(formatDuration(72)).toBe("3.0 days");
  });
});
