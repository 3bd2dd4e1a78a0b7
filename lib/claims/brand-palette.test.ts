import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brandPalette, contrastRatio, PAGE_BACKGROUND, parseHex } from "./brand-palette";

describe("brandPalette", () => {
  it("keeps a dark brand colour as it is, with white text", () => {
    const palette = brandPalette({ primaryColor: "#4f46e5", accentColor: "#0f172a" });
    expect(palette).toMatchObject({
      primary: "#4f46e5",
      onPrimary: "#ffffff",
      primaryText: "#4f46e5",
    });
    expect(palette.adjusted).toBe(false);
  });

  it("gives a light brand fill dark text and darkens its text use", () => {
    const palette = brandPalette({ primaryColor: "#facc15" });
    expect(palette.primary).toBe("#facc15");
    expect(palette.onPrimary).toBe("#111827");
    expect(contrastRatio(palette.primaryText, PAGE_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
    expect(palette.adjusted).toBe(true);
  });

  it("falls back to accessible defaults for anything that is not a hex colour", () => {
    const palette = brandPalette({
      primaryColor: "red;} body{display:none",
      accentColor: "url(x)",
    });
    expect(palette.primary).toMatch(/^#[0-9a-f]{6}$/);
    expect(palette.accent).toMatch(/^#[0-9a-f]{6}$/);
    expect(palette.adjusted).toBe(true);
  });

  it("reaches 4.5:1 for every colour a brand could pick", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
        const color = `#${n.toString(16).padStart(6, "0")}`;
        const p = brandPalette({ primaryColor: color, accentColor: color });
        expect(contrastRatio(p.primary, p.onPrimary)).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(p.accent, p.onAccent)).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(p.primaryText, PAGE_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
      }),
    );
  });
});

describe("contrastRatio", () => {
  it("matches the WCAG reference values", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });

  it("parses short hex", () => {
    expect(parseHex("#fff")).toEqual([255, 255, 255]);
  });
});
