/**
 * The remote side of the index (migration 4): the upload queue (segments and manifests with
 * their state, retry schedule, lease and on-chain receipt) and where each memory lives inside a
 * segment. Every state change is one short transaction; none is held across a network call.
 *
 * Upload states, in order: `building` (members claimed, file being written) → `built` (file
 * durable in the outbox) → `registering` (a registration may have been broadcast) → `registered`
 * (action id saved) → `uploaded` (bytes handed to a SuperNode) → `finalized` (action DONE on
 * chain). Side exits: `rejected` (the chain or a SuperNode refused; waits for the user) and
 * `abandoned` (a member was forgotten before the bytes were uploaded; the others go back to the
 * queue).
 *
 * Concurrency: a syncer claims an upload by writing a lease (owner, expiry) inside
 * `BEGIN IMMEDIATE`; every later write checks the lease is still its own. Two syncers therefore
 * never work on the same upload, and a crashed syncer's lease simply runs out.
 *
 * @module
 */

import { StatementCache } from "./statement_cache.ts";
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { MemoryRemoteState, RemoteInfo, RemoteStats } from "../service/types.ts";

/** What kind of object an upload carries. */
export type UploadKind = "segment" | "manifest";

/** The queue state of an upload. */
export type UploadState =
  | "building"
  | "built"
  | "registering"
  | "registered"
  | "uploaded"
  | "finalized"
  | "rejected"
  | "abandoned";

export type { MemoryRemoteState, RemoteInfo } from "../service/types.ts";

/** An upload row as read back. */
export interface UploadRow {
  id: number;
  kind: UploadKind;
  file_name: string;
  state: UploadState;
  bytes: number | null;
  sha256: string | null;
  member_bytes: number;
  members: number;
  manifest_seq: number | null;
  manifest_digest: string | null;
  action_id: string | null;
  data_hash: string | null;
  tx_hash: string | null;
  price_ulume: string | null;
  gas_fee_ulume: string | null;
  task_id: string | null;
  register_ms: number | null;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
  last_message: string | null;
  lease_owner: string | null;
  lease_until_ms: number;
  created_ms: number;
  updated_ms: number;
  finalized_ms: number | null;
}

/** A memory waiting for a segment. */
export interface PendingMemory {
  /** Its pointer. */
  pointer: string;
  /** Envelope size in bytes. */
  stored_bytes: number;
  /** When it was stored (ms since epoch). */
  stored_ms: number;
}

/** Where a memory lives inside an upload. */
export interface MemberRow {
  pointer: string;
  upload_id: number;
  offset: number;
  length: number;
  body_indexed: number;
}

/** A member to place in a new upload. */
export interface NewMember {
  pointer: string;
  offset: number;
  length: number;
}

/** The queue's totals for stats and `sync`. */
export interface RemoteCounts {
  /** Memories per remote state (current memories only). */
  by_state: Record<MemoryRemoteState, number>;
  /** Memories not yet in any segment, and their bytes. */
  pending: { memories: number; bytes: number; oldest_ms?: number };
  /** Uploads per queue state and kind. */
  uploads: { kind: UploadKind; state: UploadState; count: number }[];
  /** Sum of action prices and gas fees of every registered upload, in ulume. */
  paid_ulume: bigint;
  /** Action prices only. */
  price_ulume: bigint;
  /** Gas fees only. */
  gas_ulume: bigint;
  /** Uploads refused by the remote, waiting for the user. */
  rejected: { id: number; kind: UploadKind; error: string; message: string }[];
  /** The newest finalized manifest's sequence number. */
  manifest_seq?: number;
}

const UPLOAD_COLUMNS = `id, kind, file_name, state, bytes, sha256, member_bytes, members,
  manifest_seq, manifest_digest, action_id, data_hash, tx_hash, price_ulume, gas_fee_ulume,
  task_id, register_ms, attempts, next_attempt_ms, last_error, last_message, lease_owner, lease_until_ms,
  created_ms, updated_ms, finalized_ms`;

function toMemoryState(state: UploadState): MemoryRemoteState {
  switch (state) {
    case "registered":
    case "uploaded":
    case "finalized":
      return state;
    default:
      return "local-only";
  }
}

/** Queries and state changes of the remote tables. */
export class RemoteIndex {
  readonly #db: DatabaseSync;
  readonly #statements: StatementCache;

  /** Wraps an open, migrated index database. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#statements = new StatementCache(db);
  }

  /** Runs `fn` inside `BEGIN IMMEDIATE … COMMIT` (rolled back when it throws). */
  transaction<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      this.#db.exec("COMMIT");
      return out;
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Memories in no upload yet (the queue), oldest first. */
  pending(limit = 1_000_000): PendingMemory[] {
    return this.#statements.get(
      `SELECT m.pointer, m.stored_bytes, m.stored_ms FROM memories m
       WHERE NOT EXISTS (SELECT 1 FROM remote_members r WHERE r.pointer = m.pointer)
       ORDER BY m.stored_ms, m.id LIMIT ?`,
    ).all(limit) as unknown as PendingMemory[];
  }

  /** Uploads parked as rejected (all of them; `counts()` lists only the first 20). */
  rejectedCount(): number {
    return (this.#statements.get(
      "SELECT count(*) AS n FROM remote_uploads WHERE state = 'rejected'",
    ).get() as { n: number }).n;
  }

  /** How many memories wait, their bytes and the oldest one's store time. */
  pendingSummary(): { memories: number; bytes: number; oldest_ms?: number } {
    const row = this.#statements.get(
      `SELECT count(*) AS n, coalesce(sum(m.stored_bytes), 0) AS b, min(m.stored_ms) AS o
       FROM memories m
       WHERE NOT EXISTS (SELECT 1 FROM remote_members r WHERE r.pointer = m.pointer)`,
    ).get() as { n: number; b: number; o: number | null };
    return row.o === null
      ? { memories: row.n, bytes: row.b }
      : { memories: row.n, bytes: row.b, oldest_ms: row.o };
  }

  /**
   * Creates an upload in state `building`, leased to `owner`, with its members, in one
   * transaction. Members already claimed by another upload (a concurrent syncer) are skipped;
   * returns undefined when none is left.
   */
  createUpload(
    input: {
      kind: UploadKind;
      fileName: string;
      owner: string;
      leaseUntilMs: number;
      nowMs: number;
      manifestSeq?: number;
      manifestDigest?: string;
    },
    members: NewMember[],
  ): number | undefined {
    return this.transaction(() => {
      const free = members.filter((m) =>
        this.#statements.get(
          "SELECT 1 FROM memories WHERE pointer = ? AND NOT EXISTS (SELECT 1 FROM remote_members WHERE pointer = ?)",
        ).get(m.pointer, m.pointer) !== undefined
      );
      if (input.kind === "segment" && free.length !== members.length) return undefined;
      const info = this.#statements.get(
        `INSERT INTO remote_uploads (kind, file_name, state, member_bytes, members, manifest_seq,
           manifest_digest, lease_owner, lease_until_ms, created_ms, updated_ms)
         VALUES (?, ?, 'building', ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        input.kind,
        input.fileName,
        free.reduce((n, m) => n + m.length, 0),
        free.length,
        input.manifestSeq ?? null,
        input.manifestDigest ?? null,
        input.owner,
        input.leaseUntilMs,
        input.nowMs,
        input.nowMs,
      );
      const id = Number(info.lastInsertRowid);
      const ins = this.#statements.get(
        "INSERT INTO remote_members (pointer, upload_id, offset, length) VALUES (?, ?, ?, ?)",
      );
      for (const m of free) ins.run(m.pointer, id, m.offset, m.length);
      return id;
    });
  }

  /** One upload by id. */
  upload(id: number): UploadRow | undefined {
    return this.#statements.get(`SELECT ${UPLOAD_COLUMNS} FROM remote_uploads WHERE id = ?`).get(
      id,
    ) as UploadRow | undefined;
  }

  /** Every upload, newest first (for `sync --json` and tests). */
  uploads(): UploadRow[] {
    return this.#statements.get(`SELECT ${UPLOAD_COLUMNS} FROM remote_uploads ORDER BY id DESC`)
      .all() as unknown as UploadRow[];
  }

  /** The members of an upload, in file order. */
  members(uploadId: number): MemberRow[] {
    return this.#statements.get(
      "SELECT pointer, upload_id, offset, length, body_indexed FROM remote_members WHERE upload_id = ? ORDER BY offset",
    ).all(uploadId) as unknown as MemberRow[];
  }

  /** Where one memory lives, with its upload. */
  location(pointer: string): { member: MemberRow; upload: UploadRow } | undefined {
    const member = this.#statements.get(
      "SELECT pointer, upload_id, offset, length, body_indexed FROM remote_members WHERE pointer = ?",
    ).get(pointer) as MemberRow | undefined;
    if (member === undefined) return undefined;
    const upload = this.upload(member.upload_id);
    return upload === undefined ? undefined : { member, upload };
  }

  /** Members of an upload whose memory is no longer indexed (forgotten meanwhile). */
  goneMembers(uploadId: number): string[] {
    return (this.#statements.get(
      `SELECT r.pointer FROM remote_members r WHERE r.upload_id = ?
       AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.pointer = r.pointer)`,
    ).all(uploadId) as { pointer: string }[]).map((r) => r.pointer);
  }

  /**
   * Claims the next upload that is due (state active, `next_attempt_ms` passed, lease free or
   * run out) for `owner`. Returns it with the new lease, or undefined when nothing is due.
   */
  claimDue(
    owner: string,
    nowMs: number,
    leaseUntilMs: number,
    exclude: readonly number[] = [],
  ): UploadRow | undefined {
    return this.transaction(() => {
      const params: SQLInputValue[] = [nowMs, nowMs];
      let extra = "";
      if (exclude.length > 0) {
        extra = ` AND id NOT IN (${exclude.map(() => "?").join(", ")})`;
        params.push(...exclude);
      }
      const row = this.#statements.get(
        `SELECT id FROM remote_uploads
         WHERE state IN ('building', 'built', 'registering', 'registered', 'uploaded')
           AND next_attempt_ms <= ? AND (lease_owner IS NULL OR lease_until_ms < ?)${extra}
         ORDER BY kind = 'manifest', id LIMIT 1`,
      ).get(...params) as { id: number } | undefined;
      if (row === undefined) return undefined;
      this.#statements.get(
        "UPDATE remote_uploads SET lease_owner = ?, lease_until_ms = ? WHERE id = ?",
      ).run(owner, leaseUntilMs, row.id);
      return this.upload(row.id);
    });
  }

  /**
   * Updates an upload if `owner` still holds its lease; returns false when the lease was lost
   * (another syncer took over after it ran out), in which case nothing is written.
   */
  update(id: number, owner: string, fields: Partial<UploadRow>, nowMs: number): boolean {
    const keys = Object.keys(fields) as (keyof UploadRow)[];
    const sets = [...keys.map((k) => `${k} = ?`), "updated_ms = ?"];
    const values = keys.map((k) => fields[k] as SQLInputValue);
    const info = this.#statements.get(
      `UPDATE remote_uploads SET ${sets.join(", ")} WHERE id = ? AND lease_owner = ?`,
    ).run(...values, nowMs, id, owner);
    return Number(info.changes) === 1;
  }

  /** Releases `owner`'s lease on an upload. */
  release(id: number, owner: string): void {
    this.#statements.get(
      "UPDATE remote_uploads SET lease_owner = NULL, lease_until_ms = 0 WHERE id = ? AND lease_owner = ?",
    ).run(id, owner);
  }

  /**
   * Drops an upload that never reached the chain (or whose bytes never will): its member rows go,
   * so those memories are pending again; the row stays as `abandoned` for the record.
   */
  abandon(id: number, owner: string, reason: string, nowMs: number): boolean {
    return this.transaction(() => {
      const ok = this.update(
        id,
        owner,
        { state: "abandoned", last_message: reason, lease_owner: null, lease_until_ms: 0 },
        nowMs,
      );
      if (ok) this.#statements.get("DELETE FROM remote_members WHERE upload_id = ?").run(id);
      return ok;
    });
  }

  /**
   * Abandons what can never be uploaded as it is: a segment whose builder died (still `building`,
   * lease run out), and every unleased segment not yet uploaded (`built`, `registering`,
   * `registered`) that holds a memory forgotten since. Their members go back to the queue.
   * Returns the file names of the abandoned uploads (their outbox files can go).
   */
  abandonStale(nowMs: number): string[] {
    return this.transaction(() => {
      const rows = this.#statements.get(
        `SELECT u.id, u.file_name, u.state FROM remote_uploads u
         WHERE u.kind = 'segment' AND (u.lease_owner IS NULL OR u.lease_until_ms < ?) AND (
           u.state = 'building' OR (u.state IN ('built', 'registering', 'registered')
             AND EXISTS (SELECT 1 FROM remote_members r WHERE r.upload_id = u.id
               AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.pointer = r.pointer))))`,
      ).all(nowMs) as { id: number; file_name: string; state: string }[];
      for (const r of rows) {
        this.#statements.get(
          `UPDATE remote_uploads SET state = 'abandoned', lease_owner = NULL, lease_until_ms = 0,
             last_message = ?, updated_ms = ? WHERE id = ?`,
        ).run(
          r.state === "building"
            ? "interrupted while building"
            : "a member was forgotten before its bytes were uploaded",
          nowMs,
          r.id,
        );
        this.#statements.get("DELETE FROM remote_members WHERE upload_id = ?").run(r.id);
      }
      return rows.map((r) => r.file_name);
    });
  }

  /** Puts rejected uploads back in the queue (the user fixed the cause, e.g. funded the account). */
  retryRejected(nowMs: number): number {
    const info = this.#statements.get(
      `UPDATE remote_uploads SET state = CASE WHEN action_id IS NULL THEN 'built' ELSE 'registered' END,
         attempts = 0, next_attempt_ms = 0, updated_ms = ? WHERE state = 'rejected'`,
    ).run(nowMs);
    return Number(info.changes);
  }

  /** Remote state of each given pointer (`local-only` when in no registered upload). */
  stateOf(pointers: string[]): Map<string, RemoteInfo> {
    const out = new Map<string, RemoteInfo>();
    if (pointers.length === 0) return out;
    const rows = this.#statements.get(
      `SELECT r.pointer, u.state, u.action_id, u.tx_hash, u.data_hash, u.price_ulume
       FROM remote_members r JOIN remote_uploads u ON u.id = r.upload_id
       WHERE r.pointer IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(pointers)) as {
      pointer: string;
      state: UploadState;
      action_id: string | null;
      tx_hash: string | null;
      data_hash: string | null;
      price_ulume: string | null;
    }[];
    const found = new Map(rows.map((r) => [r.pointer, r]));
    for (const p of pointers) {
      const row = found.get(p);
      const state = row === undefined ? "local-only" : toMemoryState(row.state);
      const info: RemoteInfo = { state };
      if (row !== undefined && state !== "local-only") {
        if (row.action_id !== null) info.action_id = row.action_id;
        if (row.tx_hash !== null) info.tx_hash = row.tx_hash;
        if (row.data_hash !== null) info.data_hash = row.data_hash;
        if (row.price_ulume !== null) info.price_ulume = Number(row.price_ulume);
      }
      out.set(p, info);
    }
    return out;
  }

  /** Totals for stats and `sync`. */
  counts(): RemoteCounts {
    const by_state: Record<MemoryRemoteState, number> = {
      "local-only": 0,
      registered: 0,
      uploaded: 0,
      finalized: 0,
    };
    const rows = this.#statements.get(
      `SELECT coalesce(u.state, 'none') AS state, count(*) AS n FROM memories m
       LEFT JOIN remote_members r ON r.pointer = m.pointer
       LEFT JOIN remote_uploads u ON u.id = r.upload_id GROUP BY 1`,
    ).all() as { state: string; n: number }[];
    for (const r of rows) {
      by_state[r.state === "none" ? "local-only" : toMemoryState(r.state as UploadState)] += r.n;
    }
    const uploads = this.#statements.get(
      "SELECT kind, state, count(*) AS count FROM remote_uploads GROUP BY kind, state ORDER BY kind, state",
    ).all() as unknown as RemoteCounts["uploads"];
    let price = 0n;
    let gas = 0n;
    for (
      const r of this.#statements.get(
        "SELECT price_ulume, gas_fee_ulume FROM remote_uploads WHERE action_id IS NOT NULL",
      ).all() as { price_ulume: string | null; gas_fee_ulume: string | null }[]
    ) {
      price += BigInt(r.price_ulume ?? "0");
      gas += BigInt(r.gas_fee_ulume ?? "0");
    }
    const rejected = (this.#statements.get(
      "SELECT id, kind, last_error, last_message FROM remote_uploads WHERE state = 'rejected' ORDER BY id LIMIT 20",
    ).all() as {
      id: number;
      kind: UploadKind;
      last_error: string | null;
      last_message: string | null;
    }[]).map((r) => ({
      id: r.id,
      kind: r.kind,
      error: r.last_error ?? "REMOTE_REJECTED",
      message: r.last_message ?? "",
    }));
    const manifest = this.#statements.get(
      "SELECT max(manifest_seq) AS s FROM remote_uploads WHERE kind = 'manifest' AND state = 'finalized'",
    ).get() as { s: number | null };
    const out: RemoteCounts = {
      by_state,
      pending: this.pendingSummary(),
      uploads,
      paid_ulume: price + gas,
      price_ulume: price,
      gas_ulume: gas,
      rejected,
    };
    if (manifest.s !== null) out.manifest_seq = manifest.s;
    return out;
  }

  /** The remote part of `stats`. */
  stats(configured: boolean): RemoteStats {
    const c = this.counts();
    const segments: Record<string, number> = {};
    const manifests: Record<string, number> = {};
    for (const u of c.uploads) (u.kind === "segment" ? segments : manifests)[u.state] = u.count;
    const out: RemoteStats = {
      configured,
      by_state: c.by_state,
      pending_memories: c.pending.memories,
      pending_bytes: c.pending.bytes,
      segments,
      manifests,
      paid_ulume: Number(c.paid_ulume),
      rejected: c.rejected.map((r) => ({
        upload: r.id,
        kind: r.kind,
        code: r.error,
        message: r.message,
      })),
    };
    if (c.manifest_seq !== undefined) out.manifest_seq = c.manifest_seq;
    return out;
  }

  /** Number of uploads still in an active state (work left for a syncer). */
  activeCount(kind?: UploadKind): number {
    const row = this.#statements.get(
      `SELECT count(*) AS n FROM remote_uploads
       WHERE state IN ('building', 'built', 'registering', 'registered', 'uploaded')${
        kind === undefined ? "" : " AND kind = ?"
      }`,
    ).get(...(kind === undefined ? [] : [kind])) as { n: number };
    return row.n;
  }

  /** The soonest `next_attempt_ms` of an active upload, if any. */
  nextDueMs(): number | undefined {
    const row = this.#statements.get(
      `SELECT min(max(next_attempt_ms, lease_until_ms)) AS t FROM remote_uploads
       WHERE state IN ('building', 'built', 'registering', 'registered', 'uploaded')`,
    ).get() as { t: number | null };
    return row.t ?? undefined;
  }

  /** The highest manifest sequence number used so far (0 when none). */
  lastManifestSeq(): number {
    const row = this.#statements.get(
      "SELECT max(manifest_seq) AS s FROM remote_uploads WHERE kind = 'manifest'",
    ).get() as { s: number | null };
    return row.s ?? 0;
  }

  /** True when an upload with this action id is recorded here. */
  hasAction(actionId: string): boolean {
    return this.#statements.get("SELECT 1 FROM remote_uploads WHERE action_id = ?").get(
      actionId,
    ) !==
      undefined;
  }

  /** When the newest manifest (finalized or on its way) was built, if any. */
  lastManifestMs(): number | undefined {
    const row = this.#statements.get(
      `SELECT max(created_ms) AS t FROM remote_uploads WHERE kind = 'manifest'
       AND state NOT IN ('rejected', 'abandoned')`,
    ).get() as { t: number | null };
    return row.t ?? undefined;
  }

  /** The digest of the newest manifest that is finalized or still on its way. */
  currentManifestDigest(): string | undefined {
    const row = this.#statements.get(
      `SELECT manifest_digest FROM remote_uploads WHERE kind = 'manifest'
       AND state NOT IN ('rejected', 'abandoned') ORDER BY manifest_seq DESC LIMIT 1`,
    ).get() as { manifest_digest: string | null } | undefined;
    return row?.manifest_digest ?? undefined;
  }

  /**
   * What a manifest lists: every indexed memory whose segment is finalized, with its location,
   * in pointer order.
   */
  finalizedLocations(): {
    pointer: string;
    action_id: string;
    offset: number;
    length: number;
    upload_id: number;
  }[] {
    return this.#statements.get(
      `SELECT r.pointer, u.action_id, r.offset, r.length, u.id AS upload_id
       FROM remote_members r JOIN remote_uploads u ON u.id = r.upload_id
       JOIN memories m ON m.pointer = r.pointer
       WHERE u.state = 'finalized' AND u.kind = 'segment' ORDER BY r.pointer`,
    ).all() as unknown as {
      pointer: string;
      action_id: string;
      offset: number;
      length: number;
      upload_id: number;
    }[];
  }

  /**
   * Records an upload that already exists on chain (restore): finalized, with its receipt. Returns
   * the local upload id (the existing one when the action is known).
   */
  recordFinalized(
    input: {
      kind: UploadKind;
      fileName: string;
      actionId: string;
      dataHash: string;
      priceUlume: string;
      bytes?: number;
      manifestSeq?: number;
      manifestDigest?: string;
    },
    nowMs: number,
  ): number {
    const existing = this.#statements.get("SELECT id FROM remote_uploads WHERE action_id = ?").get(
      input.actionId,
    ) as { id: number } | undefined;
    if (existing !== undefined) return existing.id;
    const byName = this.#statements.get("SELECT id FROM remote_uploads WHERE file_name = ?").get(
      input.fileName,
    ) as { id: number } | undefined;
    if (byName !== undefined) {
      this.#statements.get(
        `UPDATE remote_uploads SET state = 'finalized', action_id = ?, data_hash = ?,
           price_ulume = coalesce(price_ulume, ?), manifest_digest = coalesce(?, manifest_digest),
           finalized_ms = ?, updated_ms = ? WHERE id = ?`,
      ).run(
        input.actionId,
        input.dataHash,
        input.priceUlume,
        input.manifestDigest ?? null,
        nowMs,
        nowMs,
        byName.id,
      );
      return byName.id;
    }
    const info = this.#statements.get(
      `INSERT INTO remote_uploads (kind, file_name, state, bytes, action_id, data_hash, price_ulume,
         manifest_seq, manifest_digest, created_ms, updated_ms, finalized_ms)
       VALUES (?, ?, 'finalized', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      input.kind,
      input.fileName,
      input.bytes ?? null,
      input.actionId,
      input.dataHash,
      input.priceUlume,
      input.manifestSeq ?? null,
      input.manifestDigest ?? null,
      nowMs,
      nowMs,
      nowMs,
    );
    return Number(info.lastInsertRowid);
  }

  /** Records where a restored memory lives; `bodyIndexed` false when only its stub is indexed. */
  addMember(
    pointer: string,
    uploadId: number,
    offset: number,
    length: number,
    bodyIndexed: boolean,
  ): void {
    this.#statements.get(
      `INSERT INTO remote_members (pointer, upload_id, offset, length, body_indexed)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (pointer) DO NOTHING`,
    ).run(pointer, uploadId, offset, length, bodyIndexed ? 1 : 0);
  }

  /** Marks a memory's full text as indexed (its blob was fetched and re-indexed). */
  markBodyIndexed(pointer: string): void {
    this.#statements.get("UPDATE remote_members SET body_indexed = 1 WHERE pointer = ?").run(
      pointer,
    );
  }

  /**
   * What a manifest needs per memory whose segment is finalized: the index row's columns, its
   * tags, the first `textChars + 1` characters of its searchable text (as indexed; one more than
   * kept, to tell a cut text) and its location.
   */
  manifestRows(textChars: number): ManifestSourceRow[] {
    return this.#statements.get(
      `SELECT m.pointer, m.content_id, m.session_id, m.kind, m.tool_name, m.workspace, m.title,
         m.summary, m.success, m.ts_ms, m.stored_ms, m.stored_bytes, m.record_bytes, m.key_id,
         m.expires_ms, m.git_branch, m.part, m.started_ms, m.ended_ms, m.message_count,
         (SELECT group_concat(t.tag, char(31)) FROM tags t WHERE t.memory_id = m.id) AS tags,
         (SELECT substr(f.body, 1, ?) FROM memories_fts f WHERE f.rowid = m.id) AS body,
         r.body_indexed, r.offset, r.length, u.action_id
       FROM memories m JOIN remote_members r ON r.pointer = m.pointer
       JOIN remote_uploads u ON u.id = r.upload_id
       WHERE u.state = 'finalized' AND u.kind = 'segment' ORDER BY m.pointer`,
    ).all(textChars + 1) as unknown as ManifestSourceRow[];
  }

  /** Every tombstone (for the manifest). */
  tombstones(): { kind: "content" | "session"; value: string; key_id: string | null }[] {
    return this.#statements.get("SELECT kind, value, key_id FROM tombstones ORDER BY kind, value")
      .all() as unknown as { kind: "content" | "session"; value: string; key_id: string | null }[];
  }

  /** Finalized segments (for the manifest): action id, file name, data hash, price. */
  finalizedSegments(): {
    action_id: string;
    file_name: string;
    data_hash: string | null;
    price_ulume: string | null;
    bytes: number | null;
  }[] {
    return this.#statements.get(
      `SELECT action_id, file_name, data_hash, price_ulume, bytes FROM remote_uploads
       WHERE kind = 'segment' AND state = 'finalized' AND action_id IS NOT NULL ORDER BY id`,
    ).all() as unknown as {
      action_id: string;
      file_name: string;
      data_hash: string | null;
      price_ulume: string | null;
      bytes: number | null;
    }[];
  }

  /** Records a tombstone from a manifest (kept when already present). */
  addTombstone(
    kind: "content" | "session",
    value: string,
    keyId: string | null,
    nowMs: number,
  ): void {
    this.#statements.get(
      "INSERT OR IGNORE INTO tombstones (kind, value, key_id, forgotten_ms) VALUES (?, ?, ?, ?)",
    ).run(kind, value, keyId, nowMs);
  }

  /** Sets a restored row's message count (its stub record carries no messages). */
  setMessageCount(pointer: string, count: number | null): void {
    this.#statements.get("UPDATE memories SET message_count = ? WHERE pointer = ?").run(
      count,
      pointer,
    );
  }
}

/** One memory's index columns and location, as a manifest lists it. */
export interface ManifestSourceRow {
  pointer: string;
  content_id: string;
  session_id: string;
  kind: string;
  tool_name: string;
  workspace: string | null;
  title: string | null;
  summary: string;
  success: number;
  ts_ms: number;
  stored_ms: number;
  stored_bytes: number;
  record_bytes: number;
  key_id: string;
  expires_ms: number | null;
  git_branch: string | null;
  part: number;
  started_ms: number | null;
  ended_ms: number | null;
  message_count: number | null;
  tags: string | null;
  body: string | null;
  body_indexed: number;
  offset: number;
  length: number;
  action_id: string;
}
