/**
 * The sync queue: turns pending memories into segments, uploads segments and manifests to
 * Cascade phase by phase, and records each step in the index so any process can resume after a
 * crash or a restart.
 *
 * One pass: (1) if the batching policy says so, claim the pending memories into new segments,
 * write each segment durably to the outbox, mark it `built`; (2) claim due uploads one at a time
 * (a lease in SQLite) and move each as far as it goes: register → upload → poll → finalize;
 * (3) when no segment is in flight and the finalized set or the tombstones changed, build a new
 * manifest and send it the same way.
 *
 * Failures: `REMOTE_UNAVAILABLE` (and anything unexpected) retries with exponential backoff and
 * jitter (5 s doubling to 1 h, stored per upload); `REMOTE_REJECTED` parks the upload as
 * `rejected` until the user runs `sync --retry-rejected`. A crash between broadcasting a
 * registration and saving its action id is recovered by looking the upload's unique opaque file
 * name up in `listOwnActions` (after a settle time, so a transaction still in flight is not paid
 * twice). A member forgotten before its segment's bytes were uploaded abandons that segment (an
 * unfinalized action expires and its fee is refunded) and the other members are queued again.
 *
 * @module
 */

import type { CascadeRemote } from "../cascade/remote.ts";
import type { BatchPolicy } from "../config/remote_config.ts";
import { LumeraError, toLumeraError } from "../errors.ts";
import { sha256Hex } from "../crypto/hex.ts";
import { type PendingMemory, type RemoteIndex, type UploadRow } from "../index/remote_index.ts";
import type { LocalMemoryService } from "../service/memory_service.ts";
import { parsePointer } from "../store/pointer.ts";
import { readOutbox, removeOutbox, writeOutbox } from "./local_files.ts";
import { buildManifestFile, collectManifest, manifestFileName } from "./manifest.ts";
import { type FlushReason, flushReason, planSegments } from "./policy.ts";
import { buildSegment, memberOffsets, randomFileName } from "./segment_format.ts";

import { batchingCostOf } from "./cost.ts";
/** How long a claimed upload stays leased to one syncer without news (10 min). */
export const LEASE_MS = 10 * 60 * 1000;
/** First retry delay after a transient failure. */
export const BACKOFF_BASE_MS = 5_000;
/** Longest retry delay. */
export const BACKOFF_MAX_MS = 60 * 60 * 1000;
/** Delay between polls of an upload in progress. */
export const POLL_MS = 3_000;
/**
 * How long after a registration attempt whose outcome is unknown the queue waits before it
 * registers again (when `listOwnActions` does not show it): the broadcast transaction is then
 * either included or gone.
 */
export const REGISTER_SETTLE_MS = 2 * 60 * 1000;
/** Upload attempts to a SuperNode before the upload is parked as rejected. */
export const MAX_UPLOAD_ATTEMPTS = 8;

/** What one `sync` run did. */
export interface SyncReport {
  /** True for `--dry-run`: nothing was written or sent. */
  dry_run: boolean;
  /** Why pending memories were (or would be) batched now, or `none`. */
  flush: FlushReason;
  /** Memories waiting for a segment before the run, and their bytes. */
  pending_before: { memories: number; bytes: number };
  /** Segments built in this run (or planned, in a dry run). */
  segments_built: number;
  /** Memories placed in those segments. */
  memories_batched: number;
  /** Padded bytes of those segments. */
  bytes_built: number;
  /** Uploads registered on chain in this run. */
  registered: number;
  /** Uploads handed to a SuperNode in this run. */
  uploaded: number;
  /** Uploads finalized in this run (segments and manifests). */
  finalized: number;
  /** Manifests built in this run. */
  manifests_built: number;
  /** Action prices plus gas fees paid in this run, in ulume. */
  fees_paid_ulume: number;
  /** In a dry run: the action fees the planned segments would cost (default fee parameters). */
  estimated_fee_ulume?: number;
  /** Uploads dropped because a member was forgotten or their outbox file was lost. */
  abandoned: number;
  /** Problems met (each upload retries later unless rejected). */
  errors: { upload: number; code: string; message: string }[];
  /** Work left: uploads still in flight, memories still pending, uploads parked as rejected. */
  remaining: { uploads: number; pending_memories: number; rejected: number };
  /** Memories skipped because their blob is not on local disk. */
  missing_blobs: number;
}

/** Options of a sync run. */
export interface SyncOptions {
  /** Batch every pending memory now, whatever the policy says. */
  now?: boolean;
  /** Plan only: no segment, no upload, no network. */
  dryRun?: boolean;
  /** Put uploads the remote refused back in the queue first. */
  retryRejected?: boolean;
  /** Keep polling until every upload is finalized or this many ms passed (default 0). */
  waitMs?: number;
}

/** What the engine needs. */
export interface SyncEngineDeps {
  /** The open local service (index, blobs, keys, home). */
  service: LocalMemoryService;
  /**
   * The remote, asked for on each use and first used only when there is work (so a dry run or an
   * empty queue needs no network); `remoteFactory` (open_remote.ts) connects once.
   */
  remote: () => Promise<CascadeRemote>;
  /** Batching policy. */
  policy: BatchPolicy;
  /** Clock (ms since epoch); tests pass their own. */
  clock?: () => number;
  /** Sleep between polls; tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Random in [0, 1) for the backoff jitter. */
  random?: () => number;
  /** This syncer's lease owner id (default: pid and a random suffix). */
  owner?: string;
}

/** The exponential backoff with jitter before attempt `attempts + 1`. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  return Math.round(base * (0.5 + random() * 0.5));
}

/** A report of a run that did nothing yet. */
export function emptySyncReport(dryRun: boolean): SyncReport {
  return {
    dry_run: dryRun,
    flush: "none",
    pending_before: { memories: 0, bytes: 0 },
    segments_built: 0,
    memories_batched: 0,
    bytes_built: 0,
    registered: 0,
    uploaded: 0,
    finalized: 0,
    manifests_built: 0,
    fees_paid_ulume: 0,
    abandoned: 0,
    errors: [],
    remaining: { uploads: 0, pending_memories: 0, rejected: 0 },
    missing_blobs: 0,
  };
}

/** The sync queue over one data home. */
export class SyncEngine {
  readonly #service: LocalMemoryService;
  readonly #index: RemoteIndex;
  readonly #remoteFactory: () => Promise<CascadeRemote>;
  readonly #policy: BatchPolicy;
  readonly #clock: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  /** This syncer's lease owner id. */
  readonly owner: string;

  /** Builds an engine (see {@link SyncEngineDeps}). */
  constructor(deps: SyncEngineDeps) {
    this.#service = deps.service;
    this.#index = deps.service.remoteIndex;
    this.#remoteFactory = deps.remote;
    this.#policy = deps.policy;
    this.#clock = deps.clock ?? Date.now;
    this.#sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = deps.random ?? Math.random;
    this.owner = deps.owner ?? `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  }

  /** The remote tables. */
  get remoteIndex(): RemoteIndex {
    return this.#index;
  }

  /** Runs one sync: batch per policy, move every due upload, send a manifest when needed. */
  async sync(options: SyncOptions = {}): Promise<SyncReport> {
    const dryRun = options.dryRun === true;
    const report = emptySyncReport(dryRun);
    if (!dryRun) {
      if (options.retryRejected) this.#index.retryRejected(this.#clock());
      // Forgotten memories never leave the machine: drop the segments not yet uploaded that hold
      // one, and those whose builder died, before batching (their other members are then
      // batched again right away).
      for (const name of this.#index.abandonStale(this.#clock())) {
        await removeOutbox(this.#service.home, outboxNameOf(name)).catch(() => {});
        report.abandoned++;
      }
    }
    const pending = this.#index.pendingSummary();
    report.pending_before = { memories: pending.memories, bytes: pending.bytes };
    report.flush = flushReason(pending, this.#policy, this.#clock(), options.now === true);
    if (dryRun) {
      this.#plan(report);
      this.#fillRemaining(report);
      return report;
    }
    if (report.flush !== "none") await this.#buildSegments(report);
    const deadline = this.#clock() + (options.waitMs ?? 0);
    while (true) {
      await this.#processDue(report);
      if (this.#index.activeCount("segment") === 0) {
        await this.#maybeManifest(report, options.now === true);
      }
      await this.#processDue(report);
      const next = this.#index.nextDueMs();
      if (next === undefined) break;
      const now = this.#clock();
      if (now >= deadline) break;
      await this.#sleep(Math.min(Math.max(next - now, 50), 5_000, deadline - now));
    }
    this.#fillRemaining(report);
    return report;
  }

  #fillRemaining(report: SyncReport): void {
    report.remaining = {
      uploads: this.#index.activeCount(),
      pending_memories: this.#index.pendingSummary().memories,
      rejected: this.#index.rejectedCount(),
    };
  }

  /** A dry run's plan: the segments a flush would build and their default action fees. */
  #plan(report: SyncReport): void {
    if (report.flush === "none") return;
    const pending = this.#index.pending();
    if (pending.length === 0) {
      report.estimated_fee_ulume = 0;
      return;
    }
    const plan = batchingCostOf(pending.map((p) => p.stored_bytes), this.#policy);
    report.segments_built += plan.segments;
    report.memories_batched += plan.memories;
    report.bytes_built += plan.segment_bytes;
    report.estimated_fee_ulume = plan.batched_fee_ulume;
  }

  /** Claims the pending memories into segments and writes each to the outbox. */
  async #buildSegments(report: SyncReport): Promise<void> {
    const pending: PendingMemory[] = [];
    for (const p of this.#index.pending()) {
      if (await this.#service.blobs.has(parsePointer(p.pointer))) pending.push(p);
      else report.missing_blobs++;
    }
    for (const group of planSegments(pending, this.#policy)) {
      const lengths = group.map((p) => p.stored_bytes);
      const offsets = memberOffsets(lengths);
      const fileName = randomFileName();
      const now = this.#clock();
      const id = this.#index.createUpload(
        { kind: "segment", fileName, owner: this.owner, leaseUntilMs: now + LEASE_MS, nowMs: now },
        group.map((p, i) => ({ pointer: p.pointer, offset: offsets[i], length: lengths[i] })),
      );
      if (id === undefined) continue; // another syncer took some of these; they go next time
      try {
        const members = [];
        for (const p of group) {
          const blobId = parsePointer(p.pointer);
          members.push({ id: blobId as string, bytes: await this.#service.blobs.get(blobId) });
        }
        const ring = this.#service.keys.current;
        const { bytes } = await buildSegment(ring, members);
        await writeOutbox(this.#service.home, fileName, bytes);
        const sha = await sha256Hex(bytes);
        this.#index.update(
          id,
          this.owner,
          {
            state: "built",
            bytes: bytes.byteLength,
            sha256: sha,
            lease_owner: null,
            lease_until_ms: 0,
          },
          this.#clock(),
        );
        report.segments_built++;
        report.memories_batched += group.length;
        report.bytes_built += bytes.byteLength;
      } catch (err) {
        // Nothing reached the chain: drop the segment; its members are pending again.
        this.#index.abandon(id, this.owner, toLumeraError(err).message, this.#clock());
        await removeOutbox(this.#service.home, fileName).catch(() => {});
        const e = toLumeraError(err);
        report.errors.push({ upload: id, code: e.code, message: e.message });
      }
    }
  }

  /**
   * Builds a manifest upload when the finalized set or the tombstones changed, at most once per
   * `manifestIntervalMs` unless forced (`sync --now`).
   */
  async #maybeManifest(report: SyncReport, force: boolean): Promise<void> {
    if (this.#index.activeCount("manifest") > 0) return;
    const last = this.#index.lastManifestMs();
    if (
      !force && last !== undefined && this.#clock() - last < this.#policy.manifestIntervalMs
    ) {
      return;
    }
    const { content, digest } = await collectManifest(this.#index);
    if (content.memories.length === 0 && content.tombstones.length === 0) return;
    if (this.#index.currentManifestDigest() === digest) return;
    const ring = this.#service.keys.current;
    const fileName = await manifestFileName(ring);
    const seq = this.#index.lastManifestSeq() + 1;
    const now = this.#clock();
    const bytes = await buildManifestFile(ring, {
      ...content,
      seq,
      created_at: new Date(now).toISOString(),
    });
    // Manifests share one file name per key, so the row's unique name gets the sequence number
    // appended locally; the name sent to Cascade is `fileName`.
    const id = this.#index.createUpload(
      {
        kind: "manifest",
        fileName: `${fileName}.${seq}`,
        owner: this.owner,
        leaseUntilMs: now + LEASE_MS,
        nowMs: now,
        manifestSeq: seq,
        manifestDigest: digest,
      },
      [],
    );
    if (id === undefined) return;
    await writeOutbox(this.#service.home, outboxNameOf(`${fileName}.${seq}`), bytes);
    this.#index.update(
      id,
      this.owner,
      {
        state: "built",
        bytes: bytes.byteLength,
        sha256: await sha256Hex(bytes),
        lease_owner: null,
        lease_until_ms: 0,
      },
      this.#clock(),
    );
    report.manifests_built++;
  }

  /** Claims and advances every upload that is due now, each once. */
  async #processDue(report: SyncReport): Promise<void> {
    const seen: number[] = [];
    while (true) {
      const now = this.#clock();
      const row = this.#index.claimDue(this.owner, now, now + LEASE_MS, seen);
      if (row === undefined) return;
      seen.push(row.id);
      try {
        await this.#advance(row, report);
      } catch (err) {
        this.#fail(row, err, report);
      } finally {
        this.#index.release(row.id, this.owner);
      }
    }
  }

  /** Records a failure: rejected (parked) or a retry after backoff. */
  #fail(row: UploadRow, err: unknown, report: SyncReport): void {
    const e = toLumeraError(err);
    const current = this.#index.upload(row.id) ?? row;
    const attempts = current.attempts + 1;
    report.errors.push({ upload: row.id, code: e.code, message: e.message });
    if (e.code === "REMOTE_REJECTED") {
      this.#index.update(
        row.id,
        this.owner,
        { state: "rejected", attempts, last_error: e.code, last_message: e.message },
        this.#clock(),
      );
      return;
    }
    this.#index.update(
      row.id,
      this.owner,
      {
        attempts,
        next_attempt_ms: this.#clock() + backoffMs(attempts, this.#random),
        last_error: e.code,
        last_message: e.message,
      },
      this.#clock(),
    );
  }

  #set(row: UploadRow, fields: Partial<UploadRow>): void {
    const ok = this.#index.update(
      row.id,
      this.owner,
      { ...fields, lease_until_ms: this.#clock() + LEASE_MS },
      this.#clock(),
    );
    if (!ok) {
      throw new LumeraError("REMOTE_UNAVAILABLE", "another sync took this upload over", {
        hint: "nothing to do: the other sync continues it",
      });
    }
    Object.assign(row, fields);
  }

  async #abandon(row: UploadRow, reason: string, report: SyncReport): Promise<void> {
    this.#index.abandon(row.id, this.owner, reason, this.#clock());
    await removeOutbox(this.#service.home, outboxNameOf(row.file_name)).catch(() => {});
    report.abandoned++;
  }

  /** Moves one claimed upload through as many phases as it can now. */
  async #advance(row: UploadRow, report: SyncReport): Promise<void> {
    if (row.state === "building") {
      // A syncer died while writing it: nothing reached the chain, so start over.
      await this.#abandon(row, "interrupted while building", report);
      return;
    }
    const beforeUpload = row.state === "built" || row.state === "registering" ||
      row.state === "registered";
    if (beforeUpload && row.kind === "segment" && this.#index.goneMembers(row.id).length > 0) {
      await this.#abandon(row, "a member was forgotten before its bytes were uploaded", report);
      return;
    }
    let bytes: Uint8Array | undefined;
    if (beforeUpload) {
      bytes = await readOutbox(this.#service.home, outboxNameOf(row.file_name), row.sha256 ?? "");
      if (bytes === undefined) {
        await this.#abandon(row, "its outbox file is missing or damaged", report);
        return;
      }
    }
    const remote = await this.#remoteFactory();
    const chainName = chainNameOf(row.file_name);
    if (row.state === "registering") {
      // The action with this upload's name that is not recorded here yet (every manifest of a
      // key shares one name, so older manifests are told apart by their known action ids).
      const found = (await remote.listOwnActions())
        .filter((a) => a.fileName === chainName && !this.#index.hasAction(a.actionId))
        .sort((a, b) => (BigInt(b.actionId) > BigInt(a.actionId) ? 1 : -1))[0];
      if (found !== undefined) {
        this.#set(row, {
          state: "registered",
          action_id: found.actionId,
          data_hash: found.dataHash,
          price_ulume: found.priceUlume.toString(),
          attempts: 0,
        });
        report.registered++;
        report.fees_paid_ulume += Number(found.priceUlume);
      } else if (this.#clock() - (row.register_ms ?? 0) < REGISTER_SETTLE_MS) {
        this.#set(row, { next_attempt_ms: (row.register_ms ?? 0) + REGISTER_SETTLE_MS });
        return;
      } else {
        this.#set(row, { state: "built" });
      }
    }
    if (row.state === "built") {
      this.#set(row, { state: "registering", register_ms: this.#clock() });
      const r = await remote.register(bytes!, chainName);
      this.#set(row, {
        state: "registered",
        action_id: r.actionId,
        data_hash: r.dataHash,
        tx_hash: r.txHash,
        price_ulume: r.priceUlume.toString(),
        gas_fee_ulume: r.gasFeeUlume.toString(),
        attempts: 0,
      });
      report.registered++;
      report.fees_paid_ulume += Number(r.priceUlume + r.gasFeeUlume);
    }
    if (row.state === "registered") {
      const taskId = await remote.upload(row.action_id!, bytes!);
      this.#set(row, { state: "uploaded", task_id: taskId, attempts: 0 });
      report.uploaded++;
    }
    if (row.state === "uploaded") await this.#poll(row, remote, report);
  }

  /** One poll of an upload in progress: finalize it, wait, or re-upload. */
  async #poll(row: UploadRow, remote: CascadeRemote, report: SyncReport): Promise<void> {
    const status = await remote.uploadStatus(row.task_id!);
    if (status === "failed") {
      const attempts = row.attempts + 1;
      if (attempts >= MAX_UPLOAD_ATTEMPTS) {
        this.#set(row, {
          state: "rejected",
          attempts,
          last_error: "REMOTE_REJECTED",
          last_message: `the SuperNodes failed the upload ${attempts} times`,
        });
        return;
      }
      this.#set(row, {
        state: "registered",
        task_id: null,
        attempts,
        next_attempt_ms: this.#clock() + backoffMs(attempts, this.#random),
        last_error: "REMOTE_UNAVAILABLE",
        last_message: "the SuperNode upload task failed; uploading again",
      });
      return;
    }
    if (status === "pending") {
      this.#set(row, { next_attempt_ms: this.#clock() + POLL_MS });
      return;
    }
    const action = await remote.action(row.action_id!);
    switch (action.state) {
      case "DONE":
      case "APPROVED": {
        this.#set(row, { state: "finalized", finalized_ms: this.#clock(), next_attempt_ms: 0 });
        await removeOutbox(this.#service.home, outboxNameOf(row.file_name)).catch(() => {});
        report.finalized++;
        return;
      }
      case "EXPIRED":
        // Refunded by the chain; register the same bytes again.
        this.#set(row, {
          state: "built",
          action_id: null,
          task_id: null,
          last_error: "REMOTE_UNAVAILABLE",
          last_message: `action ${row.action_id} expired before it was finalized`,
        });
        return;
      case "REJECTED":
      case "FAILED":
        this.#set(row, {
          state: "rejected",
          last_error: "REMOTE_REJECTED",
          last_message: `action ${row.action_id} is ${action.state}`,
        });
        return;
      default:
        this.#set(row, { next_attempt_ms: this.#clock() + POLL_MS });
    }
  }
}

/**
 * The outbox file name of an upload row. Manifest rows are named `<32 hex>.<seq>` locally (every
 * manifest of a key has the same name on chain); in the outbox the sequence number replaces the
 * last 8 hex characters so two manifests never share a file.
 */
export function outboxNameOf(rowFileName: string): string {
  const dot = rowFileName.indexOf(".");
  if (dot < 0) return rowFileName;
  const seq = Number(rowFileName.slice(dot + 1)) >>> 0;
  return rowFileName.slice(0, 24) + seq.toString(16).padStart(8, "0");
}

/** The file name sent to Cascade for an upload row. */
export function chainNameOf(rowFileName: string): string {
  return rowFileName.slice(0, 32);
}
