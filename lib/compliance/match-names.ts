import { distance } from "fastest-levenshtein";
import jaroWinkler from "talisman/metrics/jaro-winkler.js";
import type { NameToken, NameVariant, NormalisedName, TokenKind } from "./normalise";

/**
 * Token-wise name comparison. Two names match as far as their words pair up: each word
 * of one is paired with at most one word of the other (so order does not matter), by the
 * best of spelling (Jaro–Winkler), sound (Double Metaphone), consonants (for names
 * written in Arabic or Hebrew, whose vowels are unwritten), an initial, or two words
 * written as one ("Al Qaida" / "Alqaida"). The score weighs how much of each name is
 * covered, the listed name more, and every pairing is returned so it can be shown.
 */

/** Two words below this similarity are not a pair. */
export const TOKEN_MATCH = 0.84;

export type PairedBy = "exact" | "spelling" | "sound" | "consonants" | "initial" | "joined";

export type TokenPair = {
  /** The recipient's word(s); two words when they were written as one on the other side. */
  query: string;
  entry: string;
  similarity: number;
  by: PairedBy;
};

export type NameComparison = {
  /** 0..1: how much of both names the pairs cover, the listed name counting 60 %. */
  score: number;
  queryVariant: NameVariant;
  entryVariant: NameVariant;
  pairs: TokenPair[];
  unpairedQuery: string[];
  unpairedEntry: string[];
  /** Both names carry numbers and none is shared ("Ocean Star 1" / "Ocean Star 2"). */
  numbersDiffer: boolean;
  /** Only common words or particles paired ("Trading", "bin"). */
  onlyCommonWords: boolean;
};

const weights: Record<TokenKind, number> = {
  word: 1,
  number: 1,
  patronymic: 0.5,
  generic: 0.35,
  particle: 0.2,
};

/** Two words written as one ("Su Bin" / "Subin") pair above this. */
const JOINED_MATCH = 0.87;

/** What a numbers mismatch caps a score at: clearly below any sensible review threshold. */
const NUMBERS_DIFFER_CAP = 0.5;
/** The recipient's name's share of the score; the listed name has the rest. */
export const QUERY_SHARE = 0.4;

type Sim = { similarity: number; by: PairedBy };

function soundsAlike(a: NameToken, b: NameToken): boolean {
  const [a1, a2] = a.sounds;
  const [b1, b2] = b.sounds;
  if (Math.min(a1.length, b1.length) < 2) return false;
  return a1 === b1 || a1 === b2 || a2 === b1;
}

/**
 * Letters an abjad's transliteration and a Latin spelling write differently for one
 * sound: ق is "q" where names say "k", כ is "kh" where they say "c", ב is "v" or "b".
 */
function consonantClasses(skeleton: string): string {
  return skeleton.replace(/[qc]/g, "k").replace(/v/g, "b").replace(/p/g, "f");
}

/**
 * Similarity of the consonants of a word written in an abjad with another word. Hebrew's
 * ו is a consonant in David and a vowel in Azoulay, so both readings are tried; a
 * one-consonant skeleton ("Ali" is written ʿ-l-y) only counts when equal.
 */
function consonantSimilarity(a: NameToken, b: NameToken): number {
  const readings = (t: NameToken) => {
    const base = consonantClasses(t.skeleton);
    return t.abjad ? [base, base.replace(/b/g, "").replace(/(.)\1+/g, "$1")] : [base];
  };
  let best = 0;
  for (const x of readings(a)) {
    for (const y of readings(b)) {
      if (x.length === 0 || y.length === 0) continue;
      const sim = x.length >= 2 && y.length >= 2 ? 0.97 * jaroWinkler(x, y) : x === y ? 0.9 : 0;
      best = Math.max(best, sim);
    }
  }
  return best;
}

/**
 * Word pairs recur (a list's common first names against a payroll's), and comparing
 * them is most of screening's work, so each pair's answer is kept for a while.
 */
const pairCache = new Map<string, Sim>();
const PAIR_CACHE_SIZE = 200_000;

/** How alike two words are, and by what. */
export function compareTokens(a: NameToken, b: NameToken): Sim {
  const key = `${a.abjad ? "a" : ""}${a.text}\u0000${b.abjad ? "a" : ""}${b.text}`;
  const cached = pairCache.get(key);
  if (cached) return cached;
  const sim = compareTokensUncached(a, b);
  if (pairCache.size >= PAIR_CACHE_SIZE) pairCache.clear();
  pairCache.set(key, sim);
  return sim;
}

function compareTokensUncached(a: NameToken, b: NameToken): Sim {
  if (a.text === b.text) return { similarity: 1, by: "exact" };
  if (a.kind === "number" || b.kind === "number") return { similarity: 0, by: "spelling" };
  if (a.text.length === 1 || b.text.length === 1) {
    return a.text[0] === b.text[0]
      ? { similarity: 0.7, by: "initial" }
      : { similarity: 0, by: "initial" };
  }
  const spelling = jaroWinkler(a.text, b.text);
  // Jaro–Winkler rewards a shared start, so "Abdullah" and "Abdulaziz" look alike; words
  // that differ in more than 40 % of their letters are not spellings of one name.
  const edits = distance(a.text, b.text) / Math.max(a.text.length, b.text.length);
  let best: Sim = {
    similarity: edits > 0.4 ? Math.min(spelling, TOKEN_MATCH - 0.01) : spelling,
    by: "spelling",
  };
  if (a.abjad || b.abjad) {
    const consonants = consonantSimilarity(a, b);
    if (consonants > best.similarity) best = { similarity: consonants, by: "consonants" };
  }
  // Sound alone would pair Hassan with Hussein; it only settles spellings already close.
  // Double Metaphone stops at four sounds, so "Abdullah" and "Abdulaziz" share a code:
  // a full-length code only counts for words that differ in few letters.
  const codeComplete = Math.max(a.sounds[0].length, b.sounds[0].length) < 4;
  if (
    spelling >= 0.8 &&
    (codeComplete || edits <= 0.4) &&
    best.similarity < 0.9 &&
    soundsAlike(a, b)
  ) {
    best = { similarity: 0.9, by: "sound" };
  }
  return best;
}

type Candidate = { q: number[]; e: number[]; similarity: number; by: PairedBy; weight: number };

function weightOf(tokens: NameToken[], idx: number[]): number {
  return idx.reduce((sum, i) => sum + weights[(tokens[i] as NameToken).kind], 0);
}

function joinedCandidates(
  singles: NameToken[],
  pairsFrom: NameToken[],
  singleSide: "q" | "e",
): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i + 1 < pairsFrom.length; i++) {
    const joined = `${(pairsFrom[i] as NameToken).text}${(pairsFrom[i + 1] as NameToken).text}`;
    for (const [j, single] of singles.entries()) {
      if (single.text.length < 4 || Math.abs(single.text.length - joined.length) > 3) continue;
      const similarity = jaroWinkler(joined, single.text);
      if (similarity < JOINED_MATCH) continue;
      const pairIdx = [i, i + 1];
      out.push(
        singleSide === "e"
          ? { q: pairIdx, e: [j], similarity, by: "joined", weight: 0 }
          : { q: [j], e: pairIdx, similarity, by: "joined", weight: 0 },
      );
    }
  }
  return out;
}

/** Pairs the words of two name variants and scores the pairing. */
export function compareVariants(query: NameVariant, entry: NameVariant): NameComparison {
  const q = query.tokens;
  const e = entry.tokens;
  const candidates: Candidate[] = [];
  for (const [i, a] of q.entries()) {
    for (const [j, b] of e.entries()) {
      const sim = compareTokens(a, b);
      if (sim.similarity >= TOKEN_MATCH || (sim.by === "initial" && sim.similarity > 0)) {
        candidates.push({ q: [i], e: [j], ...sim, weight: 0 });
      }
    }
  }
  // Two words written as one only explain names of different lengths.
  if (q.length !== e.length) {
    candidates.push(...joinedCandidates(e, q, "e"), ...joinedCandidates(q, e, "q"));
  }
  for (const c of candidates) c.weight = c.similarity * (weightOf(q, c.q) + weightOf(e, c.e));
  candidates.sort((x, y) => y.similarity - x.similarity || y.weight - x.weight);

  const usedQ = new Set<number>();
  const usedE = new Set<number>();
  const chosen: Candidate[] = [];
  for (const c of candidates) {
    if (c.q.some((i) => usedQ.has(i)) || c.e.some((j) => usedE.has(j))) continue;
    chosen.push(c);
    for (const i of c.q) usedQ.add(i);
    for (const j of c.e) usedE.add(j);
  }

  const totalQ = weightOf(
    q,
    q.map((_, i) => i),
  );
  const totalE = weightOf(
    e,
    e.map((_, j) => j),
  );
  const coveredQ = chosen.reduce((s, c) => s + c.similarity * weightOf(q, c.q), 0);
  const coveredE = chosen.reduce((s, c) => s + c.similarity * weightOf(e, c.e), 0);
  let score =
    QUERY_SHARE * (totalQ > 0 ? coveredQ / totalQ : 0) +
    (1 - QUERY_SHARE) * (totalE > 0 ? coveredE / totalE : 0);

  const identifying = (tokens: NameToken[], idx: number[]) =>
    idx.some((i) => {
      const kind = (tokens[i] as NameToken).kind;
      return kind === "word" || kind === "number" || kind === "patronymic";
    });
  const onlyCommonWords = chosen.length > 0 && !chosen.some((c) => identifying(q, c.q));
  if (onlyCommonWords) score *= 0.5;

  const numbersQ = q.filter((t) => t.kind === "number").map((t) => t.text);
  const numbersE = e.filter((t) => t.kind === "number").map((t) => t.text);
  const numbersDiffer =
    numbersQ.length > 0 && numbersE.length > 0 && !numbersQ.some((n) => numbersE.includes(n));
  if (numbersDiffer) score = Math.min(score, NUMBERS_DIFFER_CAP);

  const textOf = (tokens: NameToken[], idx: number[]) =>
    idx.map((i) => (tokens[i] as NameToken).text).join(" ");
  return {
    score: round(score),
    queryVariant: query,
    entryVariant: entry,
    pairs: chosen.map((c) => ({
      query: textOf(q, c.q),
      entry: textOf(e, c.e),
      similarity: round(c.similarity),
      by: c.by,
    })),
    unpairedQuery: q.filter((_, i) => !usedQ.has(i)).map((t) => t.text),
    unpairedEntry: e.filter((_, j) => !usedE.has(j)).map((t) => t.text),
    numbersDiffer,
    onlyCommonWords,
  };
}

/**
 * Scripts written without spaces between words (Burmese, Thai) transliterate into
 * syllables that do not line up with the Latin words, so such names are also compared
 * whole, by their consonants.
 */
function compareWhole(query: NameVariant, entry: NameVariant): NameComparison | null {
  const joinedQ = query.tokens.map((t) => t.text).join("");
  const joinedE = entry.tokens.map((t) => t.text).join("");
  const skeletonQ = query.tokens
    .map((t) => t.skeleton)
    .join("")
    .replace(/(.)\1+/g, "$1");
  const skeletonE = entry.tokens
    .map((t) => t.skeleton)
    .join("")
    .replace(/(.)\1+/g, "$1");
  if (skeletonQ.length < 3 || skeletonE.length < 3) return null;
  const similarity = 0.95 * jaroWinkler(skeletonQ, skeletonE);
  if (similarity < TOKEN_MATCH) return null;
  return {
    score: round(similarity),
    queryVariant: query,
    entryVariant: entry,
    pairs: [{ query: joinedQ, entry: joinedE, similarity: round(similarity), by: "consonants" }],
    unpairedQuery: [],
    unpairedEntry: [],
    numbersDiffer: false,
    onlyCommonWords: false,
  };
}

/** The best-scoring pairing over every variant of both names (other names included). */
export function compareNames(query: NormalisedName, entry: NormalisedName): NameComparison | null {
  const whole = query.unspaced || entry.unspaced;
  let best: NameComparison | null = null;
  for (const qv of query.variants) {
    for (const ev of entry.variants) {
      for (const c of [compareVariants(qv, ev), whole ? compareWhole(qv, ev) : null]) {
        if (c && (!best || c.score > best.score)) best = c;
      }
    }
  }
  return best;
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
