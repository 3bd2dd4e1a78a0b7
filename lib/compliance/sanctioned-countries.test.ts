import { describe, expect, it } from "vitest";
import { isSanctionedDestination, sanctionedPlace } from "./sanctioned-countries";

describe("sanctioned destinations", () => {
  it("blocks Cuba, Iran, North Korea and Syria by country code, in any case", () => {
    for (const country of ["CU", "IR", "KP", "SY", "cu", " ir "]) {
      expect(isSanctionedDestination({ country }), country).toBe(true);
    }
    expect(sanctionedPlace({ country: "KP" })).toEqual({
      kind: "country",
      code: "KP",
      name: "North Korea",
    });
  });

  it("blocks the Crimea, Sevastopol, Donetsk and Luhansk regions by ISO 3166-2 code", () => {
    expect(sanctionedPlace({ country: "UA", region: "UA-43" })).toEqual({
      kind: "region",
      code: "UA-43",
      name: "the Crimea region of Ukraine",
    });
    for (const region of ["UA-40", "UA-14", "ua-09"]) {
      expect(isSanctionedDestination({ country: "UA", region }), region).toBe(true);
    }
  });

  it("lets the rest of Ukraine and unsanctioned neighbours through", () => {
    expect(isSanctionedDestination({ country: "UA" })).toBe(false);
    expect(isSanctionedDestination({ country: "UA", region: "UA-30" })).toBe(false);
    expect(isSanctionedDestination({ country: "UA", region: null })).toBe(false);
    expect(isSanctionedDestination({ country: "DO" })).toBe(false);
    expect(isSanctionedDestination({ country: "KR" })).toBe(false);
  });
});
