import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  evaluate,
  type LabeledPair,
  type Metrics,
  scorePair,
} from "@/lib/compliance/evaluation/evaluate";
import { DEFAULT_BLOCK_THRESHOLD, DEFAULT_REVIEW_THRESHOLD } from "@/lib/compliance/settings";

/**
 * `npm run compliance:evaluate`: precision, recall and F1 of name matching on the
 * labeled pairs (lib/compliance/evaluation/labeled-pairs.jsonl), per category, at the
 * default review and block thresholds. `--pairs <file>` evaluates another labeled set;
 * `--pairs-from-stdin` reads JSON lines {"a": …, "b": …} and prints one score per line.
 */
const pct = (v: number | null) => (v === null ? "   —  " : `${(v * 100).toFixed(1).padStart(5)}%`);

function table(title: string, rows: [string, Metrics][]): string {
  const lines = [
    title,
    `${"category".padEnd(20)} pairs   tp   fp   tn   fn  precision  recall     F1`,
  ];
  for (const [name, m] of rows) {
    lines.push(
      `${name.padEnd(20)} ${String(m.pairs).padStart(5)} ${String(m.tp).padStart(4)} ${String(m.fp).padStart(4)} ${String(m.tn).padStart(4)} ${String(m.fn).padStart(4)}   ${pct(m.precision)}  ${pct(m.recall)}  ${pct(m.f1)}`,
    );
  }
  return lines.join("\n");
}

async function scoreStdin(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let pair: { a?: unknown; b?: unknown };
    try {
      pair = JSON.parse(line);
    } catch {
      process.stderr.write(`line ${n}: not JSON\n`);
      process.exitCode = 1;
      continue;
    }
    if (typeof pair.a !== "string" || typeof pair.b !== "string") {
      process.stderr.write(`line ${n}: expected {"a": "…", "b": "…"}\n`);
      process.exitCode = 1;
      continue;
    }
    process.stdout.write(`${scorePair(pair.a, pair.b).toFixed(3)}\n`);
  }
}

function report(file: string): void {
  const pairs: LabeledPair[] = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  for (const [label, threshold] of [
    ["review", DEFAULT_REVIEW_THRESHOLD],
    ["block", DEFAULT_BLOCK_THRESHOLD],
  ] as const) {
    const result = evaluate(pairs, threshold);
    process.stdout.write(
      `${table(
        `\n${pairs.length} labeled pairs, flagged at the ${label} threshold (score ≥ ${threshold.toFixed(2)}):`,
        [...Object.entries(result.byCategory), ["all", result.overall]],
      )}\n`,
    );
    if (label === "review" && result.errors.length > 0) {
      process.stdout.write("\nWrong at the review threshold:\n");
      for (const e of result.errors) {
        process.stdout.write(
          `  ${e.score.toFixed(3)} ${e.match ? "missed" : "flagged"} [${e.category}] ${e.a} | ${e.b}\n`,
        );
      }
    }
  }
}

const args = process.argv.slice(2);
if (args.includes("--pairs-from-stdin")) {
  await scoreStdin();
} else {
  const at = args.indexOf("--pairs");
  report(
    at >= 0 && args[at + 1]
      ? (args[at + 1] as string)
      : join(process.cwd(), "lib", "compliance", "evaluation", "labeled-pairs.jsonl"),
  );
}
