/**
 * Shannon entropy of a string, used to tell random-looking values (keys, tokens) from words,
 * identifiers and placeholders.
 *
 * @module
 */

/** Per-character counts for ASCII strings (reused: the scanner is single-threaded). */
const COUNTS = new Int32Array(128);

/**
 * Shannon entropy of `value` in bits per character (UTF-16 code units), over the string's own
 * character distribution. `""` has entropy 0; a string of `n` distinct characters has `log2(n)`.
 */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) {
      ascii = false;
      break;
    }
    COUNTS[c]++;
  }
  let h = 0;
  if (ascii) {
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      const k = COUNTS[c];
      if (k === 0) continue;
      const p = k / n;
      h -= p * Math.log2(p);
      COUNTS[c] = 0;
    }
    return h;
  }
  COUNTS.fill(0);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}
