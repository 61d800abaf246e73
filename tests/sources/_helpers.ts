/**
 * Helpers for the source tests: fixture paths and child environments that put the stand-in
 * `cm` / `cass` executables (tests/fixtures/bin) on PATH, or nothing at all.
 *
 * @module
 */

import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";

/** tests/fixtures, absolute. */
export const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

/** The stand-in executables' directory. */
export const BIN = `${FIXTURES}bin`;

/** Absolute path of a fixture file. */
export function fixture(rel: string): string {
  return `${FIXTURES}${rel}`;
}

/** A child environment with the stand-ins first on PATH (the rest of PATH for bash, sleep…). */
export function standinEnv(): Record<string, string> {
  return { PATH: `${BIN}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` };
}

/** A child environment whose PATH holds neither `cm` nor `cass` (tests/fixtures/no-tools). */
export function noToolsEnv(): Record<string, string> {
  return { PATH: `${FIXTURES}no-tools` };
}

/** Asserts that `p` rejects with a {@link LumeraError} of `code`, and returns it. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<LumeraError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof LumeraError, `expected a LumeraError, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** Asserts that `fn` throws a {@link LumeraError} of `code`, and returns it. */
export function throwsWith(fn: () => unknown, code: string): LumeraError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof LumeraError, `expected a LumeraError, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** Reads a .jsonl fixture as the array `cass export --format json` would print. */
export async function jsonlFixture(rel: string): Promise<unknown[]> {
  const text = await Deno.readTextFile(fixture(rel));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}
