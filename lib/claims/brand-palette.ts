/**
 * Turns an organisation's brand colours into a palette that passes WCAG 2.2 AA on the
 * claim pages: text on a brand fill reaches 4.5:1, and brand-coloured text or focus
 * rings on the white page reach 4.5:1. A colour that cannot is darkened toward black
 * until it can, so the page stays recognisably the brand's.
 */
export type BrandPalette = {
  /** Button and header fills. */
  primary: string;
  /** Text on `primary`. */
  onPrimary: string;
  /** Brand-coloured text, links and focus rings on the page background. */
  primaryText: string;
  accent: string;
  onAccent: string;
  /** True when any brand colour had to be replaced to stay readable. */
  adjusted: boolean;
};

export const PAGE_BACKGROUND = "#ffffff";
const FALLBACK_PRIMARY = "#4338ca";
const FALLBACK_ACCENT = "#0f172a";
const MIN_TEXT_CONTRAST = 4.5;

type Rgb = [number, number, number];

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** Only `#rgb` / `#rrggbb` get through, so a colour can never smuggle CSS into a style. */
export function parseHex(color: string | null | undefined): Rgb | null {
  const match = color?.trim().match(HEX);
  if (!match?.[1]) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join("") : match[1];
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG 2.x relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: string, b: string): number {
  const ra = parseHex(a);
  const rb = parseHex(b);
  if (!ra || !rb) return 1;
  const [hi, lo] = [luminance(ra), luminance(rb)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mixes toward black in small steps until the colour reaches `ratio` against `against`. */
function darkenUntil(color: Rgb, against: string, ratio: number): string {
  for (let step = 0; step <= 20; step++) {
    const keep = 1 - step * 0.05;
    const candidate = toHex([color[0] * keep, color[1] * keep, color[2] * keep]);
    if (contrastRatio(candidate, against) >= ratio) return candidate;
  }
  return "#000000";
}

function fill(color: string | null | undefined, fallback: string) {
  const rgb = parseHex(color) ?? (parseHex(fallback) as Rgb);
  const base = toHex(rgb);
  if (contrastRatio(base, "#ffffff") >= MIN_TEXT_CONTRAST) {
    return { fill: base, on: "#ffffff", text: base, adjusted: !parseHex(color) };
  }
  // Light brand fills keep their colour with dark text; their text use is darkened.
  if (contrastRatio(base, "#111827") >= MIN_TEXT_CONTRAST) {
    return {
      fill: base,
      on: "#111827",
      text: darkenUntil(rgb, PAGE_BACKGROUND, MIN_TEXT_CONTRAST),
      adjusted: true,
    };
  }
  const darker = darkenUntil(rgb, "#ffffff", MIN_TEXT_CONTRAST);
  return { fill: darker, on: "#ffffff", text: darker, adjusted: true };
}

export function brandPalette(input: {
  primaryColor?: string | null;
  accentColor?: string | null;
}): BrandPalette {
  const primary = fill(input.primaryColor, FALLBACK_PRIMARY);
  const accent = fill(input.accentColor, FALLBACK_ACCENT);
  return {
    primary: primary.fill,
    onPrimary: primary.on,
    primaryText: primary.text,
    accent: accent.fill,
    onAccent: accent.on,
    adjusted: primary.adjusted || accent.adjusted,
  };
}
