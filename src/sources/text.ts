/**
 * Small text helpers shared by the source readers: bounded truncation that never splits a
 * surrogate pair, one-line cleanup for messages, slugs and compact timestamps.
 *
 * @module
 */

/** A plain JSON object (not null, not an array). */
export type Obj = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The string value of `v`, or `undefined` when it is not a string. */
export function strOf(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Index to cut `s` at (≤ `max`) without splitting a UTF-16 surrogate pair. */
function cutIndex(s: string, max: number): number {
  if (max <= 0) return 0;
  if (s.length <= max) return s.length;
  const c = s.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}

/**
 * Truncates `s` to at most `max` characters (UTF-16 code units), ending with `…` when cut.
 * The result's length, ellipsis included, never exceeds `max`.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return s.slice(0, cutIndex(s, max - 1)) + "…";
}

/**
 * Keeps the first `max` characters of `s` and, when it was longer, appends a visible marker
 * `…[truncated: kept N of M characters]` so readers know the text is incomplete.
 */
export function truncateMarked(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, cutIndex(s, max))}\n…[truncated: kept ${max} of ${s.length} characters]`;
}

/** Collapses whitespace and control characters to single spaces and trims. */
export function oneLine(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\s]+/g, " ").trim();
}

/** A one-line, bounded version of untrusted text for error messages and hints. */
export function cleanForMessage(s: string, max = 300): string {
  return truncate(oneLine(s), max);
}

/** True when `s` contains a control character other than tab, newline or carriage return. */
export function hasControlChars(s: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
}

/** A readable ASCII slug: lowercase letters, digits and `-`, at most `max` characters. */
export function slugify(s: string, max = 48): string {
  const slug = s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "") // accents dropped: "é" → "e"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, max).replace(/-+$/, "");
}

/** `2026-03-14T10:15:00.000Z` → `20260314T101500Z` (seconds precision, UTC). */
export function compactIso(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
}

/** Canonical ISO time for an ISO string or epoch milliseconds, or `undefined` when invalid. */
export function isoOrUndefined(v: unknown): string | undefined {
  let d: Date;
  if (typeof v === "number" && Number.isFinite(v)) d = new Date(v);
  else if (typeof v === "string" && v.length > 0 && v.length <= 64) d = new Date(v);
  else return undefined;
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
