/**
 * Re-encryption after `key rotate`: every memory sealed under an older key is opened, sealed again
 * under the current key, written durably, and its index row moved to the new pointer in one
 * transaction; only then is the old blob deleted. Interrupted at any point, nothing is lost (the old
 * blob stays until its row has moved) and running it again resumes where it stopped; a final sweep
 * removes copies left by an interruption.
 *
 * @module
 */

import { contentIdOfBytes } from "../../crypto/content_id.ts";
import { seal } from "../../crypto/envelope.ts";
import { canonicalJson } from "../../record/schema.ts";
import { parsePointer, toPointer } from "../../store/pointer.ts";
import type { LocalMemoryService } from "../memory_service.ts";
import { payloadBytes } from "../memory_service.ts";
import { sweepOrphans } from "./sweep.ts";

/** What a re-encryption did. */
export interface ReencryptResult {
  /** The key everything is now sealed with. */
  key_id: string;
  /** Memories re-sealed in this run. */
  reencrypted: number;
  /** Memories that turned out to duplicate one already under the current key (merged). */
  merged: number;
  /** Memories still under another key (their key is not loaded): pointers. */
  skipped: string[];
  /** Orphan copies removed by the final sweep. */
  swept: number;
}

/** Re-seals every memory that is not under the current key. `onProgress(done, total)`. */
export async function reencryptAll(
  service: LocalMemoryService,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ReencryptResult> {
  const current = service.keys.current;
  const todo = service.index.allRows().filter((r) => r.key_id !== current.keyIdHex);
  const result: ReencryptResult = {
    key_id: current.keyIdHex,
    reencrypted: 0,
    merged: 0,
    skipped: [],
    swept: 0,
  };
  let done = 0;
  for (const row of todo) {
    const oldId = parsePointer(row.pointer);
    let payload;
    try {
      payload = await service.openPayload(oldId);
    } catch {
      result.skipped.push(row.pointer);
      onProgress(++done, todo.length);
      continue;
    }
    const canonical = new TextEncoder().encode(canonicalJson(payload.record));
    const newContentId = await contentIdOfBytes(current, canonical);
    const existing = service.index.pointerForContent(newContentId);
    if (existing !== undefined && existing !== row.pointer) {
      // The same content is already stored under the current key: drop this copy.
      service.index.removePointer(row.pointer);
      await service.blobs.delete(oldId);
      result.merged++;
      onProgress(++done, todo.length);
      continue;
    }
    const envelope = await seal(
      current,
      payloadBytes(newContentId, payload.stored_at, canonical, payload.expires_at),
    );
    const newId = await service.blobs.put(envelope);
    const moved = service.index.movePointer(row.pointer, {
      pointer: toPointer(newId),
      contentId: newContentId,
      storedBytes: envelope.byteLength,
      keyId: current.keyIdHex,
    });
    if (moved) {
      await service.blobs.delete(oldId);
      result.reencrypted++;
    }
    onProgress(++done, todo.length);
  }
  result.swept = (await sweepOrphans(service)).removed;
  return result;
}
