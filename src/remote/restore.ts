/**
 * `restore`: rebuilds the index of a new (or damaged) data home from the newest manifest on
 * Cascade, with only the key and the paying account. Steps: list the account's actions; keep
 * those whose file name is a manifest name of a loaded key; download the newest that opens with
 * the key; record its segments, tombstones and memories (each memory as an index row built from
 * the manifest, blob not yet local). Retrieving a memory then fetches its segment on demand
 * (`fetcher.ts`); `--fetch-all` downloads every segment now and re-indexes full texts.
 *
 * Re-running is safe: memories already indexed are kept, forgotten ones stay forgotten.
 *
 * @module
 */

import type { CascadeRemote } from "../cascade/remote.ts";
import { LumeraError } from "../errors.ts";
import { type MemoryRecord, RECORD_KINDS, type RecordKind } from "../record/schema.ts";
import type { LocalMemoryService } from "../service/memory_service.ts";
import { parsePointer } from "../store/pointer.ts";
import { SegmentFetcher } from "./fetcher.ts";
import {
  collectManifest,
  type ManifestEntry,
  manifestFileName,
  type ManifestPayload,
  openManifestFile,
} from "./manifest.ts";

/** What a restore did. */
export interface RestoreReport {
  /** The manifest used. */
  manifest: { action_id: string; seq: number; created_at: string };
  /** Memories the manifest lists. */
  listed: number;
  /** Index rows created from it. */
  restored: number;
  /** Memories that were already indexed here. */
  already_indexed: number;
  /** Memories skipped because they were forgotten (a tombstone here or in the manifest). */
  forgotten: number;
  /** Entries that could not be used (malformed). */
  invalid: number;
  /** Tombstones in the manifest. */
  tombstones: number;
  /** Segments the manifest lists. */
  segments: number;
  /** With `fetchAll`: blobs fetched and segments downloaded. */
  fetched?: number;
  /** With `fetchAll`: segment downloads. */
  downloads?: number;
  /** Newer manifests found that this key could not open (another key's, or damaged). */
  skipped_manifests: number;
}

/** Options of {@link restoreFromRemote}. */
export interface RestoreOptions {
  /** Download every segment now and re-index full texts. */
  fetchAll?: boolean;
  /** Clock (ms since epoch). */
  clock?: () => number;
}

function isEntry(e: unknown): e is ManifestEntry {
  if (typeof e !== "object" || e === null) return false;
  const x = e as Record<string, unknown>;
  const str = (k: string) => typeof x[k] === "string";
  const int = (k: string) => Number.isSafeInteger(x[k]);
  const optStr = (k: string) => x[k] === undefined || str(k);
  const optInt = (k: string) => x[k] === undefined || int(k);
  return str("p") && /^[0-9a-f]{64}$/.test(x.p as string) && str("c") && str("sid") &&
    str("kind") && RECORD_KINDS.includes(x.kind as RecordKind) && str("tool") && str("sum") &&
    int("ok") && int("ts") && int("st") && int("part") && int("sb") && int("rb") && str("key") &&
    Array.isArray(x.tags) && x.tags.every((t) => typeof t === "string") && str("text") &&
    int("f") && str("a") && /^[0-9]{1,20}$/.test(x.a as string) && int("o") && int("l") &&
    optStr("ws") && optStr("title") && optStr("br") && optInt("start") && optInt("end") &&
    optInt("exp") && optInt("msgs");
}

/** The index record a manifest entry stands for (its text in `body`, no messages). */
function stubRecord(e: ManifestEntry): MemoryRecord {
  const r: MemoryRecord = {
    schema_version: 1,
    kind: e.kind as RecordKind,
    session_id: e.sid,
    timestamp: new Date(e.ts).toISOString(),
    tool_name: e.tool,
    success: e.ok === 1,
    summary: e.sum,
    tags: e.tags,
  };
  if (e.title !== undefined) r.title = e.title;
  if (e.text !== "") r.body = e.text;
  if (e.ws !== undefined) r.workspace = e.ws;
  if (e.br !== undefined) r.git_branch = e.br;
  if (e.start !== undefined) r.started_at = new Date(e.start).toISOString();
  if (e.end !== undefined) r.ended_at = new Date(e.end).toISOString();
  if (e.part > 1) r.part = e.part;
  return r;
}

/** Finds and opens the newest manifest of this account that a loaded key can open. */
async function newestManifest(
  service: LocalMemoryService,
  remote: CascadeRemote,
): Promise<
  { actionId: string; fileName: string; price: bigint; payload: ManifestPayload; skipped: number }
> {
  const names = new Set<string>();
  for (const id of service.keys.knownKeyIds()) {
    const ring = await service.keys.ring(id);
    if (ring !== undefined) names.add(await manifestFileName(ring));
  }
  const candidates = (await remote.listOwnActions())
    .filter((a) => names.has(a.fileName) && (a.state === "DONE" || a.state === "APPROVED"))
    .sort((a, b) => (BigInt(b.actionId) > BigInt(a.actionId) ? 1 : -1));
  let skipped = 0;
  for (const c of candidates) {
    try {
      const payload = await openManifestFile(service.keys, await remote.download(c.actionId));
      return { actionId: c.actionId, fileName: c.fileName, price: c.priceUlume, payload, skipped };
    } catch (err) {
      if (!(err instanceof LumeraError) || !["INTEGRITY", "WRONG_KEY"].includes(err.code)) {
        throw err;
      }
      skipped++;
    }
  }
  throw new LumeraError(
    "NOT_FOUND",
    `no manifest that this key can open was found for account ${remote.address}`,
    {
      hint: skipped > 0
        ? "the manifests found are damaged or sealed with another key: load that key"
        : "run `lumera-memory sync` on the machine that holds the store first (it uploads the manifest)",
    },
  );
}

/** Rebuilds the index from the newest manifest (see the module doc). */
export async function restoreFromRemote(
  service: LocalMemoryService,
  remote: CascadeRemote,
  options: RestoreOptions = {},
): Promise<RestoreReport> {
  const clock = options.clock ?? Date.now;
  const { actionId, fileName, price, payload, skipped } = await newestManifest(service, remote);
  const remoteIndex = service.remoteIndex;
  const report: RestoreReport = {
    manifest: { action_id: actionId, seq: payload.seq, created_at: String(payload.created_at) },
    listed: payload.memories.length,
    restored: 0,
    already_indexed: 0,
    forgotten: 0,
    invalid: 0,
    tombstones: 0,
    segments: 0,
    skipped_manifests: skipped,
  };
  const now = clock();
  remoteIndex.transaction(() => {
    for (const t of payload.tombstones) {
      if ((t.kind !== "content" && t.kind !== "session") || typeof t.value !== "string") continue;
      remoteIndex.addTombstone(t.kind, t.value, t.key_id ?? null, now);
      report.tombstones++;
    }
  });
  const uploads = new Map<string, number>();
  for (const seg of payload.segments) {
    if (typeof seg.action_id !== "string" || !/^[0-9a-f]{32}$/.test(String(seg.file_name))) {
      continue;
    }
    uploads.set(
      seg.action_id,
      remoteIndex.recordFinalized({
        kind: "segment",
        fileName: seg.file_name,
        actionId: seg.action_id,
        dataHash: seg.data_hash ?? "",
        priceUlume: seg.price_ulume ?? "0",
        bytes: seg.bytes,
      }, now),
    );
    report.segments++;
  }
  const restoredIds: string[] = [];
  for (const e of payload.memories) {
    if (!isEntry(e) || !uploads.has(e.a)) {
      report.invalid++;
      continue;
    }
    const pointer = `cascade://${e.p}`;
    const uploadId = uploads.get(e.a)!;
    if (service.index.hasPointer(pointer)) {
      remoteIndex.addMember(pointer, uploadId, e.o, e.l, true);
      report.already_indexed++;
      continue;
    }
    if (service.index.isForgotten(e.c, e.tool, e.sid)) {
      report.forgotten++;
      continue;
    }
    // The row and its remote location commit together: a row without its location would look
    // like a local memory waiting for upload, whose blob is not here.
    const inserted = remoteIndex.transaction(() => {
      const outcome = service.index.insert({
        pointer,
        contentId: e.c,
        record: stubRecord(e),
        storedMs: e.st,
        storedBytes: e.sb,
        recordBytes: e.rb,
        keyId: e.key,
        expiresMs: e.exp,
      });
      if (outcome.duplicate) return false;
      remoteIndex.setMessageCount(pointer, e.msgs ?? null);
      remoteIndex.addMember(pointer, uploadId, e.o, e.l, e.f === 1);
      return true;
    });
    if (!inserted) {
      report.already_indexed++;
      continue;
    }
    restoredIds.push(e.p);
    report.restored++;
  }
  // Record the manifest itself, with the digest of what is now indexed, so the next sync does not
  // upload an identical one.
  const { digest } = await collectManifest(remoteIndex);
  remoteIndex.recordFinalized({
    kind: "manifest",
    fileName: `${fileName}.${payload.seq}`,
    actionId,
    dataHash: "",
    priceUlume: price.toString(),
    manifestSeq: payload.seq,
    manifestDigest: digest,
  }, now);
  if (options.fetchAll) {
    const fetcher = new SegmentFetcher(service, () => Promise.resolve(remote));
    let fetched = 0;
    for (const row of remoteIndex.finalizedLocations()) {
      const id = parsePointer(row.pointer);
      if (await service.blobs.has(id)) continue;
      if (await fetcher.fetchEnvelope(id) !== undefined) fetched++;
    }
    report.fetched = fetched;
    report.downloads = fetcher.downloads;
  }
  return report;
}
