/**
 * Index entries for the index-only benches (`micro.ts`, `query_shapes.ts`): a generated 2–6 KiB
 * session, normalized, under a made-up pointer and content id (no blob is written).
 *
 * @module
 */

import type { IndexEntry } from "../src/index/memory_index.ts";
import { normalizeRecord } from "../src/record/schema.ts";
import { session } from "./corpus.ts";

const hex = (i: number, salt: string) => (salt + i.toString(16)).padStart(64, "0").slice(-64);

/** Entry `n`: session `n` of 2–6 KiB (its size and text drawn from `rand`). */
export function generatedEntry(n: number, rand: () => number): IndexEntry {
  return {
    pointer: `cascade://${hex(n, "a")}`,
    contentId: hex(n, "c"),
    record: normalizeRecord(session(n, 2_000 + Math.floor(rand() * 4_000), rand)),
    storedMs: Date.now(),
    storedBytes: 2_000,
    recordBytes: 4_000,
    keyId: "0123456789abcdef",
  };
}
