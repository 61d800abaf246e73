/**
 * Documented example credentials: values that vendors print in their documentation and that
 * therefore appear in code, tests and transcripts without being anyone's secret. They are kept
 * here by fingerprint only (see `fingerprint.ts`), so the values themselves are not in this
 * repository. AWS's examples are recognised by their `EXAMPLE` marker instead (see
 * `validators.ts`), placeholders such as `xoxb-xxxx` by shape.
 *
 * To add one: compute `fingerprint(value)` and add it, with the value's length and a comment
 * naming the source.
 *
 * @module
 */

import { fingerprint } from "./fingerprint.ts";

/** Documented example credentials: [length of the value, fingerprint]. */
const EXAMPLES: readonly (readonly [number, string])[] = [
  // jwt.io HS256 example token (John Doe, iat 1516239022)
  [155, "b11ce1161113ab8b08e5e58a8add8986d5349e941cd8105d3bbdf21ad61e6987"],
  // jwt.io HS256 example token (John Doe, admin: true)
  [172, "0a869f1cbb9582183f39cb60d30b352f07c3215e0dea62040babc59375e3c0e8"],
  // Stripe API reference test key
  [32, "5e88f86ddf318450608fad153b8b9f97cee914b9d4545bee58319dc9acbad611"],
  // Stripe legacy documentation test key
  [32, "2b66daea4c766dc30b5663951b01161707e9ba0442f51f70123b00fa0b26d711"],
  // Slack API documentation bot token
  [53, "ec89c6514c4c7107cc6d9a9d7724cca4f9b83f7d632c8219360e4239d1f04d5d"],
  // GitHub documentation example token
  [40, "b603ac86e979016fe6431027fe01c13427767af156676e62d19728a96833862b"],
  // Google Maps documentation API key
  [39, "15986cb4b8c09084f8c67e8b76511bac83c6afc7a2000f5e468ec23f2e0d0d20"],
];

const FINGERPRINTS: ReadonlySet<string> = new Set(EXAMPLES.map(([, f]) => f));
const LENGTHS: ReadonlySet<number> = new Set(EXAMPLES.map(([n]) => n));

/** True when `value` is a documented example credential (matched by fingerprint). */
export function isKnownExample(value: string): boolean {
  return LENGTHS.has(value.length) && FINGERPRINTS.has(fingerprint(value));
}
