/**
 * What `import` already read, per transcript file (the `import_files` table of the index): its
 * size, modification time and a hash of its last 4 KiB when it was last read, and what came of
 * it. A file whose three values are unchanged is skipped without being opened past its tail, which
 * is what makes re-running an import over an unchanged tree fast.
 *
 * The table is a cache like the rest of the index: without it (e.g. after `reindex`) an import
 * reads every file again and stores nothing new, because equal content is deduplicated.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { sha256Hex } from "../crypto/hex.ts";

/** Bytes at the end of a file that the change check hashes. */
export const TAIL_BYTES = 4096;

/** A file's change-check values. */
export interface FileFingerprint {
  /** Size in bytes. */
  size: number;
  /** Modification time, ms since epoch (0 when the platform has none). */
  mtimeMs: number;
  /** SHA-256 (first 32 hex) of the last {@link TAIL_BYTES} bytes. */
  tailHash: string;
}

/** What came of reading a file last time. */
export type FileStatus = "imported" | "unchanged" | "refused" | "skipped";

/** One row of the import state. */
export interface ImportedFile extends FileFingerprint {
  /** The transcript's path. */
  path: string;
  /** The agent it was read as. */
  agent: string;
  /** What came of it. */
  status: FileStatus;
  /** Its session id, when known. */
  sessionId?: string;
  /** A short, secret-free note (why it was skipped or refused). */
  detail?: string;
}

/** Computes the change-check values of an open file. */
export async function fingerprintOf(
  file: Deno.FsFile,
  info: Deno.FileInfo,
): Promise<FileFingerprint> {
  const size = info.size;
  const n = Math.min(size, TAIL_BYTES);
  const buf = new Uint8Array(n);
  if (n > 0) {
    await file.seek(size - n, Deno.SeekMode.Start);
    let off = 0;
    while (off < n) {
      const r = await file.read(buf.subarray(off));
      if (r === null) break;
      off += r;
    }
    await file.seek(0, Deno.SeekMode.Start);
  }
  return {
    size,
    mtimeMs: info.mtime?.getTime() ?? 0,
    tailHash: (await sha256Hex(buf)).slice(0, 32),
  };
}

/** True when two fingerprints describe the same bytes (as far as the check can tell). */
export function sameFingerprint(a: FileFingerprint, b: FileFingerprint): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.tailHash === b.tailHash;
}

interface Row {
  path: string;
  agent: string;
  size: number;
  mtime_ms: number;
  tail_hash: string;
  status: FileStatus;
  session_id: string | null;
  detail: string | null;
}

/** The import state over an open, migrated index database. */
export class ImportState {
  readonly #db: DatabaseSync;

  /** Wraps the index database (schema version 3 or later). */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The state of one file, if it was read before. */
  get(path: string): ImportedFile | undefined {
    const row = this.#db.prepare(
      "SELECT path, agent, size, mtime_ms, tail_hash, status, session_id, detail FROM import_files WHERE path = ?",
    ).get(path) as Row | undefined;
    if (row === undefined) return undefined;
    const out: ImportedFile = {
      path: row.path,
      agent: row.agent,
      size: row.size,
      mtimeMs: row.mtime_ms,
      tailHash: row.tail_hash,
      status: row.status,
    };
    if (row.session_id !== null) out.sessionId = row.session_id;
    if (row.detail !== null) out.detail = row.detail;
    return out;
  }

  /** Records (or replaces) the state of one file. */
  put(f: ImportedFile): void {
    this.#db.prepare(
      `INSERT OR REPLACE INTO import_files
         (path, agent, size, mtime_ms, tail_hash, status, session_id, detail, imported_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      f.path,
      f.agent,
      f.size,
      f.mtimeMs,
      f.tailHash,
      f.status,
      f.sessionId ?? null,
      f.detail ?? null,
      Date.now(),
    );
  }

  /** True when some version of this session (or cm rule) is indexed. */
  hasSession(agent: string, sessionId: string): boolean {
    return this.#db.prepare(
      "SELECT 1 FROM memories WHERE tool_name = ? AND session_id = ? LIMIT 1",
    ).get(agent, sessionId) !== undefined;
  }
}
