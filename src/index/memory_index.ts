/**
 * The local index: one row per memory (metadata only, plus the scanned searchable text in FTS5),
 * an exact-match tag table, and the queries over them. The index is a cache of the blobs.
 *
 * @module
 */

import { StatementCache } from "./statement_cache.ts";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { LumeraError } from "../errors.ts";
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_CHARS, MAX_QUERY_LIMIT } from "../record/limits.ts";
import {
  type MemoryRecord,
  normalizeTag,
  RECORD_KINDS,
  type RecordKind,
  searchableText,
} from "../record/schema.ts";
import type {
  ListSessionsInput,
  ListSessionsResult,
  QueryHit,
  QueryInput,
  QueryResult,
  SessionSummary,
} from "../service/types.ts";
import { ftsMatchExpression, queryTerms } from "./fts_query.ts";

/** The tombstone value of a session: agent and session id. */
export function sessionKey(toolName: string, sessionId: string): string {
  return `${toolName}\u001f${sessionId}`;
}

/** What the index stores about one memory. */
export interface IndexEntry {
  /** The blob's pointer. */
  pointer: string;
  /** Keyed content id. */
  contentId: string;
  /** The record (its text goes into FTS; it is already scanned). */
  record: MemoryRecord;
  /** When it was stored (ms since epoch). */
  storedMs: number;
  /** Envelope size. */
  storedBytes: number;
  /** Canonical record JSON size. */
  recordBytes: number;
  /** Key id that sealed it. */
  keyId: string;
  /** When it expires (ms since epoch), if it has a time to live. */
  expiresMs?: number;
}

/** A row of the `memories` table as read back. */
export interface IndexRow {
  /** Row id. */
  id: number;
  /** Pointer. */
  pointer: string;
  /** Keyed content id. */
  content_id: string;
  /** Envelope size. */
  stored_bytes: number;
  /** Key id. */
  key_id: string;
  /** Session id. */
  session_id: string;
  /** Agent / tool. */
  tool_name: string;
  /** Session time (ms since epoch). */
  ts_ms: number;
  /** Expiry (ms since epoch) or null. */
  expires_ms: number | null;
}

/** Which memories a forget or prune selects. All given criteria must hold. */
export interface Selector {
  /** One pointer. */
  pointer?: string;
  /** A session id. */
  sessionId?: string;
  /** An exact tag. */
  tag?: string;
  /** A workspace. */
  workspace?: string;
  /** Session time strictly before this (ms since epoch). */
  beforeMs?: number;
  /** Only memories whose expiry has passed at this time (ms since epoch). */
  expiredAtMs?: number;
}

/** A tombstone to record when forgetting. */
export interface Tombstone {
  /** `content`: a keyed content id; `session`: `<tool_name>\u001f<session_id>`. */
  kind: "content" | "session";
  /** The content id or session key. */
  value: string;
  /** Key id the content id was computed under (content tombstones). */
  keyId?: string;
}

/** Result of {@link MemoryIndex.insert}. */
export interface InsertOutcome {
  /** The pointer now indexed for this content (the existing one if it was a duplicate). */
  pointer: string;
  /** True when the content was already indexed. */
  duplicate: boolean;
}

interface SessionRow {
  tool_name: string;
  session_id: string;
  started: number;
  ended: number | null;
  messages: number;
  bytes: number;
  pointers: string;
  workspace: string | null;
  branch: string | null;
  title: string | null;
  summary: string;
  versions: number;
}

/** Default page size of {@link MemoryIndex.listSessions}. */
const DEFAULT_SESSION_LIMIT = 20;

/** Versions are kept per kind, agent, session id and part. */
interface VersionKey {
  kind: string;
  tool: string;
  session: string;
  part: number;
}

interface HitRow {
  id: number;
  pointer: string;
  session_id: string;
  kind: RecordKind;
  tool_name: string;
  workspace: string | null;
  title: string | null;
  summary: string;
  success: number;
  ts_ms: number;
  stored_bytes: number;
  git_branch: string | null;
  part: number;
  tags: string | null;
  snippet?: string;
  rank?: number;
}

const TAG_SEPARATOR = "\u001f";
const ROW_COLUMNS =
  "m.id, m.pointer, m.content_id, m.stored_bytes, m.key_id, m.session_id, m.tool_name, m.ts_ms, m.expires_ms";
const SNIPPET_TOKENS = 16;

/**
 * How many matches a query counts and ranks at most: a text query ranks (BM25) the newest this
 * many memories that match it and pass its filters, and `total` counts up to this many (above it,
 * `total` is a lower bound and `total_capped` is set). This bounds a query's work at any store
 * size: ranking or counting every match of a common word costs milliseconds per 10,000 matches.
 */
export const QUERY_WINDOW = 250;

/** With `rank_all`: the most matches a query counts and ranks (in effect, every one). */
const MAX_RANKED = 100_000_000;

/** SQLite page cache per open index, in KiB. */
const INDEX_CACHE_KIB = 32 * 1024;

function usage(message: string, hint: string): LumeraError {
  return new LumeraError("USAGE", message, { hint });
}

function parseTime(value: string, name: string): number {
  const ms = new Date(value).getTime();
  if (value.length > 64 || Number.isNaN(ms)) {
    throw usage(
      `${name} is not a date or time: use ISO-8601`,
      "e.g. 2026-11-01 or 2026-11-01T09:30:00Z",
    );
  }
  return ms;
}

interface Cursor {
  offset: number;
  fingerprint: string;
}

/**
 * Unpadded base64 of `[offset, fingerprint]` (ASCII JSON), the same text `btoa` gives; the built-in
 * `toBase64` because `btoa`'s first call takes ~1 ms, which a server's first query paid.
 */
function encodeCursor(c: Cursor): string {
  const json = new TextEncoder().encode(JSON.stringify([c.offset, c.fingerprint]));
  return json.toBase64({ omitPadding: true });
}

function decodeCursor(raw: string, fingerprint: string): number {
  const bad = usage(
    "the cursor is not valid for this query",
    "pass back next_cursor unchanged with the same query and filters",
  );
  if (raw.length > 200) throw bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(raw));
  } catch {
    throw bad;
  }
  if (
    !Array.isArray(parsed) || typeof parsed[0] !== "number" || !Number.isSafeInteger(parsed[0]) ||
    parsed[0] < 0 || parsed[1] !== fingerprint
  ) throw bad;
  return parsed[0];
}

/** Index operations over an open database. Not safe to share across threads. */
export class MemoryIndex {
  readonly #db: DatabaseSync;

  readonly #statements: StatementCache;

  /** A prepared statement for `sql`, prepared once and reused (see {@link StatementCache}). */
  #stmt(sql: string): StatementSync {
    return this.#statements.get(sql);
  }

  /** Wraps an open, migrated database (see `openIndexDb`). */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#statements = new StatementCache(db);
    // A query walks FTS doclists and looks up each match's row: with SQLite's default 2 MiB page
    // cache those lookups go to the OS one pread at a time. The cache grows only as pages are read.
    db.exec(`PRAGMA cache_size = -${INDEX_CACHE_KIB}`);
  }

  /** The pointer already stored for a content id, if any. */
  pointerForContent(contentId: string): string | undefined {
    const row = this.#stmt("SELECT pointer FROM memories WHERE content_id = ?").get(
      contentId,
    ) as { pointer: string } | undefined;
    return row?.pointer;
  }

  /**
   * Inserts one memory with its tags and searchable text in one transaction. If the same content
   * id was indexed meanwhile (a concurrent writer), nothing is inserted and the existing pointer
   * is returned. Inside a caller's transaction (e.g. a restore that records the memory's remote
   * location with it) the insert is a savepoint of that transaction: both land or neither does.
   */
  insert(entry: IndexEntry): InsertOutcome {
    const db = this.#db;
    const r = entry.record;
    const nested = db.isTransaction;
    db.exec(nested ? "SAVEPOINT memory_insert" : "BEGIN IMMEDIATE");
    const done = () => db.exec(nested ? "RELEASE memory_insert" : "COMMIT");
    try {
      const existing = this.pointerForContent(entry.contentId);
      if (existing !== undefined) {
        done();
        return { pointer: existing, duplicate: true };
      }
      const sameBlob = this.#stmt("SELECT 1 FROM memories WHERE pointer = ?").get(entry.pointer);
      if (sameBlob !== undefined) {
        done();
        return { pointer: entry.pointer, duplicate: true };
      }
      const info = this.#stmt(
        `INSERT INTO memories (pointer, content_id, session_id, kind, tool_name, workspace, title,
           summary, success, ts_ms, stored_ms, stored_bytes, record_bytes, key_id, expires_ms,
           git_branch, part, started_ms, ended_ms, message_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        entry.pointer,
        entry.contentId,
        r.session_id,
        r.kind,
        r.tool_name,
        r.workspace ?? null,
        r.title ?? null,
        r.summary,
        r.success ? 1 : 0,
        new Date(r.timestamp).getTime(),
        entry.storedMs,
        entry.storedBytes,
        entry.recordBytes,
        entry.keyId,
        entry.expiresMs ?? null,
        r.git_branch ?? null,
        r.part ?? 1,
        r.started_at === undefined ? null : new Date(r.started_at).getTime(),
        r.ended_at === undefined ? null : new Date(r.ended_at).getTime(),
        r.messages?.length ?? null,
      );
      const id = Number(info.lastInsertRowid);
      const tagStmt = this.#stmt("INSERT OR IGNORE INTO tags (tag, memory_id) VALUES (?, ?)");
      for (const t of r.tags) tagStmt.run(t, id);
      this.#stmt(
        "INSERT INTO memories_fts (rowid, title, summary, body, tags) VALUES (?, ?, ?, ?, ?)",
      ).run(id, r.title ?? "", r.summary, searchableText(r), r.tags.join(" "));
      this.#refreshLatest([{
        kind: r.kind,
        tool: r.tool_name,
        session: r.session_id,
        part: r.part ?? 1,
      }]);
      done();
      return { pointer: entry.pointer, duplicate: false };
    } catch (err) {
      db.exec(nested ? "ROLLBACK TO memory_insert; RELEASE memory_insert" : "ROLLBACK");
      throw err;
    }
  }

  /** The version keys (kind, agent, session id, part) of rows, distinct. */
  #versionKeys(ids: number[]): VersionKey[] {
    const out = new Map<string, VersionKey>();
    const stmt = this.#stmt(
      "SELECT kind, tool_name, session_id, part FROM memories WHERE id = ?",
    );
    for (const id of ids) {
      const row = stmt.get(id) as
        | { kind: string; tool_name: string; session_id: string; part: number }
        | undefined;
      if (row === undefined) continue;
      const key = { kind: row.kind, tool: row.tool_name, session: row.session_id, part: row.part };
      out.set(JSON.stringify(key), key);
    }
    return [...out.values()];
  }

  /**
   * Marks the newest version of each key as `latest` and the others not. Newest: the latest last
   * message (`ended_ms`, else the session time), then the most messages, then the last stored.
   * Runs inside the caller's transaction.
   */
  #refreshLatest(keys: VersionKey[]): void {
    const stmt = this.#stmt(
      `UPDATE memories SET latest = CASE WHEN id = (
         SELECT v.id FROM memories v
         WHERE v.kind = ?4 AND v.tool_name = ?1 AND v.session_id = ?2 AND v.part = ?3
         ORDER BY coalesce(v.ended_ms, v.ts_ms) DESC, coalesce(v.message_count, 0) DESC, v.id DESC
         LIMIT 1) THEN 1 ELSE 0 END
       WHERE kind = ?4 AND tool_name = ?1 AND session_id = ?2 AND part = ?3`,
    );
    for (const k of keys) stmt.run(k.tool, k.session, k.part, k.kind);
  }

  /** True when a pointer is indexed. */
  hasPointer(pointer: string): boolean {
    return this.#stmt("SELECT 1 FROM memories WHERE pointer = ?").get(pointer) !== undefined;
  }

  /** Every indexed row (pointer, ids, sizes), oldest first. */
  allRows(): IndexRow[] {
    return this.#stmt(
      "SELECT id, pointer, content_id, stored_bytes, key_id, session_id, tool_name, ts_ms, expires_ms FROM memories ORDER BY id",
    ).all() as unknown as IndexRow[];
  }

  /** The row of one pointer, if indexed. */
  rowFor(pointer: string): IndexRow | undefined {
    return this.#stmt(
      "SELECT id, pointer, content_id, stored_bytes, key_id, session_id, tool_name, ts_ms, expires_ms FROM memories WHERE pointer = ?",
    ).get(pointer) as IndexRow | undefined;
  }

  /** Removes one pointer's row, tags and text (e.g. a row whose blob is gone). */
  removePointer(pointer: string): void {
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      const row = this.rowFor(pointer);
      if (row !== undefined) {
        const keys = this.#versionKeys([row.id]);
        this.#deleteRow(row.id);
        this.#refreshLatest(keys);
      }
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  }

  /** The rows a selector picks, oldest first. At least one criterion is required. */
  select(sel: Selector): IndexRow[] {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (sel.pointer !== undefined) {
      where.push("m.pointer = ?");
      params.push(sel.pointer);
    }
    if (sel.sessionId !== undefined) {
      where.push("m.session_id = ?");
      params.push(sel.sessionId);
    }
    if (sel.tag !== undefined) {
      where.push("EXISTS (SELECT 1 FROM tags t WHERE t.tag = ? AND t.memory_id = m.id)");
      params.push(normalizeTag(sel.tag) ?? "");
    }
    if (sel.workspace !== undefined) {
      where.push("m.workspace = ?");
      params.push(sel.workspace);
    }
    if (sel.beforeMs !== undefined) {
      where.push("m.ts_ms < ?");
      params.push(sel.beforeMs);
    }
    if (sel.expiredAtMs !== undefined) {
      where.push("m.expires_ms IS NOT NULL AND m.expires_ms <= ?");
      params.push(sel.expiredAtMs);
    }
    if (where.length === 0) {
      throw new LumeraError(
        "USAGE",
        "select at least one of: pointer, session, tag, workspace, age",
        {
          hint: "e.g. --tag scratch or --older-than 90d",
        },
      );
    }
    return this.#stmt(
      `SELECT ${ROW_COLUMNS} FROM memories m WHERE ${where.join(" AND ")} ORDER BY m.id`,
    ).all(...params) as unknown as IndexRow[];
  }

  /**
   * Removes rows (with their tags and text) and records tombstones, in one transaction. Blobs are
   * the caller's to delete afterwards.
   */
  forget(rows: IndexRow[], tombstones: Tombstone[]): void {
    const db = this.#db;
    const now = Date.now();
    db.exec("BEGIN IMMEDIATE");
    try {
      const tomb = this.#stmt(
        "INSERT OR IGNORE INTO tombstones (kind, value, key_id, forgotten_ms) VALUES (?, ?, ?, ?)",
      );
      for (const t of tombstones) tomb.run(t.kind, t.value, t.keyId ?? null, now);
      const keys = this.#versionKeys(rows.map((r) => r.id));
      for (const row of rows) this.#deleteRow(row.id);
      this.#refreshLatest(keys);
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Deletes one memory's row, tags and searchable text (inside the caller's transaction). */
  #deleteRow(id: number): void {
    this.#stmt("DELETE FROM memories_fts WHERE rowid = ?").run(id);
    this.#stmt("DELETE FROM tags WHERE memory_id = ?").run(id);
    this.#stmt("DELETE FROM memories WHERE id = ?").run(id);
  }

  /**
   * True when content or its session was forgotten: a tombstone of the keyed content id, or of
   * the agent and session id.
   */
  isForgotten(contentId: string, toolName: string, sessionId: string): boolean {
    return this.isTombstoned("content", contentId) ||
      this.isTombstoned("session", sessionKey(toolName, sessionId));
  }

  /** True when a tombstone of this kind and value exists. */
  isTombstoned(kind: "content" | "session", value: string): boolean {
    return this.#stmt("SELECT 1 FROM tombstones WHERE kind = ? AND value = ?").get(
      kind,
      value,
    ) !== undefined;
  }

  /** Removes a tombstone (an explicit store of forgotten content). */
  clearTombstone(kind: "content" | "session", value: string): void {
    this.#stmt("DELETE FROM tombstones WHERE kind = ? AND value = ?").run(kind, value);
  }

  /** Number of tombstones. */
  tombstoneCount(): number {
    return (this.#stmt("SELECT count(*) AS n FROM tombstones").get() as { n: number }).n;
  }

  /**
   * Points a row at a re-sealed blob (key rotation). Returns false when the row no longer has
   * `oldPointer` (already moved or forgotten).
   */
  movePointer(
    oldPointer: string,
    next: { pointer: string; contentId: string; storedBytes: number; keyId: string },
  ): boolean {
    const info = this.#stmt(
      `UPDATE memories SET pointer = ?, content_id = ?, stored_bytes = ?, key_id = ?
       WHERE pointer = ?`,
    ).run(next.pointer, next.contentId, next.storedBytes, next.keyId, oldPointer);
    return Number(info.changes) === 1;
  }

  /** The first of `candidates` (most specific first) that is the workspace of some memory. */
  firstKnownWorkspace(candidates: string[]): string | undefined {
    const stmt = this.#stmt("SELECT 1 FROM memories WHERE workspace = ? LIMIT 1");
    return candidates.find((c) => stmt.get(c) !== undefined);
  }

  /**
   * Sessions (kind `session`), each as its newest version over all its parts, most recently
   * active first. `scope` limits the list like a query's workspace scope.
   */
  listSessions(input: ListSessionsInput, scope?: string): ListSessionsResult {
    const limit = input.limit ?? DEFAULT_SESSION_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
      throw usage(`limit must be an integer from 1 to ${MAX_QUERY_LIMIT}`, "e.g. --limit 20");
    }
    const where = [
      "m.kind = 'session'",
      "m.latest = 1",
      "(m.expires_ms IS NULL OR m.expires_ms > ?)",
    ];
    const params: SQLInputValue[] = [Date.now()];
    if (input.agent) {
      where.push("m.tool_name = ?");
      params.push(input.agent);
    }
    if (input.workspace) {
      where.push("m.workspace = ?");
      params.push(input.workspace);
    } else if (scope !== undefined) {
      where.push("m.workspace = ?");
      params.push(scope);
    }
    if (input.branch) {
      where.push("m.git_branch = ?");
      params.push(input.branch);
    }
    const outer: string[] = [];
    const outerParams: SQLInputValue[] = [];
    if (input.since) {
      outer.push("s.ended >= ?");
      outerParams.push(parseTime(input.since, "since"));
    }
    if (input.until) {
      outer.push("s.started < ?");
      outerParams.push(parseTime(input.until, "until"));
    }
    const fp = fingerprintOf([
      "sessions",
      input.agent,
      input.workspace,
      input.branch,
      input.since,
      input.until,
      limit,
      scope,
    ]);
    const offset = input.cursor ? decodeCursor(input.cursor, fp) : 0;
    const cte = `WITH s AS (
        SELECT m.tool_name, m.session_id, min(m.part) AS first_part,
          min(coalesce(m.started_ms, m.ts_ms)) AS started,
          max(coalesce(m.ended_ms, m.ts_ms)) AS ended,
          sum(coalesce(m.message_count, 0)) AS messages,
          sum(m.stored_bytes) AS bytes,
          group_concat(m.pointer, ',' ORDER BY m.part) AS pointers,
          max(m.workspace) AS workspace, max(m.git_branch) AS branch
        FROM memories m WHERE ${where.join(" AND ")}
        GROUP BY m.tool_name, m.session_id
      )`;
    const filter = outer.length ? `WHERE ${outer.join(" AND ")}` : "";
    const total = (this.#stmt(`${cte} SELECT count(*) AS n FROM s ${filter}`).get(
      ...params,
      ...outerParams,
    ) as { n: number }).n;
    const rows = this.#stmt(
      `${cte}
       SELECT s.*, f.title, f.summary,
         (SELECT count(*) FROM memories v WHERE v.kind = 'session' AND v.tool_name = s.tool_name
            AND v.session_id = s.session_id) AS versions
       FROM s JOIN memories f ON f.kind = 'session' AND f.latest = 1
         AND f.tool_name = s.tool_name AND f.session_id = s.session_id AND f.part = s.first_part
       ${filter}
       ORDER BY s.ended DESC, s.tool_name, s.session_id LIMIT ? OFFSET ?`,
    ).all(...params, ...outerParams, limit, offset) as unknown as SessionRow[];
    const sessions = rows.map((r) => {
      const pointers = r.pointers.split(",");
      const out: SessionSummary = {
        tool_name: r.tool_name,
        session_id: r.session_id,
        pointer: pointers[0],
        pointers,
        summary: shorten(r.summary, MAX_HIT_SUMMARY_CHARS),
        started_at: new Date(r.started).toISOString(),
        message_count: r.messages,
        versions: r.versions,
        stored_bytes: r.bytes,
      };
      if (r.title !== null) out.title = r.title;
      if (r.workspace !== null) out.workspace = r.workspace;
      if (r.branch !== null) out.git_branch = r.branch;
      if (r.ended !== null) out.ended_at = new Date(r.ended).toISOString();
      return out;
    });
    const result: ListSessionsResult = { sessions, total };
    if (offset + rows.length < total && rows.length === limit) {
      result.next_cursor = encodeCursor({ offset: offset + limit, fingerprint: fp });
    }
    return result;
  }

  /** The raw database, for the read-only statistics queries. */
  get db(): DatabaseSync {
    return this.#db;
  }

  /** Number of memories indexed. */
  count(): number {
    return (this.#stmt("SELECT count(*) AS n FROM memories").get() as { n: number }).n;
  }

  /**
   * Searches the index. Text is matched with every word required first, then any word when that
   * finds nothing; results are ranked by BM25 (title and tags weigh most). Without text, newest
   * first. Offset-based cursor bound to the query's parameters.
   */
  query(input: QueryInput, scope?: string): QueryResult & { match?: "all" | "any" } {
    const limit = input.limit ?? DEFAULT_QUERY_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
      throw usage(`limit must be an integer from 1 to ${MAX_QUERY_LIMIT}`, "e.g. --limit 10");
    }
    const text = input.text ?? "";
    if (text.length > MAX_QUERY_CHARS) {
      throw usage(`the query is longer than ${MAX_QUERY_CHARS} characters`, "use fewer words");
    }
    if (input.kind !== undefined && !RECORD_KINDS.includes(input.kind)) {
      throw usage(`kind must be one of ${RECORD_KINDS.join(", ")}`, "e.g. --kind note");
    }
    const tags = [
      ...new Set((input.tags ?? []).map((t) => normalizeTag(t)).filter((t) => t)),
    ] as string[];

    const where: string[] = ["(m.expires_ms IS NULL OR m.expires_ms > ?)"];
    const params: SQLInputValue[] = [Date.now()];
    if (input.agent) {
      where.push("m.tool_name = ?");
      params.push(input.agent);
    }
    if (input.workspace) {
      where.push("m.workspace = ?");
      params.push(input.workspace);
    }
    if (input.kind) {
      where.push("m.kind = ?");
      params.push(input.kind);
    }
    if (input.branch) {
      where.push("m.git_branch = ?");
      params.push(input.branch);
    }
    if (input.all_versions !== true) where.push("m.latest = 1");
    if (!input.workspace && scope !== undefined) {
      // The workspace's memories, and notes and contexts that belong to no workspace.
      where.push("(m.workspace = ? OR (m.workspace IS NULL AND m.kind <> 'session'))");
      params.push(scope);
    }
    if (input.since) {
      where.push("m.ts_ms >= ?");
      params.push(parseTime(input.since, "since"));
    }
    if (input.until) {
      where.push("m.ts_ms < ?");
      params.push(parseTime(input.until, "until"));
    }
    for (const tag of tags) {
      where.push("EXISTS (SELECT 1 FROM tags t WHERE t.tag = ? AND t.memory_id = m.id)");
      params.push(tag);
    }

    const terms = queryTerms(text);
    const fp = fingerprintOf([
      terms,
      tags,
      input.agent,
      input.workspace,
      input.kind,
      input.since,
      input.until,
      limit,
      input.branch,
      input.all_versions === true,
      scope,
      input.rank_all === true,
    ]);
    // How many matches are counted and ranked: the newest QUERY_WINDOW, or all of them.
    const windowSize = input.rank_all === true ? MAX_RANKED : QUERY_WINDOW;
    const offset = input.cursor ? decodeCursor(input.cursor, fp) : 0;

    const tagsExpr =
      `(SELECT group_concat(tag, char(31)) FROM tags WHERE memory_id = m.id) AS tags`;
    const columns =
      `m.id, m.pointer, m.session_id, m.kind, m.tool_name, m.workspace, m.title, m.summary,
       m.success, m.ts_ms, m.stored_bytes, m.git_branch, m.part, ${tagsExpr}`;

    if (terms.length === 0) {
      const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
      // Newest first: one row more than the page tells whether another page follows.
      const rows = this.#stmt(
        `SELECT ${columns} FROM memories m ${filter} ORDER BY m.ts_ms DESC, m.id DESC LIMIT ? OFFSET ?`,
      ).all(...params, limit + 1, offset) as unknown as HitRow[];
      const counted = (this.#stmt(
        `SELECT count(*) AS n FROM (SELECT 1 FROM memories m ${filter} LIMIT ${windowSize + 1})`,
      ).get(...params) as { n: number }).n;
      return this.#page(windowSize, rows.slice(0, limit), rows.length > limit, offset, counted, fp);
    }

    for (const mode of ["all", "any"] as const) {
      const match = ftsMatchExpression(terms, mode)!;
      const filter = ["memories_fts MATCH ?", ...where].join(" AND ");
      const from = "memories_fts JOIN memories m ON m.id = memories_fts.rowid";
      // The window: the newest QUERY_WINDOW matches that pass the filters (one more tells whether
      // there are more), walked newest first in the FTS index and stopped there; BM25 ranks only
      // them, and the page is cut from that ranking. Ids and ranks only: snippets and tags are
      // computed for the page's rows alone.
      const window = `SELECT m.id AS id, bm25(memories_fts, 8.0, 4.0, 1.0, 6.0) AS rank
         FROM ${from} WHERE ${filter} ORDER BY memories_fts.rowid DESC LIMIT ${windowSize + 1}`;
      const page = this.#stmt(
        `SELECT id, rank, n FROM (
           SELECT id, rank, count(*) OVER () AS n, row_number() OVER (ORDER BY id DESC) AS newest
           FROM (${window}))
         WHERE newest <= ${windowSize} ORDER BY rank, id LIMIT ? OFFSET ?`,
      ).all(match, ...params, limit + 1, offset) as unknown as {
        id: number;
        rank: number;
        n: number;
      }[];
      // A page past the end holds no row to carry the count: count alone (offset > 0 only).
      const counted = page.length > 0 ? page[0].n : offset === 0 ? 0 : (this.#stmt(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${filter}
           LIMIT ${windowSize + 1})`,
      ).get(match, ...params) as { n: number }).n;
      if (counted === 0 && mode === "all" && terms.length > 1) continue;
      if (page.length === 0) {
        return { ...this.#page(windowSize, [], false, offset, counted, fp), match: mode };
      }
      // One lookup per hit: FTS5 seeks each rowid in the doclists, where `rowid IN (…)` would
      // walk every match again.
      const detail = this.#stmt(
        `SELECT ${columns},
           snippet(memories_fts, -1, '[', ']', '…', ${SNIPPET_TOKENS}) AS snippet
         FROM ${from} WHERE memories_fts MATCH ? AND memories_fts.rowid = ?`,
      );
      const rows = page.slice(0, limit).flatMap((p) => {
        const d = detail.get(match, p.id) as HitRow | undefined;
        return d ? [{ ...d, rank: p.rank }] : [];
      });
      return {
        ...this.#page(windowSize, rows, page.length > limit, offset, counted, fp),
        match: mode,
      };
    }
    return { hits: [], total: 0 };
  }

  /**
   * One page of hits from `rows`; `after` tells whether more rows follow them. `counted` is the
   * number of matches counted up to {@link QUERY_WINDOW} + 1; above the window the total is a
   * lower bound and `total_capped` says so.
   */
  #page(
    windowSize: number,
    rows: HitRow[],
    after: boolean,
    offset: number,
    counted: number,
    fp: string,
  ): QueryResult {
    // Token-frugal: the page stops (and the cursor continues) once the hits' text passes a cap.
    const hits: QueryHit[] = [];
    let chars = 0;
    for (const row of rows) {
      const hit = toHit(row);
      const size = hitChars(hit);
      if (hits.length > 0 && chars + size > MAX_PAGE_CHARS) break;
      hits.push(hit);
      chars += size;
    }
    const more = after || rows.length > hits.length;
    const capped = counted > windowSize;
    const total = capped
      ? Math.max(windowSize, offset + hits.length + (more ? 1 : 0))
      : Math.max(counted, offset + hits.length);
    const result: QueryResult = { hits, total };
    if (capped) result.total_capped = true;
    if (more) {
      result.next_cursor = encodeCursor({ offset: offset + hits.length, fingerprint: fp });
    }
    return result;
  }
}

/**
 * The fingerprint a cursor is bound to: the length and FNV-1a hash of the query's parameters as
 * JSON (not a security boundary).
 */
function fingerprintOf(parameters: unknown[]): string {
  const s = JSON.stringify(parameters);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return s.length.toString(36) + ":" + h.toString(36);
}

/** Longest summary shown in a hit, in characters (the record holds it whole). */
export const MAX_HIT_SUMMARY_CHARS = 500;

/** Text a page of hits may carry in total (titles, summaries, snippets, ids), in characters. */
export const MAX_PAGE_CHARS = 48_000;

function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  const c = s.charCodeAt(max - 2);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 2 : max - 1) + "…";
}

function hitChars(h: QueryHit): number {
  return 200 + h.pointer.length + h.session_id.length + h.summary.length +
    (h.title?.length ?? 0) + (h.snippet?.length ?? 0) + (h.workspace?.length ?? 0) +
    h.tags.reduce((n, t) => n + t.length + 3, 0);
}

function toHit(r: HitRow): QueryHit {
  const hit: QueryHit = {
    pointer: r.pointer,
    session_id: r.session_id,
    kind: r.kind,
    tool_name: r.tool_name,
    timestamp: new Date(r.ts_ms).toISOString(),
    summary: shorten(r.summary, MAX_HIT_SUMMARY_CHARS),
    tags: r.tags ? r.tags.split(TAG_SEPARATOR).sort() : [],
    success: r.success === 1,
    stored_bytes: r.stored_bytes,
    remote: { state: "local-only" }, // the service fills in the real state (remote_index.ts)
  };
  if (r.title !== null) hit.title = r.title;
  if (r.workspace !== null) hit.workspace = r.workspace;
  if (r.snippet !== undefined) hit.snippet = r.snippet;
  if (r.git_branch !== null) hit.git_branch = r.git_branch;
  if (r.part > 1) hit.part = r.part;
  if (r.rank !== undefined) hit.score = Math.round(-r.rank * 1000) / 1000;
  return hit;
}
