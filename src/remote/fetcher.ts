/**
 * The retrieve fallback: a memory whose blob is not on local disk is read from the segment that
 * holds it on Cascade. The segment is downloaded once (the protocol client checks its on-chain
 * BLAKE3 hash), cached under `<home>/segments/<action id>`, its directory opened with the key,
 * and the member's slice checked against the pointer (SHA-256) before it is stored locally and
 * decrypted. Memories of an already cached segment need no network at all.
 *
 * A memory restored from a manifest has only a stub in the index (its text cut); when its blob
 * is fetched the row is rebuilt from the full record, so full-text search covers it again.
 *
 * @module
 */

import type { CascadeRemote } from "../cascade/remote.ts";
import { LumeraError } from "../errors.ts";
import type { LocalMemoryService, RemoteFallback } from "../service/memory_service.ts";
import { adoptBlob } from "../service/lifecycle/adopt.ts";
import { type BlobId, toPointer } from "../store/pointer.ts";
import { readCachedSegment, removeCachedSegment, writeCachedSegment } from "./local_files.ts";
import {
  readSegmentDirectory,
  type SegmentEntry,
  segmentKeyId,
  sliceMember,
} from "./segment_format.ts";

interface OpenSegment {
  actionId: string;
  bytes: Uint8Array;
  entries: Map<string, SegmentEntry>;
}

/** Fetches memories from their Cascade segments (see the module doc). */
export class SegmentFetcher implements RemoteFallback {
  readonly #service: LocalMemoryService;
  readonly #remoteFactory: () => Promise<CascadeRemote>;
  readonly #inflight = new Map<string, Promise<OpenSegment>>();
  #last: OpenSegment | undefined;
  /** Segments downloaded from the remote by this fetcher (not served from the cache). */
  downloads = 0;

  /**
   * A fetcher over `service`'s home, asking `remote` for the remote on each download (and only
   * then); `remoteFactory` (open_remote.ts) connects once.
   */
  constructor(service: LocalMemoryService, remote: () => Promise<CascadeRemote>) {
    this.#service = service;
    this.#remoteFactory = remote;
  }

  /** See {@link RemoteFallback.fetchEnvelope}. */
  async fetchEnvelope(id: BlobId): Promise<Uint8Array | undefined> {
    const pointer = toPointer(id);
    const remoteIndex = this.#service.remoteIndex;
    const loc = remoteIndex.location(pointer);
    const actionId = loc?.upload.action_id;
    if (
      loc === undefined || loc.upload.kind !== "segment" || loc.upload.state !== "finalized" ||
      actionId === null || actionId === undefined
    ) {
      return undefined;
    }
    let bytes: Uint8Array;
    try {
      bytes = await this.#member(await this.#segment(actionId, false), id);
    } catch (err) {
      if (!(err instanceof LumeraError) || err.code !== "INTEGRITY") throw err;
      // A damaged cached copy: download it again, once.
      this.#last = undefined;
      await removeCachedSegment(this.#service.home, actionId);
      bytes = await this.#member(await this.#segment(actionId, true), id);
    }
    await this.#service.blobs.put(bytes);
    if (loc.member.body_indexed === 0) {
      // The index holds a stub from the manifest: rebuild the row from the full record.
      this.#service.index.removePointer(pointer);
      await adoptBlob(this.#service, id);
      remoteIndex.markBodyIndexed(pointer);
    }
    return bytes;
  }

  async #member(seg: OpenSegment, id: BlobId): Promise<Uint8Array> {
    const entry = seg.entries.get(id);
    if (entry === undefined) {
      throw new LumeraError(
        "INTEGRITY",
        `segment ${seg.actionId} does not hold ${toPointer(id)} although the index says so`,
        { hint: "run `lumera-memory restore` again to refresh the index from the latest manifest" },
      );
    }
    return await sliceMember(seg.bytes, entry, `segment ${seg.actionId}`);
  }

  /** The opened segment of `actionId`: from memory, the cache, or one download. */
  #segment(actionId: string, fresh: boolean): Promise<OpenSegment> {
    if (!fresh && this.#last?.actionId === actionId) return Promise.resolve(this.#last);
    const running = this.#inflight.get(actionId);
    if (running !== undefined) return running;
    const p = this.#load(actionId, fresh).finally(() => this.#inflight.delete(actionId));
    this.#inflight.set(actionId, p);
    return p;
  }

  async #load(actionId: string, fresh: boolean): Promise<OpenSegment> {
    const home = this.#service.home;
    if (!fresh) {
      const cached = await readCachedSegment(home, actionId);
      if (cached !== undefined) {
        try {
          return this.#keep(await this.#open(actionId, cached));
        } catch (err) {
          if (!(err instanceof LumeraError) || err.code !== "INTEGRITY") throw err;
          await removeCachedSegment(home, actionId);
        }
      }
    }
    const bytes = await (await this.#remoteFactory()).download(actionId);
    this.downloads++;
    const seg = await this.#open(actionId, bytes);
    await writeCachedSegment(home, actionId, bytes);
    return this.#keep(seg);
  }

  #keep(seg: OpenSegment): OpenSegment {
    this.#last = seg;
    return seg;
  }

  async #open(actionId: string, bytes: Uint8Array): Promise<OpenSegment> {
    const label = `segment ${actionId}`;
    const keyId = segmentKeyId(bytes, label);
    const ring = await this.#service.keys.ring(keyId);
    if (ring === undefined) {
      throw new LumeraError(
        "WRONG_KEY",
        `${label} was written with key ${keyId}, which is not loaded`,
        {
          hint: "load the key this store was written with (LUMERA_MEMORY_KEY or its key file)",
        },
      );
    }
    const entries = new Map<string, SegmentEntry>();
    for (const e of await readSegmentDirectory(ring, bytes, label)) entries.set(e.id, e);
    return { actionId, bytes, entries };
  }
}
