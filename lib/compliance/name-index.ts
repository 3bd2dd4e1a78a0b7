import type { SanctionsAlias, sanctionsEntries } from "@/db/schema";
import {
  compareNames,
  compareTokens,
  type NameComparison,
  QUERY_SHARE,
  round,
  TOKEN_MATCH,
} from "./match-names";
import { type NameToken, type NormalisedName, normaliseName } from "./normalise";

/**
 * An in-memory index of the listed names, built once per set of list versions. Screening
 * a name only compares it with the listed names that share a blocking key with one of
 * its words (the word itself, its consonants, its Double Metaphone codes, two words
 * written as one), so 10,000 recipients against 20,000 entries is a few hundred thousand
 * comparisons rather than two hundred million.
 */

export type ListedEntry = Pick<
  typeof sanctionsEntries.$inferSelect,
  "id" | "versionId" | "uid" | "name" | "type" | "programs" | "countries" | "aliases"
>;

export type ListInfo = { versionId: string; listName: string; fixture: boolean };

type IndexedName = {
  entry: number;
  name: string;
  /** `primary` for the entry's name, else the alias's type. */
  as: "primary" | SanctionsAlias["type"];
  normalised: NormalisedName;
  /** The fewest identifying words of its variants: the denominator of its best coverage. */
  words: number;
};

export type NameIndex = {
  lists: ListInfo[];
  entries: ListedEntry[];
  names: IndexedName[];
  /** The distinct words of all listed names, and the names each appears in. */
  words: NameToken[];
  namesByWord: number[][];
  /** Blocking key → words (`t:`, `c:`, `c2:`, `m:` keys). */
  wordPostings: Map<string, number[]>;
  /** Blocking key → names, for keys of whole names (`j:` two words as one, `w:`). */
  namePostings: Map<string, number[]>;
};

/** A listed name a recipient's name resembles, with everything needed to explain it. */
export type NameMatch = {
  /** 0..1 after the evidence below. */
  score: number;
  /** 0..1 from the names alone. */
  nameScore: number;
  list: ListInfo;
  entry: {
    uid: string;
    name: string;
    type: string | null;
    programs: string[];
    countries: string[];
  };
  /** The entry's name or alias that matched, and which it was. */
  matchedName: string;
  matchedAs: IndexedName["as"];
  /** The recipient's name as compared, and the listed one. */
  comparedQuery: string;
  comparedEntry: string;
  pairs: NameComparison["pairs"];
  unpairedQuery: string[];
  unpairedEntry: string[];
  /** Country and entity type, each with what it did to the score. */
  evidence: { reason: string; delta: number }[];
  notes: string[];
};

function consonantKey(token: NameToken): string {
  return token.skeleton.replace(/[qc]/g, "k").replace(/v/g, "b").replace(/p/g, "f");
}

/**
 * The blocking keys of one word. `loose` adds its first two consonants: what an Arabic
 * or Hebrew spelling ("bnymyn") shares with its Latin one ("benjamin"). The index holds
 * loose keys for every name; a query uses them only when written in such a script,
 * since they are broad.
 */
function wordKeys(t: NameToken, loose: boolean): string[] {
  const keys = [`t:${t.text}`];
  if (t.kind === "number") return keys;
  // A typo is one letter dropped, added or changed: the word with any one letter
  // deleted meets its misspelling's (SymSpell's idea). The first four letters meet
  // spellings that differ late, which Jaro–Winkler scores high.
  if (t.text.length >= 4) {
    keys.push(`d:${t.text}`);
    for (let i = 0; i < t.text.length; i++)
      keys.push(`d:${t.text.slice(0, i)}${t.text.slice(i + 1)}`);
  }
  if (t.text.length >= 5) keys.push(`p:${t.text.slice(0, 4)}`);
  const consonants = consonantKey(t);
  if (consonants.length >= 2) keys.push(`c:${consonants}`);
  if (loose && consonants.length >= 2) keys.push(`c2:${consonants.slice(0, 2)}`);
  if (t.sounds[0].length >= 2) keys.push(`m:${t.sounds[0]}`);
  if (t.sounds[1] !== t.sounds[0] && t.sounds[1].length >= 2) keys.push(`m:${t.sounds[1]}`);
  return keys;
}

/** The words a name is blocked on: its identifying ones, or all when it has none. */
function blockingWords(tokens: NameToken[]): NameToken[] {
  const identifying = tokens.filter((t) => identifyingKinds.has(t.kind));
  return identifying.length > 0 ? identifying : tokens;
}

/** Whole-name key of a script written without spaces (Burmese): its first consonants. */
function wholeKey(tokens: NameToken[]): string {
  return `w:${tokens.map(consonantKey).join("").slice(0, 3)}`;
}

/** The keys a listed name is found by as a whole: two of its words as one, its start. */
function nameKeys(name: NormalisedName): Set<string> {
  const keys = new Set<string>();
  for (const variant of name.variants) {
    const tokens = variant.tokens;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const a = tokens[i] as NameToken;
      const b = tokens[i + 1] as NameToken;
      keys.add(`j:${a.text}${b.text}`);
    }
    keys.add(wholeKey(tokens));
  }
  return keys;
}

function post(map: Map<string, number[]>, key: string, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const identifyingKinds = new Set(["word", "number", "patronymic"]);

function identifyingWords(name: NormalisedName): number {
  return Math.min(
    ...name.variants.map((v) => v.tokens.filter((t) => identifyingKinds.has(t.kind)).length),
  );
}

/**
 * Per-name counters reused across queries (and zeroed after each): allocating a map
 * entry for each of the thousands of names a query's words touch is most of the cost.
 */
const scratch = new WeakMap<NameIndex, { q: Float64Array; e: Float64Array; touched: number[] }>();

function scratchFor(index: NameIndex) {
  let s = scratch.get(index);
  if (!s) {
    s = {
      q: new Float64Array(index.names.length),
      e: new Float64Array(index.names.length),
      touched: [],
    };
    scratch.set(index, s);
  }
  return s;
}

/**
 * The listed words a query word could pair with, and how closely. Payees' words recur
 * (first names above all), so each word's answer is kept per index.
 */
const similarCache = new WeakMap<NameIndex, Map<string, { word: number; similarity: number }[]>>();
const SIMILAR_CACHE_SIZE = 100_000;

function similarWords(index: NameIndex, t: NameToken, loose: boolean) {
  let cache = similarCache.get(index);
  if (!cache) {
    cache = new Map();
    similarCache.set(index, cache);
  }
  const key = `${loose ? "l" : ""}${t.abjad ? "a" : ""}:${t.text}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const hit = new Set<number>();
  for (const k of wordKeys(t, loose)) for (const w of index.wordPostings.get(k) ?? []) hit.add(w);
  const similar: { word: number; similarity: number }[] = [];
  for (const w of hit) {
    const { similarity, by } = compareTokens(t, index.words[w] as NameToken);
    if (similarity >= TOKEN_MATCH || by === "initial") similar.push({ word: w, similarity });
  }
  if (cache.size >= SIMILAR_CACHE_SIZE) cache.clear();
  cache.set(key, similar);
  return similar;
}

export function buildNameIndex(lists: ListInfo[], entries: ListedEntry[]): NameIndex {
  const names: IndexedName[] = [];
  const words: NameToken[] = [];
  const wordIds = new Map<string, number>();
  const namesByWord: number[][] = [];
  const wordPostings = new Map<string, number[]>();
  const namePostings = new Map<string, number[]>();
  for (const [e, entry] of entries.entries()) {
    const all: { name: string; as: IndexedName["as"] }[] = [
      { name: entry.name, as: "primary" },
      ...entry.aliases.map((a) => ({ name: a.name, as: a.type })),
    ];
    for (const { name, as } of all) {
      const normalised = normaliseName(name);
      if (normalised.variants.length === 0) continue;
      const n =
        names.push({ entry: e, name, as, normalised, words: identifyingWords(normalised) }) - 1;
      const seen = new Set<number>();
      for (const variant of normalised.variants) {
        for (const token of blockingWords(variant.tokens)) {
          const wordKey = `${token.abjad ? "a:" : ""}${token.text}`;
          let id = wordIds.get(wordKey);
          if (id === undefined) {
            id = words.push(token) - 1;
            wordIds.set(wordKey, id);
            namesByWord.push([]);
            for (const key of wordKeys(token, true)) post(wordPostings, key, id);
          }
          if (!seen.has(id)) {
            seen.add(id);
            (namesByWord[id] as number[]).push(n);
          }
        }
      }
      for (const key of nameKeys(normalised)) post(namePostings, key, n);
    }
  }
  return { lists, entries, names, words, namesByWord, wordPostings, namePostings };
}

export type ScreenedName = {
  name: string;
  /** ISO 3166-1 alpha-2, when known: evidence for or against a listed entry's countries. */
  country?: string | null;
};

/** The most evidence can add to a name score. */
const EVIDENCE_MAX = 0.05;

/** Country and entity type move a name score a little: they are evidence, not proof. */
function withEvidence(
  comparison: NameComparison,
  query: NormalisedName,
  country: string | null | undefined,
  entry: ListedEntry,
): { score: number; evidence: NameMatch["evidence"] } {
  const evidence: NameMatch["evidence"] = [];
  if (country && entry.countries.length > 0) {
    if (entry.countries.includes(country)) {
      evidence.push({
        reason: `recipient's country ${country} is one of the entry's`,
        delta: 0.03,
      });
    } else {
      evidence.push({
        reason: `recipient's country ${country} is not the entry's (${entry.countries.join(", ")})`,
        delta: -0.05,
      });
    }
  }
  if (query.legalForms.length > 0) {
    if (entry.type === "individual") {
      evidence.push({
        reason: `"${query.legalForms.join(", ")}" names a company; the entry is an individual`,
        delta: -0.1,
      });
    } else if (entry.type === "entity") {
      evidence.push({ reason: "a company, like the entry", delta: 0.02 });
    }
  }
  const score = evidence.reduce((s, e) => s + e.delta, comparison.score);
  return { score: round(Math.min(1, Math.max(0, score))), evidence };
}

/**
 * The listed entries a name resembles with a score of at least `threshold`, best first,
 * one match per entry (its best-matching name or alias).
 */
export function screenName(
  index: NameIndex,
  input: ScreenedName,
  threshold: number,
  limit = 5,
): NameMatch[] {
  const query = normaliseName(input.name);
  if (query.variants.length === 0) return [];
  // Which listed names share keys with the query, and how much of each name those hits
  // could cover at best: a name too little of which could pair up cannot reach the
  // threshold, so it is never compared.
  const loose = query.unspaced || query.variants.some((v) => v.tokens.some((t) => t.abjad));
  const { q: reachQ, e: reachE, touched } = scratchFor(index);
  const credit = (names: Iterable<number>, q: number, e: number) => {
    for (const n of names) {
      if (reachQ[n] === 0 && reachE[n] === 0) touched.push(n);
      reachQ[n] = (reachQ[n] as number) + q;
      reachE[n] = (reachE[n] as number) + e;
    }
  };
  const namesAt = (key: string) => index.namePostings.get(key) ?? [];
  for (const variant of query.variants) {
    const tokens = variant.tokens;
    for (const t of blockingWords(tokens)) {
      // A common word or particle finds names but covers nothing that counts.
      const weight = identifyingKinds.has(t.kind) ? 1 : 0.001;
      // Only listed words close enough to pair credit their names, by how close.
      for (const { word, similarity } of similarWords(index, t, loose)) {
        const covers = identifyingKinds.has((index.words[word] as NameToken).kind) ? 1 : 0;
        credit(index.namesByWord[word] as number[], weight * similarity, covers);
      }
      // Written as one here and as two words on the list: it may cover two listed words.
      credit(namesAt(`j:${t.text}`), weight, 2);
    }
    for (let i = 0; i + 1 < tokens.length; i++) {
      const a = tokens[i] as NameToken;
      const b = tokens[i + 1] as NameToken;
      const joined = `t:${a.text}${b.text}`;
      for (const w of index.wordPostings.get(joined) ?? []) {
        credit(index.namesByWord[w] as number[], 2, 1);
      }
    }
    if (loose) credit(namesAt(wholeKey(tokens)), 1, 1);
  }
  const queryWords = Math.max(1, identifyingWords(query));
  const candidates: number[] = [];
  for (const n of touched) {
    const named = index.names[n] as IndexedName;
    const bound =
      QUERY_SHARE * Math.min(1, (reachQ[n] as number) / queryWords) +
      (1 - QUERY_SHARE) * Math.min(1, (reachE[n] as number) / Math.max(1, named.words)) +
      EVIDENCE_MAX;
    if (bound >= threshold || loose) candidates.push(n);
    reachQ[n] = 0;
    reachE[n] = 0;
  }
  touched.length = 0;
  const bestByEntry = new Map<number, NameMatch>();

  for (const n of candidates) {
    const named = index.names[n] as IndexedName;
    const comparison = compareNames(query, named.normalised);
    if (!comparison || comparison.score + EVIDENCE_MAX < threshold) continue;
    const entry = index.entries[named.entry] as ListedEntry;
    const { score, evidence } = withEvidence(comparison, query, input.country, entry);
    if (score < threshold) continue;
    const current = bestByEntry.get(named.entry);
    if (current && current.score >= score) continue;
    const list = index.lists.find((l) => l.versionId === entry.versionId) as ListInfo;
    const notes: string[] = [];
    if (query.honorifics.length > 0) notes.push(`set aside: ${query.honorifics.join(", ")}`);
    if (query.legalForms.length > 0) notes.push(`legal form: ${query.legalForms.join(", ")}`);
    if (comparison.queryVariant.role !== "primary") {
      notes.push(`matched the recipient's ${comparison.queryVariant.role} name`);
    }
    bestByEntry.set(named.entry, {
      score,
      nameScore: comparison.score,
      list,
      entry: {
        uid: entry.uid,
        name: entry.name,
        type: entry.type,
        programs: entry.programs,
        countries: entry.countries,
      },
      matchedName: named.name,
      matchedAs: named.as,
      comparedQuery: comparison.queryVariant.text,
      comparedEntry: comparison.entryVariant.text,
      pairs: comparison.pairs,
      unpairedQuery: comparison.unpairedQuery,
      unpairedEntry: comparison.unpairedEntry,
      evidence,
      notes,
    });
  }
  return [...bestByEntry.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}
