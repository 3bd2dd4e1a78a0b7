import { describe, expect, it } from "vitest";
import { deliveryWindow } from "./speed";

const at = (iso: string) => new Date(iso);
const window = (speed: Parameters<typeof deliveryWindow>[0], iso: string) => {
  const w = deliveryWindow(speed, at(iso));
  return { earliest: w.earliest.toISOString(), latest: w.latest.toISOString() };
};

describe("delivery windows", () => {
  it("gives instant and minutes methods a window of minutes from the send", () => {
    expect(window("instant", "2026-03-04T10:00:00Z")).toEqual({
      earliest: "2026-03-04T10:00:00.000Z",
      latest: "2026-03-04T10:05:00.000Z",
    });
    expect(window("minutes", "2026-03-04T10:00:00Z").latest).toBe("2026-03-04T11:00:00.000Z");
  });

  it("counts business days, skipping the weekend", () => {
    // A Wednesday: next business day is Thursday; 1-3 business days is Thursday to Monday.
    expect(window("next business day", "2026-03-04T10:00:00Z").latest).toBe(
      "2026-03-06T00:00:00.000Z",
    );
    expect(window("1-3 business days", "2026-03-04T10:00:00Z")).toEqual({
      earliest: "2026-03-05T00:00:00.000Z",
      latest: "2026-03-10T00:00:00.000Z",
    });
    // A Friday: the next business day is Monday.
    expect(window("next business day", "2026-03-06T16:00:00Z").latest).toBe(
      "2026-03-10T00:00:00.000Z",
    );
    // Sent on a Saturday: the week starts on Monday.
    expect(window("1-3 business days", "2026-03-07T12:00:00Z")).toEqual({
      earliest: "2026-03-10T00:00:00.000Z",
      latest: "2026-03-13T00:00:00.000Z",
    });
  });

  it("gives same-day methods at least a few hours late in the day", () => {
    expect(window("same day", "2026-03-04T09:00:00Z").latest).toBe("2026-03-05T00:00:00.000Z");
    expect(window("same day", "2026-03-04T22:00:00Z").latest).toBe("2026-03-05T04:00:00.000Z");
  });
});
