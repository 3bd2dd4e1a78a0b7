import type { GiftCardBrand } from "./types";

/**
 * Brands a recipient can choose per country: a card is only worth something where the
 * shop is. Ids are global so a stored choice names one brand unambiguously.
 */
export const giftCardBrands = {
  US: [
    { id: "amazon_us", name: "Amazon.com" },
    { id: "target", name: "Target" },
    { id: "walmart", name: "Walmart" },
    { id: "starbucks_us", name: "Starbucks" },
    { id: "apple_us", name: "Apple" },
  ],
  CA: [
    { id: "amazon_ca", name: "Amazon.ca" },
    { id: "tim_hortons", name: "Tim Hortons" },
    { id: "canadian_tire", name: "Canadian Tire" },
    { id: "best_buy_ca", name: "Best Buy Canada" },
  ],
  MX: [
    { id: "amazon_mx", name: "Amazon.com.mx" },
    { id: "liverpool", name: "Liverpool" },
    { id: "walmart_mx", name: "Walmart México" },
  ],
  BR: [
    { id: "ifood", name: "iFood" },
    { id: "uber_br", name: "Uber" },
    { id: "netflix_br", name: "Netflix" },
  ],
  GB: [
    { id: "amazon_uk", name: "Amazon.co.uk" },
    { id: "tesco", name: "Tesco" },
    { id: "marks_and_spencer", name: "Marks & Spencer" },
    { id: "john_lewis", name: "John Lewis & Partners" },
  ],
  DE: [
    { id: "amazon_de", name: "Amazon.de" },
    { id: "zalando_de", name: "Zalando" },
    { id: "mediamarkt_de", name: "MediaMarkt" },
    { id: "ikea_de", name: "IKEA" },
  ],
  FR: [
    { id: "amazon_fr", name: "Amazon.fr" },
    { id: "fnac", name: "Fnac" },
    { id: "decathlon_fr", name: "Decathlon" },
    { id: "carrefour_fr", name: "Carrefour" },
  ],
  ES: [
    { id: "amazon_es", name: "Amazon.es" },
    { id: "el_corte_ingles", name: "El Corte Inglés" },
    { id: "decathlon_es", name: "Decathlon" },
  ],
  IT: [
    { id: "amazon_it", name: "Amazon.it" },
    { id: "zalando_it", name: "Zalando" },
    { id: "decathlon_it", name: "Decathlon" },
  ],
  NL: [
    { id: "bol_com", name: "bol.com" },
    { id: "zalando_nl", name: "Zalando" },
    { id: "hema", name: "HEMA" },
  ],
  AU: [
    { id: "amazon_au", name: "Amazon.com.au" },
    { id: "jb_hi_fi", name: "JB Hi-Fi" },
    { id: "woolworths_au", name: "Woolworths" },
    { id: "coles", name: "Coles" },
  ],
  IN: [
    { id: "amazon_in", name: "Amazon.in" },
    { id: "flipkart", name: "Flipkart" },
    { id: "myntra", name: "Myntra" },
    { id: "swiggy", name: "Swiggy" },
  ],
  JP: [
    { id: "amazon_jp", name: "Amazon.co.jp" },
    { id: "apple_jp", name: "Apple" },
  ],
} as const satisfies Record<string, readonly GiftCardBrand[]>;

export type GiftCardCountry = keyof typeof giftCardBrands;

export const giftCardCountries = Object.keys(giftCardBrands) as GiftCardCountry[];

export function giftCardBrandsFor(country: string): readonly GiftCardBrand[] {
  return (giftCardBrands as Record<string, readonly GiftCardBrand[]>)[country] ?? [];
}

export const allGiftCardBrandIds: readonly string[] = Object.values(giftCardBrands).flatMap(
  (brands) => brands.map((b) => b.id),
);

const brandNames = new Map<string, string>(
  Object.values(giftCardBrands).flatMap((brands) => brands.map((b) => [b.id, b.name])),
);

/** A stored brand choice (`amazon_us`) as the shop is called (`Amazon.com`), or null. */
export function giftCardBrandName(brandId: unknown): string | null {
  return typeof brandId === "string" ? (brandNames.get(brandId) ?? null) : null;
}
