/**
 * The keyed content id: HMAC-SHA-256 of the canonical record under a subkey. Equal content gets
 * the same id (dedup) while a plain content hash never leaves the machine.
 *
 * @module
 */

import { canonicalJson, type MemoryRecord } from "../record/schema.ts";
import { bytesToHex } from "./hex.ts";
import type { KeyRing } from "./keys.ts";

/** Computes the keyed content id (64 lowercase hex) of a canonical record. */
export function contentId(keys: KeyRing, record: MemoryRecord): Promise<string> {
  return contentIdOfBytes(keys, new TextEncoder().encode(canonicalJson(record)));
}

/** The keyed content id of already-serialized canonical JSON bytes. */
export async function contentIdOfBytes(keys: KeyRing, canonical: Uint8Array): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", keys.contentIdKey, canonical as BufferSource);
  return bytesToHex(new Uint8Array(mac));
}
