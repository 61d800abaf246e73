/**
 * The evaluation corpus of the secret scanner, generated at run time from a seed:
 * every format of `formats.ts` embedded in several transcript-like contexts (`contexts.ts`),
 * plus the hard negatives of `negatives.ts`, each in plain, JSONL and line-numbered form.
 *
 * Only case descriptions live in the repository; every secret value is generated when the corpus
 * is built, and is never printed (the score script reports case ids, formats and contexts).
 *
 * @module
 */

import { type Context, CONTEXTS } from "./contexts.ts";
import { type Format, FORMATS } from "./formats.ts";
import { NEGATIVE_WRAPPERS, NEGATIVES } from "./negatives.ts";
import { Rng } from "./random.ts";

/** One corpus case. */
export interface Case {
  /** Stable id within a seed, e.g. `pos:github-ghp:jsonl-tool-result`. */
  id: string;
  /** True when the text carries a secret or personal datum (a store must be refused). */
  positive: boolean;
  /** Format id (positives) or negative kind id (negatives). */
  format: string;
  /** For positives: the rule expected on a bare value. For negatives: the negative family. */
  expect: string;
  /** Context or wrapper id. */
  context: string;
  /** The text to scan. Holds a generated secret for positives: never print it. */
  text: string;
}

/** Options of {@link buildCorpus}. */
export interface CorpusOptions {
  /** Seed (default 20261120). Same seed, same corpus. */
  seed?: number;
  /** Contexts per format (default 4). */
  contextsPerFormat?: number;
  /** Variants per negative kind (default 8). */
  variantsPerNegative?: number;
}

function contextsFor(format: Format, rng: Rng, n: number): Context[] {
  const suitable = CONTEXTS.filter((c) => c.kinds.includes(format.kind));
  return rng.sample(suitable, n);
}

/** Builds the corpus. */
export function buildCorpus(options: CorpusOptions = {}): Case[] {
  const rng = new Rng(options.seed ?? 20261120);
  const perFormat = options.contextsPerFormat ?? 4;
  const perNegative = options.variantsPerNegative ?? 8;
  const cases: Case[] = [];
  for (const format of FORMATS) {
    for (const context of contextsFor(format, rng, perFormat)) {
      cases.push({
        id: `pos:${format.id}:${context.id}`,
        positive: true,
        format: format.id,
        expect: format.rule,
        context: context.id,
        text: context.render(format.make(rng), format.name, rng),
      });
    }
  }
  for (const kind of NEGATIVES) {
    for (let i = 0; i < perNegative; i++) {
      const wrapper = NEGATIVE_WRAPPERS[i % NEGATIVE_WRAPPERS.length];
      cases.push({
        id: `neg:${kind.id}:${i}`,
        positive: false,
        format: kind.id,
        expect: kind.family,
        context: wrapper.id,
        text: wrapper.wrap(kind.make(rng), rng),
      });
    }
  }
  return cases;
}

export { CONTEXTS, FORMATS, NEGATIVES };
