/**
 * Scores the secret scanner on the evaluation corpus (`tests/scan/corpus/`): recall on the
 * positives (every credential format in transcript-like contexts), false-positive rate on the hard
 * negatives, misses by format and false positives by kind. A case counts as detected when
 * `scanText` reports at least one finding, which is exactly when a store would be refused.
 *
 * Run: `deno task scan-score` (options: `--seed N`, `--contexts N` per format, `--variants N` per
 * negative kind, `--json`). Exit code 1 when recall < 99% or FPR > 1%. Never prints a secret:
 * only case ids, formats, contexts and rule ids.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildCorpus, type Case } from "../tests/scan/corpus/corpus.ts";
import { RULES, scanText } from "../src/scan/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seed: { type: "string" },
    contexts: { type: "string" },
    variants: { type: "string" },
    json: { type: "boolean" },
  },
});

const encoder = new TextEncoder();
function out(line = ""): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

const seed = values.seed === undefined ? 20261120 : Number(values.seed);
const corpus = buildCorpus({
  seed,
  contextsPerFormat: values.contexts === undefined ? 4 : Number(values.contexts),
  variantsPerNegative: values.variants === undefined ? 8 : Number(values.variants),
});

interface Outcome {
  c: Case;
  rules: string[];
}

const t0 = performance.now();
const outcomes: Outcome[] = corpus.map((c) => ({
  c,
  rules: [...new Set(scanText(c.text).map((f) => f.rule))],
}));
const ms = performance.now() - t0;

const positives = outcomes.filter((o) => o.c.positive);
const negatives = outcomes.filter((o) => !o.c.positive);
const misses = positives.filter((o) => o.rules.length === 0);
const falsePositives = negatives.filter((o) => o.rules.length > 0);
const recall = (positives.length - misses.length) / positives.length;
const fpr = falsePositives.length / negatives.length;
const formats = new Set(positives.map((o) => o.c.format));
const contexts = new Set(positives.map((o) => o.c.context));
const negativeKinds = new Set(negatives.map((o) => o.c.format));
const expectedRuleHits = positives.filter((o) => o.rules.includes(o.c.expect)).length;

const missesByFormat = new Map<string, string[]>();
for (const o of misses) {
  const list = missesByFormat.get(o.c.format) ?? [];
  list.push(o.c.context);
  missesByFormat.set(o.c.format, list);
}
const fpByKind = new Map<string, string[]>();
for (const o of falsePositives) {
  const list = fpByKind.get(o.c.format) ?? [];
  list.push(`${o.c.context}→${o.rules.join("+")}`);
  fpByKind.set(o.c.format, list);
}

const pass = recall >= 0.99 && fpr <= 0.01;

if (values.json) {
  out(JSON.stringify(
    {
      seed,
      cases: corpus.length,
      positives: positives.length,
      negatives: negatives.length,
      formats: formats.size,
      contexts: contexts.size,
      rules: RULES.length,
      recall,
      falsePositiveRate: fpr,
      expectedRuleRate: expectedRuleHits / positives.length,
      missesByFormat: Object.fromEntries(missesByFormat),
      falsePositivesByKind: Object.fromEntries(fpByKind),
      ms,
      pass,
    },
    null,
    2,
  ));
} else {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  out(`lumera-memory scanner score (seed ${seed}, deno ${Deno.version.deno})`);
  out(
    `corpus: ${corpus.length} cases — ${positives.length} positives (${formats.size} formats in ` +
      `${contexts.size} contexts, ${
        (positives.length / formats.size).toFixed(1)
      } contexts per format), ` +
      `${negatives.length} hard negatives (${negativeKinds.size} kinds); ${RULES.length} rules`,
  );
  out(
    `recall                ${pct(recall)}  (${
      positives.length - misses.length
    }/${positives.length}, target ≥ 99%)`,
  );
  out(
    `false-positive rate   ${
      pct(fpr)
    }  (${falsePositives.length}/${negatives.length}, target ≤ 1%)`,
  );
  out(`expected rule found   ${pct(expectedRuleHits / positives.length)} of positives`);
  out(`scan time             ${ms.toFixed(0)} ms for the whole corpus`);
  out();
  out(missesByFormat.size === 0 ? "misses by format: none" : "misses by format:");
  for (const [f, list] of [...missesByFormat].sort()) out(`  ${f}: ${list.join(", ")}`);
  out(fpByKind.size === 0 ? "false positives by kind: none" : "false positives by kind:");
  for (const [k, list] of [...fpByKind].sort()) out(`  ${k}: ${list.join(", ")}`);
  out();
  out(pass ? "PASS" : "FAIL");
}
Deno.exit(pass ? 0 : 1);
