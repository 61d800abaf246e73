/**
 * The fail-closed secret and personal-data scanner.
 *
 * `scanText` runs every {@link RULES rule} whose keyword prefilter matches over the text, and
 * again over a JSON-unescaped view of it (so `\n`-escaped PEM blocks and `\"password\": \"…\"` in
 * raw JSONL are caught), maps positions back to the original text, drops duplicates and generic
 * matches that overlap a more specific one, and returns findings that carry only a masked preview.
 * `scanRecord` does the same for every string (and object key) of a JSON value, naming the field.
 *
 * Nothing here ever returns, throws or logs a matched value.
 *
 * @module
 */

import type { Finding } from "./types.ts";
import { PRIORITY_SPECIFIC, type Rule, RULES } from "./rules.ts";
import { maskPreview } from "./mask.ts";

/** Path reported by {@link scanText} when none is given. */
export const DEFAULT_TEXT_PATH = "(text)";

/** Path reported by {@link scanRecord} for a bare string or number at the root. */
export const ROOT_PATH = "(root)";

/** How many levels of JSON string escaping are undone (JSON inside a JSON string, and so on). */
const MAX_UNESCAPE_LEVELS = 3;

interface Candidate {
  rule: Rule;
  order: number;
  priority: number;
  /** Whole match (and secret value, which a lookaround may capture), in the original text. */
  start: number;
  end: number;
  /** Start of the secret value, in the original text: where the finding points. */
  at: number;
  preview: string;
}

const compiled = new WeakMap<Rule, RegExp>();

function matcherFor(rule: Rule): RegExp {
  let re = compiled.get(rule);
  if (re === undefined) {
    let flags = rule.pattern.flags;
    if (!flags.includes("g")) flags += "g";
    if (!flags.includes("d")) flags += "d";
    re = new RegExp(rule.pattern.source, flags);
    compiled.set(rule, re);
  }
  return re;
}

/** Texts at least this long find their keywords with one regex pass instead of `includes`. */
const LONG_TEXT = 64 * 1024;

const keywordLists = new WeakMap<readonly Rule[], readonly string[]>();

function keywordsOf(rules: readonly Rule[]): readonly string[] {
  let list = keywordLists.get(rules);
  if (list === undefined) {
    // Longest first, so that of two keywords starting at one place the longer is seen first.
    list = [...new Set(rules.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
    keywordLists.set(rules, list);
  }
  return list;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The rules' keywords that occur in `text` (case-insensitively). Short texts use `includes` on the
 * lowercased text; long ones one left-to-right regex pass that drops each keyword once seen, so
 * the text is read about once however many keywords there are.
 */
function keywordsIn(text: string, rules: readonly Rule[]): Set<string> {
  const all = keywordsOf(rules);
  if (text.length < LONG_TEXT) {
    const lower = text.toLowerCase();
    return new Set(all.filter((k) => lower.includes(k)));
  }
  const found = new Set<string>();
  let remaining = all;
  let from = 0;
  while (remaining.length > 0) {
    const re = new RegExp(remaining.map(escapeRegExp).join("|"), "gi");
    re.lastIndex = from;
    const m = re.exec(text);
    if (m === null) break;
    const k = m[0].toLowerCase();
    found.add(k);
    from = m.index;
    remaining = remaining.filter((x) => x !== k);
  }
  return found;
}

/** Runs the rules over `text`; positions go through `map` (view index → original index). */
function collect(
  text: string,
  rules: readonly Rule[],
  map: Int32Array | undefined,
  out: Candidate[],
): void {
  const present = keywordsIn(text, rules);
  const pos = (i: number): number => (map === undefined ? i : map[i]);
  rules.forEach((rule, order) => {
    if (rule.keywords.length > 0 && !rule.keywords.some((k) => present.has(k))) return;
    const re = matcherFor(rule);
    re.lastIndex = 0;
    const group = rule.secretGroup ?? 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const value = m[group];
      const span = m.indices?.[group];
      if (value === undefined || span === undefined || value.length === 0) continue;
      if (rule.validate !== undefined && !rule.validate(value)) continue;
      out.push({
        rule,
        order,
        priority: rule.priority ?? PRIORITY_SPECIFIC,
        start: pos(Math.min(m.index, span[0])),
        end: pos(Math.max(m.index + m[0].length, span[1])),
        at: pos(span[0]),
        preview: maskPreview(value),
      });
    }
  });
}

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

/**
 * Decodes JSON string escapes (`\n`, `\"`, `\\`, `\uXXXX`, …) in `text`. Returns the decoded text
 * and, for each decoded index (plus one past the end), the index in `text` it came from; or
 * `undefined` when there is nothing to decode.
 */
function unescapeJson(text: string): { text: string; map: Int32Array } | undefined {
  const escape = /\\(?:[nrtbf"\\/]|u[0-9a-fA-F]{4})/g;
  let m = escape.exec(text);
  if (m === null) return undefined;
  const parts: string[] = [];
  const map = new Int32Array(text.length + 1);
  let j = 0;
  let from = 0;
  for (; m !== null; m = escape.exec(text)) {
    for (let i = from; i < m.index; i++) map[j++] = i;
    parts.push(text.slice(from, m.index));
    const e = m[0][1];
    parts.push(e === "u" ? String.fromCharCode(parseInt(m[0].slice(2), 16)) : ESCAPES[e]);
    map[j++] = m.index;
    from = m.index + m[0].length;
  }
  for (let i = from; i < text.length; i++) map[j++] = i;
  parts.push(text.slice(from));
  map[j] = text.length;
  return { text: parts.join(""), map: map.subarray(0, j + 1) };
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Keeps one finding per overlapping group: the same rule is reported once, and a lower-priority
 * rule is dropped where it overlaps a higher one. Overlapping specific rules are all kept.
 */
function dedupe(candidates: Candidate[]): Candidate[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let cluster: Candidate[] = [];
  let clusterEnd = -1;
  const flush = () => {
    if (cluster.length === 0) return;
    cluster.sort((a, b) => b.priority - a.priority || a.order - b.order || a.start - b.start);
    const accepted: Candidate[] = [];
    for (const c of cluster) {
      const shadowed = accepted.some((x) =>
        overlaps(x, c) &&
        (x.rule === c.rule || x.priority > c.priority ||
          (x.priority === c.priority && c.priority < PRIORITY_SPECIFIC))
      );
      if (!shadowed) accepted.push(c);
    }
    kept.push(...accepted);
    cluster = [];
  };
  for (const c of candidates) {
    if (c.start >= clusterEnd) flush();
    cluster.push(c);
    clusterEnd = Math.max(clusterEnd, c.end);
  }
  flush();
  return kept;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Finds, de-duplicates and orders candidate matches in one string (raw and unescaped views). */
function candidatesIn(text: string, rules: readonly Rule[]): Candidate[] {
  if (text.length === 0) return [];
  const candidates: Candidate[] = [];
  collect(text, rules, undefined, candidates);

  let view = text;
  let map: Int32Array | undefined;
  for (let level = 0; level < MAX_UNESCAPE_LEVELS; level++) {
    const decoded = unescapeJson(view);
    if (decoded === undefined) break;
    const prev = map;
    map = prev === undefined ? decoded.map : decoded.map.map((i) => prev[i]);
    view = decoded.text;
    collect(view, rules, map, candidates);
  }
  if (candidates.length === 0) return [];
  return dedupe(candidates).sort((a, b) => a.at - b.at || a.order - b.order);
}

/** Index of the last of the ascending `starts` that is ≤ `offset` (0 when none is). */
function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Turns candidates (positions relative to `text` minus `offset`) into findings for `path`. */
function toFindings(text: string, path: string, kept: Candidate[], offset = 0): Finding[] {
  if (kept.length === 0) return [];
  const starts = lineStarts(text);
  return kept.map((c) => {
    const at = c.at - offset;
    const lo = lastAtOrBefore(starts, at);
    return {
      rule: c.rule.id,
      description: c.rule.description,
      path,
      line: lo + 1,
      column: at - starts[lo] + 1,
      preview: c.preview,
    };
  });
}

/**
 * Scans one string. Findings point at the start of each secret value: `line` and `column` are
 * 1-based within `text` (matches found in the JSON-unescaped view are mapped back to where their
 * escaped form starts in `text`). Sorted by position; each secret reported once.
 *
 * @param text the text to scan
 * @param path the field path to report (default `(text)`)
 * @param rules the rule table (default {@link RULES})
 */
export function scanText(
  text: string,
  path: string = DEFAULT_TEXT_PATH,
  rules: readonly Rule[] = RULES,
): Finding[] {
  return toFindings(text, path, candidatesIn(text, rules));
}

/**
 * Separates fields when many are scanned as one text. It holds a NUL, which no secret contains,
 * between line breaks, so line-anchored patterns still see each field start a line.
 */
const FIELD_SEPARATOR = "\n\u0000\n";

/**
 * Scans many fields at once: their texts are joined and scanned in one pass (per-call costs such
 * as the keyword prefilter are paid once, not per field), and each match is mapped back to its
 * field. A match that spans a separator belongs to no field: every field it touches is scanned
 * again on its own, and only those results count for them, so joining never hides or invents a
 * finding.
 */
function scanFields(items: { text: string; path: string }[], rules: readonly Rule[]): Finding[] {
  const live = items.filter((i) => i.text.length > 0);
  if (live.length === 0) return [];
  if (live.length === 1) return scanText(live[0].text, live[0].path, rules);
  const starts: number[] = [];
  let pos = 0;
  for (const item of live) {
    starts.push(pos);
    pos += item.text.length + FIELD_SEPARATOR.length;
  }
  const joined = live.map((i) => i.text).join(FIELD_SEPARATOR);
  const fieldAt = (offset: number): number => lastAtOrBefore(starts, offset);
  const perField = new Map<number, Candidate[]>();
  const rescan = new Set<number>();
  for (const c of candidatesIn(joined, rules)) {
    const first = fieldAt(c.start);
    const last = fieldAt(Math.max(c.start, c.end - 1));
    const fieldEnd = starts[first] + live[first].text.length;
    if (first !== last || c.end > fieldEnd) {
      for (let i = first; i <= last; i++) rescan.add(i);
      continue;
    }
    const list = perField.get(first) ?? [];
    list.push(c);
    perField.set(first, list);
  }
  const out: Finding[] = [];
  for (const [i, list] of perField) {
    if (!rescan.has(i)) out.push(...toFindings(live[i].text, live[i].path, list, starts[i]));
  }
  for (const i of rescan) out.push(...scanText(live[i].text, live[i].path, rules));
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_SHOWN_KEY = 64;

function childPath(parent: string, segment: string): string {
  return parent === "" ? segment : `${parent}.${segment}`;
}

/** Compares paths so that `messages[2]` comes before `messages[10]`. */
export function comparePaths(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = x.length - y.length || (x < y ? -1 : 1);
      return d;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/**
 * Scans every string value and every object key of a JSON value (a record, before or after
 * normalization). Paths name fields the way the record does: `summary`, `tags[0]`,
 * `messages[3].text`, `messages[3].tool_calls[0].input_summary`; `(root)` for a bare string.
 * An object key that is not a plain identifier, is longer than 64 characters, or itself has a
 * finding is never written into a path: it appears as `[key #N]` (its position among the object's
 * keys), and findings in the key itself have the path `<object>[key #N] (key)`.
 * Large integers (13+ digits) are scanned too, as card numbers can arrive as JSON numbers.
 * Findings are sorted by path, then position.
 */
export function scanRecord(record: unknown, rules: readonly Rule[] = RULES): Finding[] {
  const out: Finding[] = [];
  const fields: { text: string; path: string }[] = [];
  const keyResults = new Map<string, Finding[]>();
  const scanKey = (key: string): Finding[] => {
    let found = keyResults.get(key);
    if (found === undefined) {
      found = scanText(key, "", rules);
      keyResults.set(key, found);
    }
    return found;
  };
  const seen = new WeakSet<object>();
  const stack: { value: unknown; path: string }[] = [{ value: record, path: "" }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    const here = path === "" ? ROOT_PATH : path;
    if (typeof value === "string") {
      fields.push({ text: value, path: here });
    } else if (typeof value === "number" || typeof value === "bigint") {
      const s = value.toString();
      if (/^\d{13,}$/.test(s)) fields.push({ text: s, path: here });
    } else if (typeof value === "object" && value !== null) {
      if (seen.has(value)) continue;
      seen.add(value);
      if (Array.isArray(value)) {
        value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]` }));
      } else {
        Object.keys(value).forEach((key, n) => {
          const keyFindings = scanKey(key);
          const keyPath = `${path}[key #${n}] (key)`;
          for (const f of keyFindings) out.push({ ...f, path: keyPath });
          const masked = keyFindings.length > 0 || key.length > MAX_SHOWN_KEY;
          const segment = masked
            ? `${path}[key #${n}]`
            : IDENTIFIER.test(key)
            ? childPath(path, key)
            : `${path}[${JSON.stringify(key)}]`;
          stack.push({ value: (value as Record<string, unknown>)[key], path: segment });
        });
      }
    }
  }
  out.push(...scanFields(fields, rules));
  return out.sort((a, b) =>
    comparePaths(a.path, b.path) || a.line - b.line || a.column - b.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
