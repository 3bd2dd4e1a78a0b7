/**
 * Charities a recipient may donate a payout to instead of receiving it. Names here are
 * the English ones for the API; the claim page shows each charity's name in the
 * recipient's language from `claim.details.charity.options.<id>`.
 */
export const charities = [
  { id: "givedirectly", name: "GiveDirectly" },
  { id: "msf", name: "Doctors Without Borders" },
  { id: "unicef", name: "UNICEF" },
  { id: "wwf", name: "WWF" },
  { id: "icrc", name: "International Committee of the Red Cross" },
  { id: "wikimedia", name: "Wikimedia Foundation" },
] as const;

export type CharityId = (typeof charities)[number]["id"];

export const charityIds = charities.map((c) => c.id) as [CharityId, ...CharityId[]];
