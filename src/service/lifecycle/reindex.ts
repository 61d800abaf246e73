/**
 * Rebuilding the index from the blobs alone: every blob carries its record, content id and store
 * time inside its ciphertext. Rows whose blob is gone are dropped; blobs the index does not know
 * are opened and adopted, except forgotten ones (removed) and copies of content already indexed
 * (removed); blobs that cannot be opened are reported and left alone.
 *
 * @module
 */

import { parsePointer, toPointer } from "../../store/pointer.ts";
import type { LocalMemoryService } from "../memory_service.ts";
import { adoptBlob } from "./adopt.ts";

/** What a reindex did. */
export interface ReindexResult {
  /** Index rows checked. */
  rows: number;
  /** Rows dropped because their blob is missing. */
  dropped: string[];
  /** Blobs adopted into the index. */
  adopted: number;
  /** Blobs removed as forgotten or as copies of indexed content. */
  removed: number;
  /** Blobs that could not be opened (wrong key, corrupt): pointers with the reason. */
  unreadable: { pointer: string; reason: string }[];
  /** Temporary files of interrupted stores removed (older than {@link LEFTOVER_AGE_MS}). */
  leftovers_removed: number;
  /** Temporary files kept because they are recent (a store may still be writing them). */
  leftovers_kept: number;
}

/** Temporary files younger than this may belong to a store under way and are kept. */
export const LEFTOVER_AGE_MS = 60_000;

/** Rebuilds the index from the blobs. `onProgress(done, total)` counts blobs examined. */
export async function reindexFromBlobs(
  service: LocalMemoryService,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ReindexResult> {
  const index = service.index;
  const rows = index.allRows();
  const result: ReindexResult = {
    rows: rows.length,
    dropped: [],
    adopted: 0,
    removed: 0,
    unreadable: [],
    leftovers_removed: 0,
    leftovers_kept: 0,
  };
  for (const row of rows) {
    if (!(await service.blobs.has(parsePointer(row.pointer)))) {
      index.removePointer(row.pointer);
      result.dropped.push(row.pointer);
    }
  }
  const indexed = new Set(index.allRows().map((r) => r.pointer));
  const ids = [];
  for await (const id of service.blobs.list()) if (!indexed.has(toPointer(id))) ids.push(id);
  let done = 0;
  for (const id of ids) {
    const pointer = toPointer(id);
    try {
      if ((await adoptBlob(service, id)) === "adopted") result.adopted++;
      else result.removed++;
    } catch (err) {
      result.unreadable.push({
        pointer,
        reason: err instanceof Error ? err.message : "unreadable",
      });
    }
    onProgress(++done, ids.length);
  }
  const swept = await service.blobs.sweepLeftovers(LEFTOVER_AGE_MS);
  result.leftovers_removed = swept.removed;
  result.leftovers_kept = swept.kept;
  return result;
}
