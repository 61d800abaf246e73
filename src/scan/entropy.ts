/**
 * Shannon entropy of a string, used to tell random-looking values (keys, tokens) from words,
 * identifiers and placeholders.
 *
 * @module
 */

/**
 * Shannon entropy of `value` in bits per character (UTF-16 code units), over the string's own
 * character distribution. `""` has entropy 0; a string of `n` distinct characters has `log2(n)`.
 */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}
