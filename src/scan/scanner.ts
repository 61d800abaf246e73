/**
 * The fail-closed secret and personal-data scanner.
 *
 * How a text is scanned:
 * 1. One pass ({@link findKeywords}) finds every occurrence of every rule keyword, and the
 *    regions where a long run of digits may be.
 * 2. A rule anchored on its keywords (`anchor: "keyword"`) is tried only at those positions (its
 *    cheap `gate` first, then its regex, sticky); a digit rule only around runs of enough
 *    digits; any other rule over the whole text when one of its keywords occurs (or always,
 *    with none). Each match must pass the rule's validator; a value already accepted by a rule
 *    of higher or equal priority is not validated again.
 * 3. The same runs over decoded views: the JSON-unescaped view of the escaped lines that have
 *    something to look at (so `\n`-escaped PEM blocks, `\"password\": \"…\"` in raw JSONL,
 *    `\u002b`-escaped keys are caught), up to three levels deep; and long base64 runs that
 *    decode to text (base64-encoded configs and keys). Positions map back to the original text.
 * 4. Duplicates are dropped, and generic matches that overlap a more specific one.
 *
 * Every regex is linear in what it reads, every view is at most as long as the text, and
 * base64 decoding is capped per text, so time and memory stay proportional to the input.
 *
 * `scanRecord` does the same for every string (and object key) of a JSON value, all fields in
 * one pass, naming the field. Findings carry the rule, where, a masked preview and a fingerprint
 * (a hash), never the value; nothing here returns, throws or logs a matched value.
 *
 * @module
 */

import type { Finding } from "./types.ts";
import { PRIORITY_SPECIFIC, type Rule, RULES } from "./rules.ts";
import { maskPreview } from "./mask.ts";
import {
  buildKeywordIndex,
  findDigitRuns,
  findKeywords,
  type KeywordHits,
  type KeywordIndex,
} from "./prefilter.ts";
import {
  base64HeadIsText,
  type Base64Scan,
  continueBase64Runs,
  continueEscapedLines,
  type EscapedLines,
  startBase64Runs,
  startEscapedLines,
  unescapedView,
} from "./views.ts";
import { fingerprint } from "./fingerprint.ts";
import { decodeBase64, isPrintable } from "./validators.ts";

/** Path reported by {@link scanText} when none is given. */
export const DEFAULT_TEXT_PATH = "(text)";

/** Path reported by {@link scanRecord} for a bare string or number at the root. */
export const ROOT_PATH = "(root)";

/** How many levels of JSON string escaping are undone (JSON inside a JSON string, and so on). */
const MAX_UNESCAPE_LEVELS = 3;

/** How many levels of base64 are decoded (base64 inside base64). */
const MAX_BASE64_DEPTH = 2;

/** Base64 runs shorter than this are not decoded (short values are left to the rules). */
const MIN_BASE64_RUN = 32;

/** At most this many characters of base64 are decoded per scanned text. */
const MAX_BASE64_DECODED = 8 * 1024 * 1024;

/** One match, in the coordinates of the text it was found in. Holds the value: internal only. */
interface Candidate {
  rule: Rule;
  order: number;
  priority: number;
  /** Whole match (and secret value, which a lookaround may capture). */
  start: number;
  end: number;
  /** The secret value's span: where the finding points, and what a redaction replaces. */
  at: number;
  valueEnd: number;
  /** The matched value (decoded, when found in a view). Never leaves this module's callers. */
  value: string;
  /** Extra words for the finding's description (e.g. how it was encoded). */
  note?: string;
}

interface CompiledRules {
  rules: readonly Rule[];
  index: KeywordIndex;
  /**
   * Keyword index → the keyword sets (see {@link CompiledRules.ruleSet}) that hold it. Rules
   * with the same keywords share one list of positions per text.
   */
  keywordRules: number[][];
  /** Per rule: index of its keyword set (rules with equal keyword sets share one). */
  ruleSet: Int32Array;
  /** Number of distinct keyword sets. */
  sets: number;
  /** Per rule: sticky matcher for keyword-anchored rules. */
  sticky: (RegExp | undefined)[];
  /** Per rule: global matcher. */
  global: RegExp[];
  /** Fewest digits of any digit-anchored rule (0 when there is none). */
  minDigits: number;
  /** Keyword-anchored rules with a gate, in rule order. */
  gated: number[];
  /** Buffers of {@link collect}, kept from one text to the next. */
  scratch: Scratch;
}

/**
 * What {@link collect} works in, reused from one call to the next so that a text with nothing
 * in it allocates nothing in proportion to its length. `collect` never runs inside another
 * `collect` (gates and validators do not scan), so one set per rule table is enough.
 */
interface Scratch {
  /** The prefilter's hits. */
  hits: KeywordHits;
  /** Per keyword set: positions of its keywords' hits, in the order found… */
  setPos: Int32Array[];
  /** …and how many. */
  setLen: Int32Array;
  /** Per gated rule: the positions whose gate passed (empty for other rules). */
  passed: number[][];
  /** Per gated rule: how many of its set's positions were put to the gate. */
  cursor: Int32Array;
}

/** Buffers larger than this many entries are not kept after a text (a hostile one, say). */
const KEEP_ENTRIES = 1 << 16;

const compiledTables = new WeakMap<readonly Rule[], CompiledRules>();

function withFlags(pattern: RegExp, add: string, drop: string): RegExp {
  let flags = pattern.flags;
  for (const f of drop) flags = flags.replace(f, "");
  for (const f of add) if (!flags.includes(f)) flags += f;
  return new RegExp(pattern.source, flags);
}

function compile(rules: readonly Rule[]): CompiledRules {
  let c = compiledTables.get(rules);
  if (c !== undefined) return c;
  const keywords: string[] = [];
  const byKeyword = new Map<string, number>();
  const keywordRules: number[][] = [];
  const setIds = new Map<string, number>();
  const ruleSet = new Int32Array(rules.length);
  rules.forEach((rule, r) => {
    const own = [...new Set(rule.keywords)];
    const key = own.slice().sort().join("\u0000");
    let set = setIds.get(key);
    const fresh = set === undefined;
    if (set === undefined) {
      set = setIds.size;
      setIds.set(key, set);
    }
    ruleSet[r] = set;
    if (!fresh) return;
    for (const k of own) {
      let i = byKeyword.get(k);
      if (i === undefined) {
        i = keywords.length;
        byKeyword.set(k, i);
        keywords.push(k);
        keywordRules.push([]);
      }
      keywordRules[i].push(set);
    }
  });
  const digitRules = rules.filter((r) => r.anchor === "digits");
  c = {
    rules,
    index: buildKeywordIndex(keywords),
    keywordRules,
    ruleSet,
    sets: setIds.size,
    // Match indices ("d") cost time on every match: only rules that capture need them.
    sticky: rules.map((r) =>
      r.anchor === "keyword" && r.keywords.length > 0
        ? withFlags(r.pattern, r.secretGroup ? "yd" : "y", r.secretGroup ? "g" : "gd")
        : undefined
    ),
    global: rules.map((r) =>
      withFlags(r.pattern, r.secretGroup ? "gd" : "g", r.secretGroup ? "y" : "yd")
    ),
    minDigits: digitRules.length === 0
      ? 0
      : Math.max(1, Math.min(...digitRules.map((r) => r.digits ?? 1))),
    gated: [...rules.keys()].filter((r) =>
      rules[r].anchor === "keyword" && rules[r].keywords.length > 0 &&
      rules[r].gate !== undefined
    ),
    scratch: {
      hits: {
        count: 0,
        pos: new Int32Array(256),
        keyword: new Int32Array(256),
        regions: [],
        lastStart: new Int32Array(keywords.length),
      },
      setPos: Array.from({ length: setIds.size }, () => new Int32Array(64)),
      setLen: new Int32Array(setIds.size),
      passed: rules.map(() => []),
      cursor: new Int32Array(rules.length),
    },
  };
  compiledTables.set(rules, c);
  return c;
}

/** Characters of context kept before a digit run, for lookbehinds and a leading `+` or `(`. */
const DIGIT_CONTEXT = 3;

/**
 * Runs the rules over `text` (one view); candidates are in `text`'s coordinates. Returns the
 * ascending positions where the text had anything to look at (keyword hits, digit runs). With
 * `b64`, also finds the text's base64 runs (into `b64`); with `escaped`, its lines holding JSON
 * escapes (into `escaped`, for {@link unescapedView}).
 *
 * Everything that looks at each hit or each part of the text is done as the prefilter goes,
 * block by block, while that part of the text is still in the processor's cache: filing hits
 * per keyword set, the rules' gates (pure functions of the text and a position: asking them
 * early, in another order, changes nothing), digit runs and base64 runs. On a text of many
 * megabytes, going back over it once per rule costs a cache miss per position. What remains for
 * the rule loop is the regexes, at the few positions whose gate passed.
 */
function collect(
  text: string,
  c: CompiledRules,
  out: Candidate[],
  b64?: Base64Scan,
  escaped?: EscapedLines,
): Int32Array {
  const { rules, gated, scratch } = c;
  const { setPos, setLen, passed, cursor } = scratch;
  setLen.fill(0);
  for (const r of gated) {
    passed[r].length = 0;
    cursor[r] = 0;
  }
  const digitRuns: number[] = [];
  let filed = 0;
  let regionsDone = 0;
  const onBlock = (hits: KeywordHits, end: number) => {
    // Positions per keyword set; rules with the same keywords share one list.
    for (let h = filed; h < hits.count; h++) {
      const p = hits.pos[h];
      for (const set of c.keywordRules[hits.keyword[h]]) {
        let list = setPos[set];
        const len = setLen[set];
        if (len === list.length) {
          list = new Int32Array(len * 2);
          list.set(setPos[set]);
          setPos[set] = list;
        }
        list[len] = p;
        setLen[set] = len + 1;
      }
    }
    filed = hits.count;
    for (const r of gated) {
      const set = c.ruleSet[r];
      const list = setPos[set];
      const len = setLen[set];
      const gate = rules[r].gate!;
      const ok = passed[r];
      for (let i = cursor[r]; i < len; i++) if (gate(text, list[i])) ok.push(list[i]);
      cursor[r] = len;
    }
    if (c.minDigits > 0) {
      findDigitRuns(text, hits.regions, c.minDigits, regionsDone, digitRuns);
      regionsDone = hits.regions.length / 2;
    }
    if (b64 !== undefined) continueBase64Runs(text, b64, end);
    if (escaped !== undefined) continueEscapedLines(text, escaped, end);
  };
  const hits = findKeywords(text, c.index, c.minDigits, onBlock, scratch.hits);
  onBlock(hits, text.length);
  // Where a value was already accepted, and the highest priority that accepted it: a rule of
  // that priority or lower matching the same value would be dropped anyway (unless both are
  // provider-specific), so it is not validated.
  const claimed = new Map<number, number>();
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    const before = out.length;
    if (rule.anchor === "digits") {
      const min = rule.digits ?? 1;
      const re = c.global[r];
      const runs = digitRuns;
      for (let k = 0; k < runs.length / 3; k++) {
        if (runs[k * 3 + 2] < min) continue;
        const ws = Math.max(0, runs[k * 3] - DIGIT_CONTEXT);
        const we = Math.min(text.length, runs[k * 3 + 1] + 2);
        const window = text.slice(ws, we);
        re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = re.exec(window)) !== null) {
          if (m[0].length === 0) {
            re.lastIndex++;
            continue;
          }
          // A match at the very start of a window lacks its lookbehind context.
          if (m.index === 0 && ws > 0) continue;
          accept(rule, r, m, out, ws, claimed);
        }
      }
    } else if (c.sticky[r] !== undefined) {
      // The positions whose gate passed (or all of the set's, without a gate), ascending.
      let positions: Int32Array | number[];
      let count: number;
      if (rule.gate !== undefined) {
        positions = passed[r];
        count = positions.length;
        if (count === 0) continue;
        if (!ascending(positions, count)) positions.sort((x, y) => x - y);
      } else {
        count = setLen[c.ruleSet[r]];
        if (count === 0) continue;
        positions = setPos[c.ruleSet[r]];
        if (!ascending(positions, count)) positions.subarray(0, count).sort();
      }
      const sticky = c.sticky[r]!;
      let after = 0;
      let last = -1;
      for (let q = 0; q < count; q++) {
        const p = positions[q];
        if (p < after || p === last) continue;
        last = p;
        sticky.lastIndex = p;
        const m = sticky.exec(text);
        if (m === null || m[0].length === 0) continue;
        // Like a global regex: the next try starts after this match, valid or not.
        after = m.index + m[0].length;
        accept(rule, r, m, out, 0, claimed);
      }
    } else {
      if (rule.keywords.length > 0 && setLen[c.ruleSet[r]] === 0) continue;
      const re = c.global[r];
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        accept(rule, r, m, out, 0, claimed);
      }
    }
    for (let i = before; i < out.length; i++) {
      const x = out[i];
      if ((claimed.get(x.at) ?? -1) < x.priority) claimed.set(x.at, x.priority);
    }
  }
  const marks = ascendingMarks(hits.pos, hits.count, digitRuns);
  release(scratch);
  return marks;
}

/**
 * The hits' positions and the digit runs' starts, in one ascending list. Hits come in the order
 * of the pairs that found them, so a hit is out of place only among hits a keyword's length
 * before it: an insertion sort puts them in order in linear time; the runs (in text order) are
 * then merged in.
 */
function ascendingMarks(pos: Int32Array, count: number, digitRuns: number[]): Int32Array {
  const hits = pos.slice(0, count);
  for (let i = 1; i < count; i++) {
    const x = hits[i];
    let j = i - 1;
    if (hits[j] <= x) continue;
    while (j >= 0 && hits[j] > x) {
      hits[j + 1] = hits[j];
      j--;
    }
    hits[j + 1] = x;
  }
  const runs = digitRuns.length / 3;
  if (runs === 0) return hits;
  const marks = new Int32Array(count + runs);
  for (let r = 1; r < runs; r++) {
    if (digitRuns[3 * r] < digitRuns[3 * r - 3]) {
      // Not expected (regions come in text order), but then sorted the plain way.
      marks.set(hits);
      for (let k = 0; k < runs; k++) marks[count + k] = digitRuns[3 * k];
      return marks.sort();
    }
  }
  let h = 0;
  let r = 0;
  for (let m = 0; m < marks.length; m++) {
    if (r === runs || (h < count && hits[h] <= digitRuns[r * 3])) marks[m] = hits[h++];
    else marks[m] = digitRuns[3 * r++];
  }
  return marks;
}

/** Drops the buffers a large text grew, so that they are not held after it. */
function release(scratch: Scratch): void {
  const { hits, setPos } = scratch;
  if (hits.pos.length > KEEP_ENTRIES) {
    hits.pos = new Int32Array(256);
    hits.keyword = new Int32Array(256);
  }
  if (hits.regions.length > KEEP_ENTRIES) hits.regions = [];
  for (let s = 0; s < setPos.length; s++) {
    if (setPos[s].length > KEEP_ENTRIES) setPos[s] = new Int32Array(64);
  }
  for (const list of scratch.passed) if (list.length > KEEP_ENTRIES) list.length = 0;
}

function ascending(xs: ArrayLike<number>, count: number): boolean {
  for (let i = 1; i < count; i++) if (xs[i] < xs[i - 1]) return false;
  return true;
}

/** Validates one match and records it (positions shifted by `shift`). */
function accept(
  rule: Rule,
  order: number,
  m: RegExpExecArray,
  out: Candidate[],
  shift: number,
  claimed: ReadonlyMap<number, number>,
): boolean {
  const group = rule.secretGroup ?? 0;
  let value: string | undefined;
  let span: [number, number] | undefined;
  if (group === 0) {
    value = m[0];
    span = [m.index, m.index + value.length];
  } else if (typeof group === "number") {
    value = m[group];
    span = m.indices?.[group];
  } else {
    value = m.groups?.[group];
    span = m.indices?.groups?.[group];
  }
  if (value === undefined || span === undefined || value.length === 0) return false;
  const priority = rule.priority ?? PRIORITY_SPECIFIC;
  if (priority < PRIORITY_SPECIFIC && (claimed.get(span[0] + shift) ?? -1) >= priority) {
    return false;
  }
  if (rule.validate !== undefined && !rule.validate(value, m[0])) return false;
  out.push({
    rule,
    order,
    priority,
    start: Math.min(m.index, span[0]) + shift,
    end: Math.max(m.index + m[0].length, span[1]) + shift,
    at: span[0] + shift,
    valueEnd: span[1] + shift,
    value,
  });
  return true;
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
    if (cluster.length === 1) {
      kept.push(cluster[0]);
      cluster = [];
      return;
    }
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

/** Moves candidates found in a view (coordinates of `map`'s view) to the source's coordinates. */
function mapCandidates(found: Candidate[], map: Int32Array, out: Candidate[]): void {
  for (const c of found) {
    out.push({
      ...c,
      start: map[c.start],
      end: map[c.end],
      at: map[c.at],
      valueEnd: map[c.valueEnd],
    });
  }
}

/** Decodes a base64 run to text, or undefined when it is not base64 of printable text. */
function decodeRunText(run: string): string | undefined {
  const whole = decodeBase64(run.length % 4 === 1 ? run.slice(0, -1) : run);
  if (whole === undefined || !isPrintable(whole)) return undefined;
  return whole;
}

/**
 * Finds the candidates in `text`: raw, in its JSON-unescaped views, and in its base64 runs that
 * decode to text. Coordinates are `text`'s. Not yet de-duplicated.
 */
function gather(text: string, c: CompiledRules, depth: number, out: Candidate[]): void {
  // Base64 runs are found during the first pass (see `collect`), not in a pass of their own.
  const b64 = depth < MAX_BASE64_DEPTH ? startBase64Runs(MIN_BASE64_RUN) : undefined;
  let escaped = startEscapedLines();
  let marks = collect(text, c, out, b64, escaped);

  let view = text;
  let map: Int32Array | undefined;
  for (let level = 0; level < MAX_UNESCAPE_LEVELS; level++) {
    const decoded = unescapedView(view, marks, escaped);
    if (decoded === undefined) break;
    const prev = map;
    map = prev === undefined ? decoded.map : decoded.map.map((i) => prev[i]);
    view = decoded.text;
    const found: Candidate[] = [];
    escaped = startEscapedLines();
    marks = collect(view, c, found, undefined, escaped);
    mapCandidates(found, map, out);
  }

  if (b64 === undefined) return;
  let budget = MAX_BASE64_DECODED;
  let covered: Candidate[] | undefined;
  let next = 0;
  let reach = -1;
  for (const [s, e] of b64.runs) {
    if (e - s > budget) break;
    if (!base64HeadIsText(text, s)) continue;
    // A run inside a value already found needs no second look. Runs come in text order: sweep
    // the specific candidates sorted by start, keeping the furthest end seen so far.
    covered ??= out.filter((x) => x.priority >= PRIORITY_SPECIFIC).sort((a, b) =>
      a.start - b.start
    );
    while (next < covered.length && covered[next].start <= s) {
      reach = Math.max(reach, covered[next].end);
      next++;
    }
    if (e <= reach) continue;
    const decoded = decodeRunText(text.slice(s, e));
    if (decoded === undefined) continue;
    budget -= e - s;
    const inner: Candidate[] = [];
    gather(decoded, c, depth + 1, inner);
    for (const x of dedupe(inner)) {
      out.push({ ...x, start: s, end: e, at: s, valueEnd: e, note: "base64-encoded" });
    }
  }
}

/** Finds, de-duplicates and orders the candidates in one string. */
function candidatesIn(text: string, rules: readonly Rule[]): Candidate[] {
  if (text.length === 0) return [];
  const candidates: Candidate[] = [];
  gather(text, compile(rules), 0, candidates);
  if (candidates.length === 0) return [];
  return dedupe(candidates).sort((a, b) => a.at - b.at || a.order - b.order);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
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

/**
 * A finding together with what only the policy step may see: the matched value and its span in
 * the scanned string. Internal to `src/scan`; never exported from `mod.ts`, never rendered.
 */
export interface DetailedFinding {
  /** The public finding (no value). */
  finding: Finding;
  /** The rule that matched. */
  rule: Rule;
  /** The matched value. Never log, render or return it. */
  value: string;
  /** Span of the value in the scanned string (the whole base64 run for a decoded match). */
  start: number;
  /** End of that span. */
  end: number;
}

/** Turns candidates (positions relative to `text` plus `offset`) into findings for `path`. */
function toDetailed(
  text: string,
  path: string,
  kept: Candidate[],
  offset = 0,
): DetailedFinding[] {
  if (kept.length === 0) return [];
  // Line numbers: candidates come in text order, so newlines are counted forward from the
  // previous one (only up to the last finding); otherwise from a table of line starts.
  let inOrder = true;
  for (let i = 1; i < kept.length && inOrder; i++) inOrder = kept[i].at >= kept[i - 1].at;
  const starts = inOrder ? undefined : lineStarts(text);
  let line = 0;
  let lineStart = 0;
  let nextBreak = text.indexOf("\n");
  return kept.map((c) => {
    const at = c.at - offset;
    if (starts === undefined) {
      while (nextBreak !== -1 && nextBreak < at) {
        line++;
        lineStart = nextBreak + 1;
        nextBreak = text.indexOf("\n", lineStart);
      }
    } else {
      line = lastAtOrBefore(starts, at);
      lineStart = starts[line];
    }
    const finding: Finding = {
      rule: c.rule.id,
      description: c.note === undefined ? c.rule.description : `${c.rule.description} (${c.note})`,
      path,
      line: line + 1,
      column: at - lineStart + 1,
      preview: maskPreview(c.value),
      group: c.rule.group,
      fingerprint: fingerprint(c.value, c.rule.id),
    };
    return { finding, rule: c.rule, value: c.value, start: at, end: c.valueEnd - offset };
  });
}

/**
 * Scans one string. Findings point at the start of each secret value: `line` and `column` are
 * 1-based within `text` (matches found in the JSON-unescaped view are mapped back to where their
 * escaped form starts in `text`; matches inside base64 point at the start of the base64 run).
 * Sorted by position; each secret reported once.
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
  return scanTextDetailed(text, path, rules).map((d) => d.finding);
}

/** {@link scanText} with the internal details the policy step needs. Internal to `src/scan`. */
export function scanTextDetailed(
  text: string,
  path: string = DEFAULT_TEXT_PATH,
  rules: readonly Rule[] = RULES,
): DetailedFinding[] {
  return toDetailed(text, path, candidatesIn(text, rules));
}

/**
 * Separates fields when many are scanned as one text. It holds a NUL, which no secret contains,
 * between line breaks, so line-anchored patterns still see each field start a line.
 */
const FIELD_SEPARATOR = "\n\u0000\n";

/** One scanned string of a record, and where it sits. Internal to `src/scan`. */
export interface FieldRef {
  /** The string scanned (a value, an object key, or a large integer's digits). */
  text: string;
  /** The field path reported in findings. */
  path: string;
  /** The object or array holding the value (undefined for the root). */
  holder: object | undefined;
  /** The property name or array index in `holder`. */
  key: string | number;
  /** What the string is: a string value, an object key, or a number's digits. */
  kind: "value" | "key" | "number";
}

/**
 * Scans many fields at once: their texts are joined and scanned in one pass (per-call costs such
 * as the keyword prefilter are paid once, not per field), and each match is mapped back to its
 * field. A match that spans a separator belongs to no field: every field it touches is scanned
 * again on its own, and only those results count for them, so joining never hides or invents a
 * finding.
 */
function scanFields(
  items: readonly FieldRef[],
  rules: readonly Rule[],
): { field: FieldRef; found: DetailedFinding[] }[] {
  const live = items.filter((i) => i.text.length > 0);
  if (live.length === 0) return [];
  if (live.length === 1) {
    return [{ field: live[0], found: scanTextDetailed(live[0].text, live[0].path, rules) }];
  }
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
  const out: { field: FieldRef; found: DetailedFinding[] }[] = [];
  for (const [i, list] of perField) {
    if (rescan.has(i)) continue;
    out.push({ field: live[i], found: toDetailed(live[i].text, live[i].path, list, starts[i]) });
  }
  for (const i of rescan) {
    out.push({ field: live[i], found: scanTextDetailed(live[i].text, live[i].path, rules) });
  }
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

/** One finding of {@link scanRecordDetailed}, with the field it was found in. */
export interface RecordFinding extends DetailedFinding {
  /** The field the value was found in. */
  field: FieldRef;
}

/** Orders findings by path, then position, then rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  return comparePaths(a.path, b.path) || a.line - b.line || a.column - b.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/**
 * {@link scanRecord} with the internal details the policy step needs (each finding's value,
 * span and field). Internal to `src/scan`.
 */
export function scanRecordDetailed(
  record: unknown,
  rules: readonly Rule[] = RULES,
): RecordFinding[] {
  const out: RecordFinding[] = [];
  const fields: FieldRef[] = [];
  const keyResults = new Map<string, DetailedFinding[]>();
  const scanKey = (key: string): DetailedFinding[] => {
    let found = keyResults.get(key);
    if (found === undefined) {
      found = scanTextDetailed(key, "", rules);
      keyResults.set(key, found);
    }
    return found;
  };
  const seen = new WeakSet<object>();
  const stack: {
    value: unknown;
    path: string;
    holder: object | undefined;
    key: string | number;
  }[] = [{ value: record, path: "", holder: undefined, key: "" }];
  while (stack.length > 0) {
    const { value, path, holder, key } = stack.pop()!;
    const here = path === "" ? ROOT_PATH : path;
    if (typeof value === "string") {
      fields.push({ text: value, path: here, holder, key, kind: "value" });
    } else if (typeof value === "number" || typeof value === "bigint") {
      const s = value.toString();
      if (/^\d{13,}$/.test(s)) fields.push({ text: s, path: here, holder, key, kind: "number" });
    } else if (typeof value === "object" && value !== null) {
      if (seen.has(value)) continue;
      seen.add(value);
      if (Array.isArray(value)) {
        value.forEach((v, i) =>
          stack.push({ value: v, path: `${path}[${i}]`, holder: value, key: i })
        );
      } else {
        Object.keys(value).forEach((k, n) => {
          const keyFindings = scanKey(k);
          const keyPath = `${path}[key #${n}] (key)`;
          const keyField: FieldRef = { text: k, path: keyPath, holder: value, key: k, kind: "key" };
          for (const f of keyFindings) {
            out.push({ ...f, finding: { ...f.finding, path: keyPath }, field: keyField });
          }
          const masked = keyFindings.length > 0 || k.length > MAX_SHOWN_KEY;
          const segment = masked
            ? `${path}[key #${n}]`
            : IDENTIFIER.test(k)
            ? childPath(path, k)
            : `${path}[${JSON.stringify(k)}]`;
          stack.push({
            value: (value as Record<string, unknown>)[k],
            path: segment,
            holder: value,
            key: k,
          });
        });
      }
    }
  }
  for (const { field, found } of scanFields(fields, rules)) {
    for (const f of found) out.push({ ...f, field });
  }
  return out.sort((a, b) => compareFindings(a.finding, b.finding));
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
  return scanRecordDetailed(record, rules).map((d) => d.finding);
}
