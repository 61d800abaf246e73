/**
 * Adopting a blob the index does not know: the record, content id, store time and expiry sealed
 * inside it become its index row. Forgotten content and copies of content already indexed are
 * deleted instead. Used by `reindex` and `import-archive`.
 *
 * @module
 */

import { canonicalJson } from "../../record/schema.ts";
import { type BlobId, toPointer } from "../../store/pointer.ts";
import type { LocalMemoryService } from "../memory_service.ts";

/** What became of an adopted blob. */
export type AdoptOutcome = "adopted" | "forgotten" | "duplicate";

/** Opens blob `id` (throws when it cannot be opened) and indexes it, or deletes it. */
export async function adoptBlob(service: LocalMemoryService, id: BlobId): Promise<AdoptOutcome> {
  const payload = await service.openPayload(id);
  const { record } = payload;
  if (service.index.isForgotten(payload.content_id, record.tool_name, record.session_id)) {
    await service.blobs.delete(id);
    return "forgotten";
  }
  const outcome = service.index.insert({
    pointer: toPointer(id),
    contentId: payload.content_id,
    record,
    storedMs: new Date(payload.stored_at).getTime() || Date.now(),
    storedBytes: payload.envelopeBytes,
    recordBytes: new TextEncoder().encode(canonicalJson(record)).byteLength,
    keyId: payload.keyIdHex,
    expiresMs: payload.expires_at === undefined
      ? undefined
      : new Date(payload.expires_at).getTime(),
  });
  if (outcome.duplicate) {
    await service.blobs.delete(id);
    return "duplicate";
  }
  return "adopted";
}
