import { describe, expect, it } from "vitest";
import { formatMoney } from "@/lib/money";
import { countryName, formatDeadline } from "./claim-format";

describe("claim page formatting", () => {
  it("writes amounts the way each locale does", () => {
    const payout = { amount: 123456n, currency: "EUR" };
    expect(formatMoney(payout, "de")).toMatch(/^1\.234,56\s€$/);
    expect(formatMoney(payout, "en")).toBe("€1,234.56");
    expect(formatMoney(payout, "fr")).toMatch(/^1\s234,56\s€$/);
    expect(formatMoney({ amount: 2500n, currency: "USD" }, "pt-BR")).toMatch(/^US\$\s25,00$/);
    expect(formatMoney({ amount: 150000n, currency: "KES" }, "en")).toMatch(/^KES\s1,500\.00$/);
  });

  it("names countries in the reader's language", () => {
    expect(countryName("DE", "es")).toBe("Alemania");
    expect(countryName("KE", "en")).toBe("Kenya");
  });

  it("states deadlines in UTC with how far away they are", () => {
    const now = new Date("2026-11-24T08:00:00Z");
    const at = new Date("2026-12-24T08:00:00Z");
    expect(formatDeadline(at, "en", now)).toEqual({
      absolute: "December 24, 2026 at 8:00 AM UTC",
      relative: "in 30 days",
    });
    expect(formatDeadline(at, "es", now).relative).toBe("dentro de 30 días");
    expect(formatDeadline(new Date("2026-11-24T11:00:00Z"), "en", now).relative).toBe("in 3 hours");
  });
});
