import doubleMetaphone from "talisman/phonetics/double-metaphone.js";
import { transliterate } from "transliteration";
import { boundedCache } from "@/lib/bounded-cache";

/**
 * Name normalisation for sanctions screening. Every step is one a compliance officer can
 * name: transliteration to Latin letters, accents and case folded, punctuation dropped,
 * legal forms ("LLC", "Limited Liability Company"), honorifics ("Dr", "Sheikh") and vessel
 * prefixes ("MV") set aside, and former or other names ("f.k.a.", "ex-", "a.k.a.") split
 * into names of their own. What was set aside is kept, because it is evidence (a legal
 * form says "company"), and shown in the explanation.
 */

export type TokenKind =
  /** A name word that identifies: "putin", "acme". */
  | "word"
  /** A word many unrelated names share ("trading", "international"): it counts for less. */
  | "generic"
  /** A connecting particle ("bin", "al", "van", "de"): it counts for little. */
  | "particle"
  /** A patronymic ("Vladimirovich"): often left out, so missing it costs little. */
  | "patronymic"
  /** A number (digits or a Roman numeral): vessels and SPVs differ by it, so it must be equal. */
  | "number";

export type NameToken = {
  text: string;
  kind: TokenKind;
  /** Consonants only, doubles collapsed: how abjad scripts (Arabic, Hebrew) write a word. */
  skeleton: string;
  /** Double Metaphone codes (primary, alternate), for words that sound alike. */
  sounds: readonly [string, string];
  /** Written in an abjad (Arabic, Hebrew), so its vowels were never there to compare. */
  abjad: boolean;
};

export type NameVariant = {
  /** The variant as compared: lower-case Latin words separated by spaces. */
  text: string;
  tokens: NameToken[];
  /** `former` for a name after "f.k.a." or "ex-"; `other` after "a.k.a." or "n.k.a.". */
  role: "primary" | "former" | "other";
};

export type NormalisedName = {
  original: string;
  variants: NameVariant[];
  /** Legal-form words found ("llc", "gmbh"): the name is an organisation's. */
  legalForms: string[];
  /** Honorifics and titles set aside ("dr", "sheikh"). */
  honorifics: string[];
  /** Vessel prefixes set aside ("mv", "mt"). */
  vesselMarkers: string[];
  /** Written in a script without spaces between words (Burmese, Thai): compare it whole too. */
  unspaced: boolean;
};

/** Multi-word legal forms, matched on whole words before single ones. */
const legalFormPhrases = [
  "limited liability company",
  "limited liability partnership",
  "limited partnership",
  "public limited company",
  "private limited company",
  "joint stock company",
  "closed joint stock company",
  "open joint stock company",
  "public joint stock company",
  "sociedad anonima",
  "societe anonyme",
  "sociedade anonima",
  "societa per azioni",
  "gesellschaft mit beschrankter haftung",
  "aktiengesellschaft",
  "sp z o o",
  "s de rl",
  "sa de cv",
  "public company limited",
  "company limited",
  "co ltd",
  "pte ltd",
  "pty ltd",
  "sdn bhd",
];

const legalFormWords = new Set([
  "llc",
  "llp",
  "lp",
  "ltd",
  "limited",
  "inc",
  "incorporated",
  "corp",
  "corporation",
  "co",
  "company",
  "plc",
  "gmbh",
  "ag",
  "kg",
  "ohg",
  "ug",
  "sa",
  "sas",
  "sarl",
  "srl",
  "spa",
  "sl",
  "bv",
  "nv",
  "oy",
  "oyj",
  "ab",
  "as",
  "asa",
  "aps",
  "pte",
  "pty",
  "bhd",
  "jsc",
  "ojsc",
  "cjsc",
  "pjsc",
  "ooo",
  "oao",
  "zao",
  "pao",
  "tov",
  "fze",
  "fzco",
  "fzc",
  "fzllc",
  "wll",
  "kft",
  "zrt",
  "doo",
  "ad",
  "dd",
  "sro",
  "kk",
  "pvt",
  "lda",
  "ltda",
  "cia",
  "sae",
  "saog",
  "psc",
  "pjs",
  "est",
  "establishment",
]);

/** Legal forms written before the name too (ООО «Ромашка», PT Maju): any position counts. */
const prefixLegalForms = new Set([
  "ooo",
  "oao",
  "zao",
  "pao",
  "tov",
  "jsc",
  "ojsc",
  "cjsc",
  "pjsc",
  "pt",
  "cv",
]);

const honorificWords = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mx",
  "dr",
  "prof",
  "professor",
  "sir",
  "dame",
  "lord",
  "lady",
  "madam",
  "madame",
  "mme",
  "herr",
  "frau",
  "senor",
  "senora",
  "sr",
  "sra",
  "sheikh",
  "shaikh",
  "sheik",
  "haji",
  "hajji",
  "hadji",
  "mullah",
  "mulla",
  "maulana",
  "imam",
  "ayatollah",
  "hojatoleslam",
  "sayyid",
  "sayed",
  "general",
  "gen",
  "colonel",
  "col",
  "major",
  "maj",
  "captain",
  "capt",
  "lieutenant",
  "lt",
  "admiral",
  "adm",
  "commander",
  "cmdr",
  "brigadier",
  "marshal",
  "excellency",
  "hon",
  "honourable",
  "honorable",
  "rev",
  "reverend",
  "pastor",
]);

const vesselWords = new Set(["mv", "mt", "ms", "ss", "mts", "mfv", "fv", "my", "sy", "lng", "lpg"]);

const particleWords = new Set([
  "al",
  "el",
  "ul",
  "bin",
  "ben",
  "ibn",
  "bint",
  "binti",
  "abu",
  "abou",
  "umm",
  "ould",
  "van",
  "von",
  "der",
  "den",
  "de",
  "del",
  "della",
  "da",
  "das",
  "dos",
  "di",
  "du",
  "la",
  "le",
  "y",
  "e",
  "and",
  "of",
  "the",
  "for",
]);

/** Words so common in organisation names that sharing one says little. */
const genericWords = new Set([
  "trading",
  "trade",
  "traders",
  "general",
  "group",
  "holding",
  "holdings",
  "international",
  "intl",
  "global",
  "industries",
  "industry",
  "industrial",
  "enterprise",
  "enterprises",
  "services",
  "service",
  "investment",
  "investments",
  "capital",
  "finance",
  "financial",
  "bank",
  "import",
  "export",
  "shipping",
  "logistics",
  "petroleum",
  "oil",
  "gas",
  "energy",
  "construction",
  "engineering",
  "technology",
  "technologies",
  "tech",
  "systems",
  "solutions",
  "partners",
  "management",
  "development",
  "commercial",
  "import-export",
  "national",
  "foundation",
  "organization",
  "organisation",
  "association",
  "united",
  "new",
  "first",
  "world",
  "marine",
  "maritime",
  "airlines",
  "air",
  "line",
  "lines",
  "exchange",
  "office",
  "ventures",
  "resources",
  "products",
  "supply",
  "consulting",
]);

const romanNumeral = /^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/;
const patronymic = /(ovich|evich|ovna|evna|ich|ogly|oglu|kyzy|qizi)$/;

/**
 * Markers that start another name of the same party. Checked on the lower-cased Latin
 * text with dots and spaces still in place, so "f.k.a." and "fka" are both seen.
 */
const otherNameMarkers: { pattern: RegExp; role: NameVariant["role"] }[] = [
  {
    pattern:
      /\b(?:f\.?\s?k\.?\s?a\.?|formerly known as|formerly|previously known as|former name)(?=\s|$|:)/,
    role: "former",
  },
  {
    pattern:
      /\b(?:a\.?\s?k\.?\s?a\.?|also known as|n\.?\s?k\.?\s?a\.?|now known as|alias|d\.?\s?b\.?\s?a\.?|doing business as|t\/a|trading as)(?=\s|$|:)/,
    role: "other",
  },
];

/** Arabic, Hebrew, Syriac, Thaana: consonant scripts whose vowels are usually unwritten. */
const abjadScript = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const hanScript = /\p{Script=Han}/u;
const hangulScript = /\p{Script=Hangul}/u;
const unspacedScript =
  /[\p{Script=Myanmar}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Tibetan}]/u;

/**
 * Korean family names as they are written in Latin letters, where that differs from the
 * Revised Romanization a transliteration gives (김 is "gim", but Kim on every passport).
 */
const koreanFamilyNames: Record<string, string> = {
  gim: "kim",
  i: "lee",
  ri: "ri",
  bag: "park",
  choe: "choi",
  coe: "choi",
  jeong: "jung",
  gang: "kang",
  jo: "cho",
  yun: "yoon",
  im: "lim",
  sin: "shin",
  no: "roh",
  ryu: "ryu",
  yu: "yoo",
  go: "ko",
};

function toLatin(word: string): string {
  if (hanScript.test(word) || hangulScript.test(word)) {
    // Chinese and Korean names are family name first, then a given name that Latin
    // spellings write as one word ("Xi Jinping", "Kim Jongun"): keep that shape.
    const syllables = [...word].map((ch) => transliterate(ch).trim().toLowerCase()).filter(Boolean);
    if (syllables.length < 2) return syllables.join("");
    const [family = "", ...given] = syllables;
    const surname = hangulScript.test(word) ? (koreanFamilyNames[family] ?? family) : family;
    return `${surname} ${given.join("")}`;
  }
  return transliterate(word);
}

/** Lower-case ASCII with accents folded, whatever script the text was written in. */
export function foldToAscii(text: string): string {
  // Most names are plain ASCII already: nothing to transliterate or fold.
  if (/^[\x20-\x7e]*$/.test(text)) return text.toLowerCase();
  const latin = text
    .normalize("NFKC")
    .split(/(\s+)/)
    .map((part) => (/\s/.test(part) ? part : toLatin(part)))
    .join("");
  return latin
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

function skeletonOf(word: string): string {
  return word.replace(/[aeiouyhw']/g, "").replace(/(.)\1+/g, "$1");
}

function kindOf(word: string): TokenKind {
  if (/^\d+$/.test(word) || romanNumeral.test(word)) return "number";
  if (particleWords.has(word)) return "particle";
  if (genericWords.has(word)) return "generic";
  if (word.length > 5 && patronymic.test(word)) return "patronymic";
  return "word";
}

/**
 * Words recur across names (first names, "trading"), and their sound codes are the
 * costly part of normalising: a list of 20,000 names holds a few thousand distinct words.
 */
const tokens = boundedCache<NameToken>({ maxEntries: 50_000 });
const NEVER = Number.POSITIVE_INFINITY;

function makeToken(text: string, abjad: boolean): NameToken {
  const key = abjad ? `a:${text}` : text;
  const cached = tokens.get(key);
  if (cached) return cached;
  const token = buildToken(text, abjad);
  tokens.set(key, token, NEVER);
  return token;
}

function buildToken(text: string, abjad: boolean): NameToken {
  const kind = kindOf(text);
  const codes = kind === "number" ? ([text, text] as const) : doubleMetaphone(text);
  return { text, kind, skeleton: skeletonOf(text), sounds: [codes[0], codes[1]], abjad };
}

/** Splits text on the markers of other names, keeping each piece's role. */
function splitOtherNames(text: string): { text: string; role: NameVariant["role"] }[] {
  // Parentheses and semicolons separate names too: "ACME LTD (ex-BETA LLC); GAMMA".
  const pieces: { text: string; role: NameVariant["role"] }[] = [];
  const segments = text.split(/[();[\]]/);
  for (const [i, segment] of segments.entries()) {
    let rest = segment;
    let role: NameVariant["role"] = i === 0 ? "primary" : "other";
    const exPrefix = /^\s*(?:ex[-\s.]|ex-|former\s)/;
    if (i > 0 && exPrefix.test(rest)) {
      rest = rest.replace(exPrefix, "");
      role = "former";
    }
    for (;;) {
      let earliest: { index: number; length: number; role: NameVariant["role"] } | null = null;
      for (const marker of otherNameMarkers) {
        const m = marker.pattern.exec(rest);
        if (m && (earliest === null || m.index < earliest.index)) {
          earliest = { index: m.index, length: m[0].length, role: marker.role };
        }
      }
      if (!earliest) break;
      pieces.push({ text: rest.slice(0, earliest.index), role });
      rest = rest.slice(earliest.index + earliest.length).replace(/^\s*:/, "");
      role = earliest.role;
    }
    pieces.push({ text: rest, role });
  }
  return pieces.filter((p) => /[a-z0-9]/.test(p.text));
}

/** Letters and digits only; dotted abbreviations ("s.a.", "l.l.c.") closed up first. */
function wordsOf(text: string): string[] {
  return text
    .replace(/\b([a-z])\.(?=[a-z]\b\.?)/g, "$1")
    .replace(/\b([a-z]{1,2})\.(?=\s|$)/g, "$1")
    .replace(/['’`´]/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** First words of the multi-word legal forms: a name without any has none of them. */
const legalPhraseStarts = new Set(legalFormPhrases.map((p) => p.split(" ")[0] as string));

function removeLegalPhrases(words: string[], found: string[]): string[] {
  if (!words.some((w) => legalPhraseStarts.has(w))) return words;
  let joined = ` ${words.join(" ")} `;
  for (const phrase of legalFormPhrases) {
    const needle = ` ${phrase} `;
    while (joined.includes(needle)) {
      found.push(phrase);
      joined = joined.replace(needle, " ");
    }
  }
  return joined.trim().split(" ").filter(Boolean);
}

/**
 * The variants of a name to compare, and what was set aside. A name of only set-aside
 * words ("Trading Company LLC") keeps them, so it is still compared as written.
 */
export function normaliseName(original: string): NormalisedName {
  const abjad = abjadScript.test(original);
  const folded = foldToAscii(original);
  const legalForms: string[] = [];
  const honorifics: string[] = [];
  const vesselMarkers: string[] = [];
  const variants: NameVariant[] = [];
  for (const piece of splitOtherNames(folded)) {
    const all = wordsOf(piece.text);
    const withoutPhrases = removeLegalPhrases(all, legalForms);
    const kept: string[] = [];
    for (const [i, word] of withoutPhrases.entries()) {
      // A one-word name is a name, whatever the word ("Ltd" alone stays).
      if (withoutPhrases.length === 1) {
        kept.push(word);
      } else if ((legalFormWords.has(word) && i > 0) || prefixLegalForms.has(word)) {
        legalForms.push(word);
      } else if (honorificWords.has(word) && i < withoutPhrases.length - 1 && kept.length === 0) {
        honorifics.push(word);
      } else if (vesselWords.has(word) && i === 0) {
        vesselMarkers.push(word);
      } else {
        kept.push(word);
      }
    }
    const words = kept.length > 0 ? kept : all;
    if (words.length === 0) continue;
    const text = words.join(" ");
    if (variants.some((v) => v.text === text)) continue;
    variants.push({ text, role: piece.role, tokens: words.map((w) => makeToken(w, abjad)) });
  }
  return {
    original,
    variants,
    legalForms: [...new Set(legalForms)],
    honorifics: [...new Set(honorifics)],
    vesselMarkers: [...new Set(vesselMarkers)],
    unspaced: unspacedScript.test(original),
  };
}
