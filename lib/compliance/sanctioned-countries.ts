/**
 * Places under comprehensive sanctions: no payout may reach them, whatever name
 * screening says. This is the list OFAC's country-wide programmes cover (and the EU and
 * UK largely mirror). Syria stays listed although the US ended its country-wide programme
 * in 2025: designations and export controls remain, and blocking is the safe default until
 * compliance review says otherwise.
 */
export const sanctionedCountries: Readonly<Record<string, string>> = {
  CU: "Cuba",
  IR: "Iran",
  KP: "North Korea",
  SY: "Syria",
};

/**
 * Regions can't be named by an ISO 3166-1 country code: a recipient in Kyiv and one in
 * Simferopol both have country `UA`. They are named by ISO 3166-2 subdivision codes, which
 * callers pass as `region` when they know the recipient's address. The so-called DNR and
 * LNR have no codes of their own and no settled borders, so the whole Donetsk and Luhansk
 * oblasts are blocked. Sevastopol is a separate subdivision of the Crimea region.
 */
export const sanctionedRegions: Readonly<Record<string, string>> = {
  "UA-43": "the Crimea region of Ukraine",
  "UA-40": "Sevastopol",
  "UA-14": "the Donetsk region of Ukraine",
  "UA-09": "the Luhansk region of Ukraine",
};

export type SanctionedPlace = { kind: "country" | "region"; code: string; name: string };

export type Destination = { country: string; region?: string | null };

/** The sanctioned place a destination lies in, or null. Codes are compared case-insensitively. */
export function sanctionedPlace({ country, region }: Destination): SanctionedPlace | null {
  const countryCode = country.trim().toUpperCase();
  const countryName = sanctionedCountries[countryCode];
  if (countryName) return { kind: "country", code: countryCode, name: countryName };
  if (!region) return null;
  const regionCode = region.trim().toUpperCase();
  const regionName = sanctionedRegions[regionCode];
  return regionName ? { kind: "region", code: regionCode, name: regionName } : null;
}

export function isSanctionedDestination(destination: Destination): boolean {
  return sanctionedPlace(destination) !== null;
}
