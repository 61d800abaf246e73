/**
 * Sweeping orphan blobs (blobs no index row points at) after an interrupted forget or key
 * re-encryption. An orphan is removed only when it is provably unwanted: its content or session
 * was forgotten, or the index already holds the same content under another pointer (a superseded
 * copy). Anything else is kept: it may be the only copy of a memory (`reindex` adopts it).
 *
 * @module
 */

import { contentId } from "../../crypto/content_id.ts";
import type { BlobId } from "../../store/pointer.ts";
import { toPointer } from "../../store/pointer.ts";
import type { LocalMemoryService } from "../memory_service.ts";

/** What a sweep did. */
export interface SweepResult {
  /** Orphans removed as forgotten or superseded. */
  removed: number;
  /** Orphans kept (unknown content, or unreadable with the loaded keys). */
  kept: number;
}

/** Removes orphan blobs that are forgotten or superseded; keeps every other orphan. */
export async function sweepOrphans(service: LocalMemoryService): Promise<SweepResult> {
  const indexed = new Set(service.index.allRows().map((r) => r.pointer));
  const orphans: BlobId[] = [];
  for await (const id of service.blobs.list()) {
    if (!indexed.has(toPointer(id))) orphans.push(id);
  }
  let removed = 0;
  let kept = 0;
  for (const id of orphans) {
    let payload;
    try {
      payload = await service.openPayload(id);
    } catch {
      kept++;
      continue;
    }
    const index = service.index;
    const forgotten = index.isForgotten(
      payload.content_id,
      payload.record.tool_name,
      payload.record.session_id,
    );
    const currentId = await contentId(service.keys.current, payload.record);
    const superseded = index.pointerForContent(payload.content_id) !== undefined ||
      index.pointerForContent(currentId) !== undefined;
    if (forgotten || superseded) {
      await service.blobs.delete(id);
      removed++;
    } else kept++;
  }
  return { removed, kept };
}
