/**
 * Test helpers: throwaway data homes and keys.
 *
 * @module
 */

import { bytesToHex } from "../../src/crypto/hex.ts";

/** A fresh random master key as 64 hex characters. */
export function randomKeyHex(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** Creates a temporary data home; remove it with `Deno.remove(home, { recursive: true })`. */
export function tempHome(): Promise<string> {
  return Deno.makeTempDir({ prefix: "lumera-memory-test-" });
}

/** An env lookup that returns only the given variables. */
export function envOf(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

/** Lists every file under a directory (relative paths), for "nothing was written" assertions. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string, prefix: string) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory) await walk(`${d}/${e.name}`, rel);
      else out.push(rel);
    }
  }
  await walk(dir, "");
  return out.sort();
}
