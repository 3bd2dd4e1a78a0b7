import countries from "i18n-iso-countries";

/**
 * An ISO 3166-1 alpha-2 code for a country as a list writes it ("Iran", "Russia",
 * "Korea, North", "DE"), or null when it names no country (a region, "undetermined").
 */
export function countryCode(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  if (/^[A-Za-z]{2}$/.test(text) && countries.isValid(text.toUpperCase())) {
    return text.toUpperCase();
  }
  const listed = listNames[text.toLowerCase()];
  if (listed) return listed;
  return countries.getAlpha2Code(text, "en") ?? null;
}

/** Names OFAC writes that the ISO names do not match. */
const listNames: Record<string, string> = {
  "korea, north": "KP",
  "korea, south": "KR",
  "north korea": "KP",
  "south korea": "KR",
  russia: "RU",
  iran: "IR",
  syria: "SY",
  burma: "MM",
  "congo, democratic republic of the": "CD",
  "congo, republic of the": "CG",
  "west bank": "PS",
  gaza: "PS",
  palestinian: "PS",
  "the bahamas": "BS",
  "the gambia": "GM",
  "cote d ivoire": "CI",
  "cote d'ivoire": "CI",
  laos: "LA",
  venezuela: "VE",
  bolivia: "BO",
  turkey: "TR",
  turkiye: "TR",
  vietnam: "VN",
  "united kingdom": "GB",
  "united states": "US",
};
