/**
 * Parsing ages and time-to-live values: `90d`, `12h`, `30m`, `45s`, `2w`, `1y`, or an ISO date.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Parses a duration such as `90d` into milliseconds; USAGE on anything else. */
export function parseDuration(text: string, name: string): number {
  const m = /^(\d{1,6})([smhdwy])$/.exec(text.trim());
  if (!m) {
    throw new LumeraError("USAGE", `${name} must be a duration like 45s, 30m, 12h, 90d, 2w or 1y`, {
      hint: "e.g. --ttl 30d",
    });
  }
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** A cutoff time (ms since epoch) from a duration before `now` or an absolute ISO date. */
export function parseCutoff(text: string, name: string, now = Date.now()): number {
  if (/^\d{1,6}[smhdwy]$/.test(text.trim())) return now - parseDuration(text, name);
  const ms = new Date(text).getTime();
  if (text.length > 64 || Number.isNaN(ms)) {
    throw new LumeraError("USAGE", `${name} must be a duration (90d) or an ISO date`, {
      hint: "e.g. --older-than 90d or --older-than 2026-01-01",
    });
  }
  return ms;
}
