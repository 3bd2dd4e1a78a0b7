// talisman ships no type declarations; these are the two functions screening uses.
declare module "talisman/metrics/jaro-winkler.js" {
  /** Jaro–Winkler similarity in 0..1 (1 for identical strings). */
  export default function jaroWinkler(a: string, b: string): number;
}

declare module "talisman/phonetics/double-metaphone.js" {
  /** The primary and alternate Double Metaphone codes of a word. */
  export default function doubleMetaphone(word: string): [string, string];
}
