/**
 * The memory service: the one flow (normalize → scan → seal → put → index; query from the index
 * only; get → verify hash → open). The CLI and the MCP server call this and nothing else.
 *
 * @module
 */

import { dirname, resolve as resolvePath } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { ensurePrivateDir, readEnv, resolveHome } from "../config/home.ts";
import { LumeraError } from "../errors.ts";
import { contentId as computeContentId, contentIdOfBytes } from "../crypto/content_id.ts";
import { open as openEnvelope, readHeader, seal } from "../crypto/envelope.ts";
import { constantTimeEqual } from "../crypto/keys.ts";
import { type KeyChain, loadKeyChain } from "../crypto/key_file.ts";
import { estimateCascadeFee } from "../estimate/cascade_fee.ts";
import { openIndexDb } from "../index/db.ts";
import { MemoryIndex, sessionKey } from "../index/memory_index.ts";
import { RemoteIndex } from "../index/remote_index.ts";
import { MAX_RECORD_BYTES } from "../record/limits.ts";
import { canonicalJson, type MemoryRecord, normalizeRecord } from "../record/schema.ts";
import type { ScanPolicy } from "../scan/mod.ts";
import { readConfigSections } from "../config/config_read.ts";
import type { Finding } from "../scan/types.ts";
import type { BlobStore } from "../store/blob_store.ts";
import { FsBlobStore } from "../store/fs_blob_store.ts";
import { type BlobId, isBlobId, parsePointer, toPointer } from "../store/pointer.ts";
import type { MemoryService, StoreOptions, StoreRequest } from "./api.ts";
import { forEachLimit } from "./pool.ts";
import { storeStats } from "./lifecycle/stats.ts";
import type {
  EstimateInput,
  EstimateResult,
  ForgetInput,
  ForgetResult,
  ListSessionsInput,
  ListSessionsResult,
  MessageRange,
  QueryInput,
  QueryResult,
  RetrieveResult,
  ScanResult,
  StatsResult,
  StoreResult,
  VerifyProblem,
  VerifyResult,
} from "./types.ts";

/**
 * The sealed payload's bytes: `{v, content_id, stored_at, record}`, where the record part reuses
 * the canonical JSON already serialized for the content id instead of serializing it again.
 */
export function payloadBytes(
  contentId: string,
  storedAt: string,
  canonical: Uint8Array,
  expiresAt?: string,
): Uint8Array {
  const head = JSON.stringify({
    v: PAYLOAD_VERSION,
    content_id: contentId,
    stored_at: storedAt,
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
  });
  const prefix = new TextEncoder().encode(`${head.slice(0, -1)},"record":`);
  const out = new Uint8Array(prefix.byteLength + canonical.byteLength + 1);
  out.set(prefix, 0);
  out.set(canonical, prefix.byteLength);
  out[out.byteLength - 1] = 0x7d; // "}"
  return out;
}

/** How many blobs `verify` checks at once. */
const VERIFY_CONCURRENCY = 16;

/** Version of the JSON payload sealed inside each envelope. */
export const PAYLOAD_VERSION = 1;

/** The payload sealed in every envelope: the record plus the metadata to rebuild the index. */
export interface SealedPayload {
  v: 1;
  content_id: string;
  stored_at: string;
  /** When the memory expires, if it was stored with a time to live. */
  expires_at?: string;
  record: MemoryRecord;
}

/** An opened blob: its sealed payload, the key that sealed it and the envelope's size. */
export interface OpenedPayload extends SealedPayload {
  /** Key id (hex) of the key that sealed the envelope. */
  keyIdHex: string;
  /** Size of the envelope in bytes. */
  envelopeBytes: number;
}

/** Options of {@link openMemoryService}. */
export interface OpenOptions {
  /** Data home; default from `LUMERA_MEMORY_HOME` or the platform data directory. */
  home?: string;
  /** Environment lookup (tests pass their own). */
  env?: (name: string) => string | undefined;
  /** Passphrase for wrapped key files (default `LUMERA_MEMORY_PASSPHRASE`). */
  passphrase?: string;
  /**
   * A long-running writer (`serve`): the blob store keeps the next write's temporary file ready
   * (see `FsBlobStore`). Call {@link LocalMemoryService.dispose} to remove it at the end.
   */
  longRunning?: boolean;
}

/**
 * Where `retrieve` turns when a blob is not on local disk (the Cascade remote, see
 * `src/remote/fetcher.ts`). It returns the envelope's bytes already checked against the pointer
 * (and stored locally), or undefined when the remote does not hold that memory.
 */
export interface RemoteFallback {
  /** The envelope of `id` from the remote, verified; undefined when the remote lacks it. */
  fetchEnvelope(id: BlobId): Promise<Uint8Array | undefined>;
}

/** Everything the service needs, already opened. */
export interface ServiceParts {
  /** Data home. */
  home: string;
  /** The key chain (current key for writes, older keys for reading). */
  keys: KeyChain;
  /** The open index database. */
  db: DatabaseSync;
  /** The blob store. */
  blobs: BlobStore;
  /** The scan policy (default: every finding refuses the store). */
  scanPolicy?: ScanPolicy;
  /** Environment lookup (where the agents keep their sessions); default the process's. */
  env?: (name: string) => string | undefined;
}

const MAX_LISTED_FINDINGS = 10;

/** Formats findings as one line each (rule, where, masked preview); never the secret. */
export function describeFindings(findings: Finding[]): string {
  const lines = findings.slice(0, MAX_LISTED_FINDINGS).map((f) =>
    `${f.rule} at ${f.path} ${f.line}:${f.column} (${f.preview})`
  );
  if (findings.length > MAX_LISTED_FINDINGS) {
    lines.push(`…and ${findings.length - MAX_LISTED_FINDINGS} more`);
  }
  return lines.join("; ");
}

/** The refusal raised when a record carries a secret. */
export function secretRefusal(findings: Finding[]): LumeraError {
  const n = findings.length;
  return new LumeraError(
    "SECRET_REFUSED",
    `refused: found ${n} secret${n === 1 ? "" : "s"} or personal data item${
      n === 1 ? "" : "s"
    }, nothing was stored: ${describeFindings(findings)}`,
    {
      hint:
        "remove or replace each finding (e.g. with an environment variable reference) and store again",
      details: { findings },
    },
  );
}

let scannerLoad: Promise<typeof import("../scan/mod.ts")> | undefined;

/**
 * The secret scanner, loaded on the first store: building its rules takes ~10 ms, which a
 * server answering a search (or a CLI query) need not pay before its first answer.
 */
function loadScanner(): Promise<typeof import("../scan/mod.ts")> {
  return scannerLoad ??= import("../scan/mod.ts");
}

/** The service over a local data home: fs blob store + SQLite index. */
export class LocalMemoryService implements MemoryService {
  readonly #keys: KeyChain;
  readonly #db: DatabaseSync;
  readonly #index: MemoryIndex;
  readonly #remoteIndex: RemoteIndex;
  readonly #blobs: BlobStore;
  /** The configured scan policy; `undefined`: the default (every finding blocks). */
  readonly #scanPolicy: ScanPolicy | undefined;
  readonly #env: (name: string) => string | undefined;
  #remote: RemoteFallback | undefined;
  /** Data home. */
  readonly home: string;

  /** Builds the service from opened parts (see {@link openMemoryService}). */
  constructor(parts: ServiceParts) {
    this.#env = parts.env ?? readEnv;
    this.home = parts.home;
    this.#keys = parts.keys;
    this.#db = parts.db;
    this.#index = new MemoryIndex(parts.db);
    this.#remoteIndex = new RemoteIndex(parts.db);
    this.#blobs = parts.blobs;
    this.#scanPolicy = parts.scanPolicy;
  }

  /** Resolves a request to a canonical record through the right source. */
  async #resolve(request: StoreRequest): Promise<MemoryRecord> {
    if (request.kind === "record") return normalizeRecord(request.record);
    const { noteToRecord, readRecordFile, recordFromCassExport, recordFromCmContext } =
      await import("../sources/mod.ts");
    switch (request.kind) {
      case "note":
        return noteToRecord({
          title: request.title,
          text: request.text,
          workspace: request.workspace,
        });
      case "cm":
        return await recordFromCmContext(request.task, { workspace: request.workspace });
      case "cass":
        return await recordFromCassExport(request.path);
      case "file":
        return await readRecordFile(request.path);
      default:
        throw new LumeraError("USAGE", "unknown store request kind");
    }
  }

  /** Normalize → scan → seal → put → index. Nothing is written when a secret is found. */
  async store(request: StoreRequest, options: StoreOptions = {}): Promise<StoreResult> {
    if (request.kind === "transcript") return await this.#storeTranscript(request, options);
    let record = await this.#resolve(request);
    if (options.tags && options.tags.length > 0) {
      record = normalizeRecord({ ...record, tags: [...record.tags, ...options.tags] });
    }
    let canonical = new TextEncoder().encode(canonicalJson(record));
    // The keyed hash runs off the main thread while the scan runs on it; nothing is written
    // until the scan has passed.
    const contentIdPending = contentIdOfBytes(this.#keys.current, canonical);
    const scanner = await loadScanner();
    const base = this.#scanPolicy ?? scanner.DEFAULT_SCAN_POLICY;
    const policy = options.scanPolicy === undefined
      ? base
      : scanner.mergeScanPolicies(base, options.scanPolicy);
    const scan = scanner.applyScanPolicy(record, policy);
    let contentId = await contentIdPending;
    if (scan.findings.length > 0) throw secretRefusal(scan.findings);
    if (scan.record !== record) {
      // Redacted: what is stored (and hashed, and indexed) is the redacted copy.
      record = normalizeRecord(scan.record);
      canonical = new TextEncoder().encode(canonicalJson(record));
      contentId = await contentIdOfBytes(this.#keys.current, canonical);
    }
    const recordBytes = canonical.byteLength;
    const redactions = scan.redactions.length;
    this.#checkNotForgotten(record, contentId, options.force === true);
    let expiresMs: number | undefined;
    if (options.ttlMs !== undefined) {
      if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0) {
        throw new LumeraError("USAGE", "the time to live must be a positive duration", {
          hint: "e.g. --ttl 30d",
        });
      }
      expiresMs = Date.now() + options.ttlMs;
    }
    const existing = this.#index.pointerForContent(contentId);
    if (existing !== undefined && await this.#held(existing)) {
      const stored = this.#index.rowFor(existing);
      return {
        pointer: existing,
        content_id: contentId,
        deduplicated: true,
        record_bytes: recordBytes,
        stored_bytes: stored?.stored_bytes ?? 0,
        session_id: record.session_id,
        tags: record.tags,
        ...(redactions > 0 ? { redactions } : {}),
      };
    }
    if (existing !== undefined) this.#index.removePointer(existing); // row without blob: replace

    const storedAt = new Date();
    const payload = payloadBytes(
      contentId,
      storedAt.toISOString(),
      canonical,
      expiresMs === undefined ? undefined : new Date(expiresMs).toISOString(),
    );
    const envelope = await seal(this.#keys.current, payload);
    const id = await this.#blobs.put(envelope);
    const outcome = this.#index.insert({
      pointer: toPointer(id),
      contentId,
      record,
      storedMs: storedAt.getTime(),
      storedBytes: envelope.byteLength,
      recordBytes,
      keyId: this.#keys.current.keyIdHex,
      expiresMs,
    });
    if (outcome.duplicate && outcome.pointer !== toPointer(id)) {
      // Another writer stored the same content between our check and our insert: our copy is
      // an orphan nobody points at, so it goes (the other writer's blob is the indexed one).
      await this.#blobs.delete(id);
    }
    return {
      pointer: outcome.pointer,
      content_id: contentId,
      deduplicated: outcome.duplicate,
      record_bytes: recordBytes,
      stored_bytes: envelope.byteLength,
      session_id: record.session_id,
      tags: record.tags,
      ...(redactions > 0 ? { redactions } : {}),
    };
  }

  /**
   * Stores an agent transcript named by an agent (MCP): the path must be inside an allowed
   * directory; each part of the session is stored like an inline record.
   */
  async #storeTranscript(
    request: Extract<StoreRequest, { kind: "transcript" }>,
    options: StoreOptions,
  ): Promise<StoreResult> {
    const { checkTranscriptPath } = await import("../import/allow_list.ts");
    const { readTranscript } = await import("../sources/agents/transcript.ts");
    const path = await checkTranscriptPath(request.path, this.#env);
    const results: StoreResult[] = [];
    for await (const record of readTranscript(path, { workspaceHint: request.cwd })) {
      results.push(await this.store({ kind: "record", record }, options));
    }
    const last = results[results.length - 1];
    if (last === undefined) {
      throw new LumeraError("SOURCE_FAILED", "the transcript holds no messages yet", {
        hint: "archive it once the session has started",
      });
    }
    if (results.length === 1) return last;
    return {
      ...last,
      parts: results.map((r) => ({ pointer: r.pointer, deduplicated: r.deduplicated })),
    };
  }

  /** Refuses content or a session that was forgotten, unless `force` (which clears it). */
  #checkNotForgotten(record: MemoryRecord, contentId: string, force: boolean): void {
    const session = sessionKey(record.tool_name, record.session_id);
    const content = this.#index.isTombstoned("content", contentId);
    const sess = this.#index.isTombstoned("session", session);
    if (!content && !sess) return;
    if (force) {
      this.#index.clearTombstone("content", contentId);
      this.#index.clearTombstone("session", session);
      return;
    }
    throw new LumeraError(
      "FORGOTTEN",
      `refused: ${content ? "this content" : `session ${record.session_id}`} was forgotten`,
      { hint: "store it with --force (CLI) if you really want it back" },
    );
  }

  /** The key chain (for lifecycle operations). */
  get keys(): KeyChain {
    return this.#keys;
  }

  /** The index (for lifecycle operations). */
  get index(): MemoryIndex {
    return this.#index;
  }

  /** The remote side of the index: segments, uploads, members (for the Cascade backend). */
  get remoteIndex(): RemoteIndex {
    return this.#remoteIndex;
  }

  /** The blob store (for lifecycle operations). */
  get blobs(): BlobStore {
    return this.#blobs;
  }

  /** Opens one blob: hash check, the key that sealed it, authentication, schema, content id. */
  openPayload(id: BlobId): Promise<OpenedPayload> {
    return this.#openBlob(id);
  }

  /** Counts, sizes and time range, per agent, workspace, kind and key; the remote's state. */
  stats(): StatsResult {
    return {
      ...storeStats(this.#index, this.#keys.current.keyIdHex),
      remote: this.#remoteIndex.stats(this.#remote !== undefined),
    };
  }

  /** True when a pointer's blob is on local disk, or (with a remote) finalized on the remote. */
  async #held(pointer: string): Promise<boolean> {
    if (await this.#blobs.has(parsePointer(pointer))) return true;
    if (this.#remote === undefined) return false;
    return this.#remoteIndex.location(pointer)?.upload.state === "finalized";
  }

  /** Lets `retrieve` fetch blobs that are not on local disk from a remote. */
  attachRemote(remote: RemoteFallback): void {
    this.#remote = remote;
  }

  /** True when a remote is attached. */
  get hasRemote(): boolean {
    return this.#remote !== undefined;
  }

  /** Forgets what `input` selects; only a dry run unless `confirm`. */
  async forget(input: ForgetInput, options: { confirm: boolean }): Promise<ForgetResult> {
    const { forgetMemories } = await import("./lifecycle/forget.ts");
    return await forgetMemories(this, input, options.confirm);
  }

  /** Searches the local index only. */
  query(input: QueryInput): QueryResult {
    const scope = this.#workspaceScope(input);
    const { match: _match, ...found } = this.#index.query(input, scope);
    const states = this.#remoteIndex.stateOf(found.hits.map((h) => h.pointer));
    const result = {
      ...found,
      hits: found.hits.map((h) => ({ ...h, remote: states.get(h.pointer) ?? h.remote })),
    };
    return scope === undefined ? result : { ...result, workspace_scope: scope };
  }

  /** Lists sessions (newest version of each) from the index. */
  listSessions(input: ListSessionsInput): ListSessionsResult {
    const scope = this.#workspaceScope(input);
    const result = this.#index.listSessions(input, scope);
    return scope === undefined ? result : { ...result, workspace_scope: scope };
  }

  /**
   * The workspace a search is scoped to: without an explicit workspace or `all_workspaces`, the
   * known workspace (one some memory belongs to) that is `cwd` or its nearest parent. The home
   * directory and the file-system root only count when they are `cwd` itself.
   */
  #workspaceScope(input: QueryInput | ListSessionsInput): string | undefined {
    if (input.workspace || input.all_workspaces === true || !input.cwd) return undefined;
    const home = this.#env("HOME") ?? this.#env("USERPROFILE");
    const candidates: string[] = [];
    let dir = resolvePath(input.cwd);
    while (true) {
      const parent = dirname(dir);
      const last = parent === dir;
      if (candidates.length === 0 || (!last && dir !== home)) candidates.push(dir);
      if (last) break;
      dir = parent;
    }
    return this.#index.firstKnownWorkspace(candidates);
  }

  /** Reads, hash-checks, authenticates and decrypts one memory (or a range of its messages). */
  async retrieve(pointer: string, range?: MessageRange): Promise<RetrieveResult> {
    const id = parsePointer(pointer);
    const payload = await this.#openBlob(id);
    const result: RetrieveResult = {
      pointer: toPointer(id),
      record: payload.record,
      content_id: payload.content_id,
      stored_at: payload.stored_at,
      key_id: payload.keyIdHex,
      verified: true,
    };
    if (range === undefined) return result;
    const all = payload.record.messages ?? [];
    const from = range.from ?? 0;
    const ok = (n: number) => Number.isSafeInteger(n) && n >= 0;
    if (!ok(from) || (range.to !== undefined && (!ok(range.to) || range.to < from))) {
      throw new LumeraError("USAGE", "the message range must be 0 ≤ from ≤ to", {
        hint: "e.g. from 0 to 20 (to is exclusive)",
      });
    }
    const start = Math.min(from, all.length);
    const end = Math.min(range.to ?? all.length, all.length);
    return {
      ...result,
      record: { ...payload.record, messages: all.slice(start, end) },
      message_range: { from: start, to: end, total: all.length },
    };
  }

  /**
   * Reads, hash-checks and opens a blob with whichever loaded key sealed it. `light` (used by
   * `verify --read-data`) stops after authentication, decompression and the payload's framing;
   * the full open also checks the record against the schema and recomputes its content id.
   */
  async #openBlob(id: BlobId, light = false): Promise<OpenedPayload> {
    const label = `blob ${toPointer(id)}`;
    const envelope = await this.#getEnvelope(id, !light);
    const { keyIdHex } = readHeader(envelope, label);
    const ring = await this.#keys.ring(keyIdHex);
    if (ring === undefined) {
      throw new LumeraError(
        "WRONG_KEY",
        `${label} was sealed with key ${keyIdHex}, which is not loaded (current key ${this.#keys.current.keyIdHex})`,
        {
          hint:
            "use the key this memory was stored with: keep its key file in the home, or set LUMERA_MEMORY_KEY / LUMERA_MEMORY_PASSPHRASE",
        },
      );
    }
    const plain = await openEnvelope(ring, envelope, MAX_RECORD_BYTES * 2, label);
    const corrupt = (what: string) =>
      new LumeraError("INTEGRITY", `${label} decrypted but its content is invalid: ${what}`);
    let parsed: Partial<SealedPayload>;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
    } catch {
      throw corrupt("not JSON");
    }
    if (parsed.v !== PAYLOAD_VERSION || typeof parsed.content_id !== "string") {
      throw corrupt("unknown payload version");
    }
    if (light) {
      if (typeof parsed.record !== "object" || parsed.record === null) throw corrupt("no record");
      return { ...(parsed as SealedPayload), keyIdHex, envelopeBytes: envelope.byteLength };
    }
    let record: MemoryRecord;
    try {
      record = normalizeRecord(parsed.record);
    } catch {
      throw corrupt("the record does not match the schema");
    }
    const recomputed = await computeContentId(ring, record);
    const enc = new TextEncoder();
    if (!constantTimeEqual(enc.encode(recomputed), enc.encode(parsed.content_id))) {
      throw corrupt("its content id does not match its record");
    }
    const out: OpenedPayload = {
      v: PAYLOAD_VERSION,
      content_id: parsed.content_id,
      stored_at: String(parsed.stored_at),
      record,
      keyIdHex,
      envelopeBytes: envelope.byteLength,
    };
    if (typeof parsed.expires_at === "string") out.expires_at = parsed.expires_at;
    return out;
  }

  /** A blob's bytes from local disk, else (when a remote is attached) from the remote. */
  async #getEnvelope(id: BlobId, allowRemote: boolean): Promise<Uint8Array> {
    try {
      return await this.#blobs.get(id);
    } catch (err) {
      if (!(err instanceof LumeraError) || err.code !== "NOT_FOUND" || !this.#remote) throw err;
      if (!allowRemote) throw err;
      const fetched = await this.#remote.fetchEnvelope(id);
      if (fetched === undefined) throw err;
      return fetched;
    }
  }

  /** The one-time Cascade fee estimate. */
  estimate(input: EstimateInput): EstimateResult {
    return estimateCascadeFee(input);
  }

  /** Scans text for secrets and personal data. */
  async scanText(text: string): Promise<ScanResult> {
    const { scanTextWithPolicy } = await import("./scan_check.ts");
    return scanTextWithPolicy(text, this.#scanPolicy);
  }

  /** The scan policy from the home's configuration file; `undefined`: the default. */
  get scanPolicy(): ScanPolicy | undefined {
    return this.#scanPolicy;
  }

  /**
   * Checks every index row has a blob whose bytes hash to its pointer; with `readData` also
   * decrypts and authenticates each; reports blobs the index does not know as orphans.
   */
  async verify(
    options: { readData?: boolean; readDataPercent?: number } = {},
  ): Promise<VerifyResult> {
    const percent = options.readDataPercent ?? (options.readData ? 100 : 0);
    if (!(percent >= 0 && percent <= 100)) {
      throw new LumeraError("USAGE", "the read-data share must be from 0 to 100 percent", {
        hint: "e.g. --read-data-subset 10%",
      });
    }
    const problems: VerifyProblem[] = [];
    const rows = this.#index.allRows();
    const indexed = new Set<string>();
    let readData = 0;
    const found: (VerifyProblem | undefined)[] = new Array(rows.length);
    for (const row of rows) indexed.add(row.pointer);
    // Memories restored from the remote whose blobs were not fetched yet are not missing.
    const remoteHeld = new Set(
      this.#remoteIndex.finalizedLocations().map((l) => l.pointer),
    );
    await forEachLimit(rows, VERIFY_CONCURRENCY, async (row, i) => {
      const hex = row.pointer.slice("cascade://".length);
      if (!isBlobId(hex)) {
        found[i] = {
          kind: "corrupt",
          pointer: row.pointer,
          message: "malformed pointer in the index",
        };
        return;
      }
      const id = hex as BlobId;
      try {
        if (percent >= 100 || (percent > 0 && Math.random() * 100 < percent)) {
          await this.#openBlob(id, true);
          readData++;
        } else {
          await this.#blobs.get(id);
        }
      } catch (err) {
        const e = err instanceof LumeraError ? err : undefined;
        if (e?.code === "NOT_FOUND" && remoteHeld.has(row.pointer)) return;
        const kind = e?.code === "NOT_FOUND"
          ? "missing"
          : e?.code === "WRONG_KEY"
          ? "undecryptable"
          : "corrupt";
        found[i] = { kind, pointer: row.pointer, message: e?.message ?? "unreadable" };
      }
    });
    for (const p of found) if (p !== undefined) problems.push(p);
    for await (const id of this.#blobs.list()) {
      const pointer = toPointer(id);
      if (!indexed.has(pointer)) {
        problems.push({
          kind: "orphan",
          pointer,
          message: "blob is not in the index (harmless; left by an interrupted store)",
        });
      }
    }
    const leftovers = await this.#blobs.countLeftovers();
    return {
      checked: rows.length,
      read_data: readData,
      problems,
      leftovers,
      ok: problems.length === 0,
    };
  }

  /** Closes the index after removing the blob store's prepared temporary file, if any. */
  async dispose(): Promise<void> {
    try {
      await this.#blobs.close();
    } finally {
      this.close();
    }
  }

  /** Closes the index. */
  close(): void {
    try {
      this.#db.close();
    } catch {
      // already closed
    }
  }
}

/**
 * Opens the service on a data home. The key is loaded first: without a usable key nothing is
 * created or written (KEY_MISSING / KEY_INVALID).
 */
export async function openMemoryService(options: OpenOptions = {}): Promise<LocalMemoryService> {
  const env = options.env ?? readEnv;
  const home = options.home ?? resolveHome(env);
  const keys = await loadKeyChain(home, env, { passphrase: options.passphrase });
  await ensurePrivateDir(home);
  await ensurePrivateDir(`${home}/blobs`);
  const sections = await readConfigSections(home);
  const scanPolicy = sections?.scan;
  const remote = sections?.remote;
  const db = await openIndexDb(`${home}/index.db`);
  const service = new LocalMemoryService({
    home,
    keys,
    db,
    scanPolicy,
    blobs: new FsBlobStore(`${home}/blobs`, { prepareTempFiles: options.longRunning === true }),
    env,
  });
  if (remote !== undefined) {
    // The remote is reached only when a blob is missing locally (no network otherwise).
    const { lazyRemoteFallback } = await import("../remote/open_remote.ts");
    service.attachRemote(lazyRemoteFallback(service, remote, env));
  }
  return service;
}
