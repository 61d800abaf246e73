/**
 * The blob store interface: content-addressed, immutable bytes. Backends: the local file system
 * (default) and, later, Lumera Cascade.
 *
 * @module
 */

import type { BlobId } from "./pointer.ts";

/** A content-addressed blob store. Every implementation re-checks the hash on read. */
export interface BlobStore {
  /** Stores bytes; returns their SHA-256 id. Idempotent: an existing identical blob is success. */
  put(bytes: Uint8Array): Promise<BlobId>;
  /** Returns the bytes of a blob after checking they hash to `id`: NOT_FOUND or INTEGRITY. */
  get(id: BlobId): Promise<Uint8Array>;
  /** True when the blob exists (does not read or check its content). */
  has(id: BlobId): Promise<boolean>;
  /** Lists every blob id in the store. */
  list(): AsyncIterable<BlobId>;
  /** Removes a blob durably; removing a missing blob is success. */
  delete(id: BlobId): Promise<void>;
  /** Counts temporary files left by writes that were interrupted (a crash mid-`put`). */
  countLeftovers(): Promise<number>;
  /**
   * Removes temporary files left by interrupted writes that are older than `olderThanMs` (younger
   * ones may belong to a write still under way in another process).
   */
  sweepLeftovers(olderThanMs: number): Promise<{ removed: number; kept: number }>;
  /** Releases what the store holds open (a prepared temporary file); writes still work after. */
  close(): Promise<void>;
}
