import { compareNames } from "../match-names";
import { normaliseName } from "../normalise";

export type LabeledPair = { category: string; a: string; b: string; match: boolean };

/** The name score of `a` (the recipient) against `b` (a listed name, other names included). */
export function scorePair(a: string, b: string): number {
  return compareNames(normaliseName(a), normaliseName(b))?.score ?? 0;
}

export type Counts = { tp: number; fp: number; tn: number; fn: number };

export type Metrics = Counts & {
  pairs: number;
  /** null when nothing was flagged (no precision to speak of). */
  precision: number | null;
  /** null when the group holds no true matches. */
  recall: number | null;
  f1: number | null;
};

export function metricsOf(counts: Counts): Metrics {
  const { tp, fp, fn } = counts;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const f1 =
    precision !== null && recall !== null && precision + recall > 0
      ? (2 * precision * recall) / (precision + recall)
      : null;
  return { ...counts, pairs: counts.tp + counts.fp + counts.tn + counts.fn, precision, recall, f1 };
}

export type Evaluation = {
  threshold: number;
  overall: Metrics;
  byCategory: Record<string, Metrics>;
  /** The pairs the threshold got wrong, for reading. */
  errors: (LabeledPair & { score: number })[];
};

/** Flags every pair scoring at or above `threshold` and compares with the labels. */
export function evaluate(pairs: LabeledPair[], threshold: number): Evaluation {
  const total: Counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const byCategory = new Map<string, Counts>();
  const errors: Evaluation["errors"] = [];
  for (const pair of pairs) {
    const score = scorePair(pair.a, pair.b);
    const flagged = score >= threshold;
    const cell = flagged ? (pair.match ? "tp" : "fp") : pair.match ? "fn" : "tn";
    const counts = byCategory.get(pair.category) ?? { tp: 0, fp: 0, tn: 0, fn: 0 };
    counts[cell]++;
    total[cell]++;
    byCategory.set(pair.category, counts);
    if (cell === "fp" || cell === "fn") errors.push({ ...pair, score });
  }
  return {
    threshold,
    overall: metricsOf(total),
    byCategory: Object.fromEntries([...byCategory].map(([k, v]) => [k, metricsOf(v)])),
    errors,
  };
}
