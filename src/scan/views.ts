/**
 * Decoded views of a text, so that secrets are found however a transcript wrapped them:
 *
 * - the JSON-unescaped view: lines holding JSON string escapes (`\n`, `\"`, `\\`, `\u002b`…), as
 *   raw JSONL and tool output carry them, decoded, with a map back to the original positions;
 * - base64 runs: long runs of base64 (standard or URL-safe) characters, which the scanner
 *   decodes and scans when they decode to text (base64-encoded configs, `.env` files, keys).
 *
 * Both are linear in the text.
 *
 * @module
 */

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  '"': '"',
  "\\": "\\",
  "/": "/",
};

/** A decoded view of (part of) a text. */
export interface View {
  /** The decoded text. */
  text: string;
  /** For each index of `text` (plus one past its end), the index in the source it came from. */
  map: Int32Array;
}

const ESCAPE = /\\(?:[nrtbf"\\/]|u[0-9a-fA-F]{4})/g;

/** Per ASCII character after a backslash: 1 for a one-character JSON escape (`n r t b f " \\ /`). */
const SIMPLE_ESCAPE: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const ch of 'nrtbf"\\/') t[ch.charCodeAt(0)] = 1;
  return t;
})();

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** True when the backslash at `i` starts a JSON string escape (what {@link ESCAPE} matches). */
function escapeAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i + 1);
  if (c < 128 && SIMPLE_ESCAPE[c] === 1) return true;
  return c === 117 && isHexDigit(text.charCodeAt(i + 2)) && isHexDigit(text.charCodeAt(i + 3)) &&
    isHexDigit(text.charCodeAt(i + 4)) && isHexDigit(text.charCodeAt(i + 5));
}

/** Lines longer than this are not taken whole into the view, only around their marks. */
const LONG_LINE = 64 * 1024;
/** Around a mark in a long line: this much before it… */
const WINDOW_BEFORE = 1024;
/** …and this much after it (more than any match holds, PEM blocks included). */
const WINDOW_AFTER = 24 * 1024;

/**
 * Position of the first escape in [from, to) that can hide a keyword (`\uXXXX`, `\/`), or -1.
 * The character after a backslash is never read as one, so `\\u` (an escaped backslash) is not.
 */
function nextHiding(text: string, from: number, to: number): number {
  for (let i = text.indexOf("\\", from); i !== -1 && i < to; i = text.indexOf("\\", i + 2)) {
    const next = text.charCodeAt(i + 1);
    if (next === 117 || next === 47) return i; // u, /
  }
  return -1;
}

/** Positions of the escapes that can hide a keyword in [from, to) (see {@link nextHiding}). */
function hidingAt(text: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = nextHiding(text, from, to); i !== -1; i = nextHiding(text, i + 2, to)) out.push(i);
  return out;
}

/**
 * The lines of a text that hold a JSON string escape, found a part of the text at a time (see
 * {@link continueEscapedLines}); what {@link unescapedView} starts from.
 */
export interface EscapedLines {
  /** Where the search for the next backslash goes on. */
  next: number;
  /**
   * Per line: start, end, and 1 when it holds a `\u`/`\/` escape (0 when not; -1 for a line
   * over 64 KiB, looked at later).
   */
  readonly lines: number[];
}

/** A search for escaped lines, not started yet. */
export function startEscapedLines(): EscapedLines {
  return { next: 0, lines: [] };
}

/**
 * Goes on with `scan` over `text`: finds the escaped lines whose first escape is before `to` (a
 * line found may end past `to`). Called with increasing `to` up to the text's length, it finds
 * what {@link unescapedView} would; done right after another pass read that part of the text, it
 * reads from the processor's cache.
 */
export function continueEscapedLines(text: string, scan: EscapedLines, to: number): void {
  let b = scan.next;
  // Backslashes are found by `indexOf` (much faster than a regex over the whole text); after the
  // first escape of a line, the search resumes at the line's end.
  for (b = b < text.length ? text.indexOf("\\", b) : -1; b !== -1 && b < to;) {
    if (!escapeAt(text, b)) {
      b = text.indexOf("\\", b + 1);
      continue;
    }
    const lineStart = text.lastIndexOf("\n", b - 1) + 1;
    const nl = text.indexOf("\n", b);
    const lineEnd = nl === -1 ? text.length : nl;
    const long = lineEnd - lineStart > LONG_LINE;
    scan.lines.push(
      lineStart,
      lineEnd,
      long ? -1 : nextHiding(text, lineStart, lineEnd) !== -1 ? 1 : 0,
    );
    if (nl === -1) {
      b = -1;
      break;
    }
    b = text.indexOf("\\", lineEnd);
  }
  scan.next = b === -1 ? text.length : b;
}

/** The ranges of a line worth decoding: the whole line, windows around marks, or none. */
function lineRanges(
  text: string,
  from: number,
  to: number,
  hiding: number,
  marks: Int32Array | undefined,
  out: number[],
): void {
  if (marks === undefined) {
    out.push(from, to);
    return;
  }
  let k = firstAtOrAfter(marks, from);
  if (to - from <= LONG_LINE) {
    if ((k < marks.length && marks[k] < to) || hiding === 1) {
      out.push(from, to);
    }
    return;
  }
  const hidden = hidingAt(text, from, to);
  // A long line (a whole JSONL session on one line): windows around its marks only. Both lists
  // ascend: merged in one pass (no sort, so linear however many points there are).
  let h = 0;
  let start = -1;
  let end = -1;
  while (h < hidden.length || (k < marks.length && marks[k] < to)) {
    let p: number;
    if (h < hidden.length && !(k < marks.length && marks[k] < to && marks[k] < hidden[h])) {
      p = hidden[h++];
    } else {
      p = marks[k++];
    }
    const a = Math.max(from, p - WINDOW_BEFORE);
    const b = Math.min(to, p + WINDOW_AFTER);
    if (a > end) {
      if (start >= 0) out.push(start, end);
      start = a;
    }
    end = Math.max(end, b);
  }
  if (start >= 0) out.push(start, end);
}

/** Index of the first of the ascending `marks` that is ≥ `from`. */
function firstAtOrAfter(marks: Int32Array, from: number): number {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The JSON-unescaped view of the lines of `text` that hold escapes (other lines are identical in
 * the view and are left out), joined by `\n`; `undefined` when no line qualifies.
 *
 * With `marks` (ascending positions where the raw text has something to look at: keyword hits,
 * digit runs), only escaped lines holding a mark or a `\u`/`\/` escape are kept: the escapes
 * `\n`, `\t`, `\"`, `\\` cannot split a keyword (no keyword contains what they encode), so a
 * line without a mark shows nothing new once decoded, while `\uXXXX` and `\/` can hide one. Of a
 * very long line (over 64 KiB), only windows around those points are kept.
 *
 * `escaped`, when given, holds the text's escaped lines already found (all of them, see
 * {@link continueEscapedLines}).
 */
export function unescapedView(
  text: string,
  marks?: Int32Array,
  escaped?: EscapedLines,
): View | undefined {
  // 1. The ranges to decode: escaped lines (or parts of them) worth a second look.
  let lines = escaped?.lines;
  if (lines === undefined) {
    const scan = startEscapedLines();
    continueEscapedLines(text, scan, text.length);
    lines = scan.lines;
  }
  if (lines.length === 0) return undefined;
  const ranges: number[] = [];
  for (let l = 0; l < lines.length; l += 3) {
    lineRanges(text, lines[l], lines[l + 1], lines[l + 2], marks, ranges);
  }
  if (ranges.length === 0) return undefined;
  // 2. Decode them, one "\n" between ranges (adjacent lines keep their own line break).
  const parts: string[] = [];
  // The view is never longer than its ranges plus one "\n" between each two.
  let size = 1;
  for (let r = 0; r < ranges.length; r += 2) size += ranges[r + 1] - ranges[r] + 1;
  const map = new Int32Array(size);
  let j = 0;
  const copy = (a: number, b: number) => {
    if (b <= a) return;
    parts.push(text.slice(a, b));
    for (let i = a; i < b; i++) map[j++] = i;
  };
  let prevEnd = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const start = ranges[r];
    let end = ranges[r + 1];
    // Merge with the following ranges when they continue on the next line.
    while (r + 2 < ranges.length && ranges[r + 2] <= end + 1) {
      end = Math.max(end, ranges[r + 3]);
      r += 2;
    }
    if (j > 0) {
      parts.push("\n");
      map[j++] = prevEnd;
    }
    let from = start;
    ESCAPE.lastIndex = start;
    for (let m = ESCAPE.exec(text); m !== null; m = ESCAPE.exec(text)) {
      if (m.index + m[0].length > end) break;
      copy(from, m.index);
      const e = m[0][1];
      parts.push(e === "u" ? String.fromCharCode(parseInt(m[0].slice(2), 16)) : ESCAPES[e]);
      map[j++] = m.index;
      from = m.index + m[0].length;
    }
    copy(from, end);
    prevEnd = end;
  }
  map[j++] = prevEnd;
  return { text: parts.join(""), map: map.subarray(0, j) };
}

/**
 * Base64 alphabet classes: bit 0, the standard alphabet has it; bit 1, the URL-safe one has it
 * (so 1 = `+` `/`, 2 = `-` `_`, 3 = both); bit 2, an uppercase letter; bit 3, a lowercase one.
 */
const B64: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Z]/.test(ch)) t[c] = 3 | 4;
    else if (/[a-z]/.test(ch)) t[c] = 3 | 8;
    else if (/[0-9]/.test(ch)) t[c] = 3;
    else if (ch === "+" || ch === "/") t[c] = 1;
    else if (ch === "-" || ch === "_") t[c] = 2;
  }
  return t;
})();

/** Value of each base64 character (standard and URL-safe), -1 for others. */
const B64_VALUE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  t[45] = 62; // -
  t[95] = 63; // _
  return t;
})();

/**
 * True when the first 16 characters of the base64 run at `start` decode to 12 printable ASCII
 * bytes: cheap evidence that the run encodes text (random or binary data almost never does).
 */
export function base64HeadIsText(text: string, start: number): boolean {
  for (let g = 0; g < 4; g++) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(start + g * 4 + k);
      const x = c < 128 ? B64_VALUE[c] : -1;
      if (x < 0) return false;
      v = (v << 6) | x;
    }
    for (let s = 16; s >= 0; s -= 8) {
      const byte = (v >> s) & 0xff;
      if (!((byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d)) {
        return false;
      }
    }
  }
  return true;
}

/**
 * Runs of at least `minLength` base64 characters (standard or URL-safe, not mixed) that hold
 * both upper- and lowercase letters (hex digests and lowercase identifiers never encode text),
 * each as `[start, end)`, including trailing `=` padding. Skips ahead Boyer–Moore style: a
 * character outside the alphabet rules out every run through it, so prose is read about once
 * per `minLength` characters.
 */
export function base64Runs(text: string, minLength = 32): [number, number][] {
  const scan = startBase64Runs(minLength);
  continueBase64Runs(text, scan, text.length);
  return scan.runs;
}

/** A search for base64 runs ({@link base64Runs}) done a part of the text at a time. */
export interface Base64Scan {
  /** Shortest run reported. */
  readonly minLength: number;
  /** Where the search goes on (the end of the next window it looks at). */
  next: number;
  /** The runs found so far, in text order. */
  readonly runs: [number, number][];
}

/** A search for base64 runs of at least `minLength` characters, not started yet. */
export function startBase64Runs(minLength = 32): Base64Scan {
  return { minLength, next: minLength - 1, runs: [] };
}

/**
 * Goes on with `scan` over `text` up to `to`: the windows ending before `to` are looked at (a
 * run found may extend past `to`). Called with increasing `to` up to the text's length, it finds
 * exactly the runs of {@link base64Runs}; done right after another pass read that part of the
 * text, it reads from the processor's cache.
 */
export function continueBase64Runs(text: string, scan: Base64Scan, to: number): void {
  const { minLength } = scan;
  const out = scan.runs;
  const n = text.length;
  const stop = Math.min(to, n);
  let i = scan.next;
  while (i < stop) {
    // Scan back from i for a full window of base64 characters, noting what it holds.
    let k = i;
    const low = i - minLength + 1;
    let all = 15;
    let any = 0;
    for (; k >= low; k--) {
      const x = B64[text.charCodeAt(k)];
      if (x === 0) break;
      all &= x;
      any |= x;
    }
    if (k >= low) {
      i = k + minLength;
      continue;
    }
    // Extend to the whole run: back to its start, then forward to its end (each read once).
    let start = low;
    for (; start > 0; start--) {
      const x = B64[text.charCodeAt(start - 1)];
      if (x === 0) break;
      all &= x;
      any |= x;
    }
    let end = i + 1;
    for (; end < n; end++) {
      const x = B64[text.charCodeAt(end)];
      if (x === 0) break;
      all &= x;
      any |= x;
    }
    let runEnd = end;
    while (runEnd < n && text.charCodeAt(runEnd) === 61 && runEnd - end < 2) runEnd++;
    // Not mixing the two alphabets, and holding both upper- and lowercase letters.
    if ((all & 3) !== 0 && (any & 12) === 12) out.push([start, runEnd]);
    i = runEnd + minLength;
  }
  scan.next = i;
}
