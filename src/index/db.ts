/**
 * Opens the SQLite index (`node:sqlite`: built in, FTS5 included, no download) and migrates its
 * schema by `PRAGMA user_version`.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { LumeraError } from "../errors.ts";

/** Each migration moves the schema from version `index` to `index + 1`. Append only. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE memories (
    id            INTEGER PRIMARY KEY,
    pointer       TEXT    NOT NULL UNIQUE,
    content_id    TEXT    NOT NULL UNIQUE,
    session_id    TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    tool_name     TEXT    NOT NULL,
    workspace     TEXT,
    title         TEXT,
    summary       TEXT    NOT NULL,
    success       INTEGER NOT NULL,
    ts_ms         INTEGER NOT NULL,
    stored_ms     INTEGER NOT NULL,
    stored_bytes  INTEGER NOT NULL,
    record_bytes  INTEGER NOT NULL,
    key_id        TEXT    NOT NULL
  );
  CREATE INDEX memories_by_time      ON memories (ts_ms DESC, id DESC);
  CREATE INDEX memories_by_agent     ON memories (tool_name, ts_ms);
  CREATE INDEX memories_by_workspace ON memories (workspace, ts_ms);
  CREATE INDEX memories_by_session   ON memories (session_id);
  CREATE TABLE tags (
    tag        TEXT    NOT NULL,
    memory_id  INTEGER NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, memory_id)
  ) WITHOUT ROWID;
  CREATE INDEX tags_by_memory ON tags (memory_id);
  CREATE VIRTUAL TABLE memories_fts USING fts5 (
    title, summary, body, tags,
    tokenize = 'porter unicode61 remove_diacritics 2'
  );
  `,
  // 2: retention (expiry per memory) and tombstones of forgotten content and sessions.
  `
  ALTER TABLE memories ADD COLUMN expires_ms INTEGER;
  CREATE INDEX memories_by_expiry ON memories (expires_ms) WHERE expires_ms IS NOT NULL;
  CREATE TABLE tombstones (
    kind          TEXT    NOT NULL CHECK (kind IN ('content', 'session')),
    value         TEXT    NOT NULL,
    key_id        TEXT,
    forgotten_ms  INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
  ) WITHOUT ROWID;
  `,
  // 3: imported sessions — branch, part, span and size per memory; versions of a session (the
  // newest per agent, session id and part is `latest`); what `import` already read, per file.
  `
  ALTER TABLE memories ADD COLUMN git_branch TEXT;
  ALTER TABLE memories ADD COLUMN part INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE memories ADD COLUMN started_ms INTEGER;
  ALTER TABLE memories ADD COLUMN ended_ms INTEGER;
  ALTER TABLE memories ADD COLUMN message_count INTEGER;
  ALTER TABLE memories ADD COLUMN latest INTEGER NOT NULL DEFAULT 1;
  CREATE INDEX memories_by_version ON memories (tool_name, session_id, part);
  CREATE INDEX memories_by_branch ON memories (git_branch, ts_ms) WHERE git_branch IS NOT NULL;
  UPDATE memories SET latest = 0 WHERE kind = 'session' AND EXISTS (
    SELECT 1 FROM memories n
    WHERE n.kind = 'session' AND n.tool_name = memories.tool_name
      AND n.session_id = memories.session_id AND n.part = memories.part
      AND (n.ts_ms > memories.ts_ms OR (n.ts_ms = memories.ts_ms AND n.id > memories.id))
  );
  CREATE TABLE import_files (
    path        TEXT    PRIMARY KEY,
    agent       TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    mtime_ms    INTEGER NOT NULL,
    tail_hash   TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    session_id  TEXT,
    detail      TEXT,
    imported_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: the Cascade remote — uploads (segments of many envelopes, and manifests) with their queue
  // state and on-chain receipts, and where each memory lives inside a segment. A memory without
  // a member row is pending (local-only). See src/index/remote_index.ts.
  `
  CREATE TABLE remote_uploads (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('segment', 'manifest')),
    file_name        TEXT    NOT NULL UNIQUE,
    state            TEXT    NOT NULL CHECK (state IN ('building', 'built', 'registering',
                       'registered', 'uploaded', 'finalized', 'rejected', 'abandoned')),
    bytes            INTEGER,
    sha256           TEXT,
    member_bytes     INTEGER NOT NULL DEFAULT 0,
    members          INTEGER NOT NULL DEFAULT 0,
    manifest_seq     INTEGER,
    manifest_digest  TEXT,
    action_id        TEXT,
    data_hash        TEXT,
    tx_hash          TEXT,
    price_ulume      TEXT,
    gas_fee_ulume    TEXT,
    task_id          TEXT,
    register_ms      INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms  INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    last_message     TEXT,
    lease_owner      TEXT,
    lease_until_ms   INTEGER NOT NULL DEFAULT 0,
    created_ms       INTEGER NOT NULL,
    updated_ms       INTEGER NOT NULL,
    finalized_ms     INTEGER
  );
  CREATE INDEX remote_uploads_by_state ON remote_uploads (state, next_attempt_ms);
  CREATE UNIQUE INDEX remote_uploads_by_action ON remote_uploads (action_id)
    WHERE action_id IS NOT NULL;
  CREATE TABLE remote_members (
    pointer       TEXT    PRIMARY KEY,
    upload_id     INTEGER NOT NULL REFERENCES remote_uploads (id) ON DELETE CASCADE,
    offset        INTEGER NOT NULL,
    length        INTEGER NOT NULL,
    body_indexed  INTEGER NOT NULL DEFAULT 1
  ) WITHOUT ROWID;
  CREATE INDEX remote_members_by_upload ON remote_members (upload_id);
  `,
];

/** The schema version this build writes. */
export const SCHEMA_USER_VERSION = MIGRATIONS.length;

/** Busy timeout for concurrent writers, in milliseconds. */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating with mode 0600 if needed) and migrates the index at `path`. Use `:memory:` for
 * an in-memory index in tests. Its file calls block, like SQLite's own: opening the service takes
 * no turn of the event loop after the key is derived (see `ensurePrivateDir`).
 */
// deno-lint-ignore require-await -- async so that a failure reaches callers as a rejection
export async function openIndexDb(path: string): Promise<DatabaseSync> {
  if (path !== ":memory:") {
    try {
      const f = Deno.openSync(path, { write: true, createNew: true, mode: 0o600 });
      f.close();
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
    // A symlink planted in the data home could send the index (plaintext metadata) elsewhere.
    for (const p of [path, `${path}-wal`, `${path}-shm`]) {
      let info: Deno.FileInfo | undefined;
      try {
        info = Deno.lstatSync(p);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
      if (info !== undefined && (!info.isFile || info.isSymlink)) {
        throw new LumeraError("INTEGRITY", `${p} is not a plain file (a symlink?)`, {
          hint: "the data home was tampered with: remove it and run `lumera-memory reindex`",
        });
      }
    }
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { enableForeignKeyConstraints: true });
  } catch (err) {
    throw new LumeraError("INTERNAL", "cannot open the index database", {
      hint: "check that the data home is writable; `lumera-memory verify` can check the store",
      cause: err,
    });
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    // Checkpoint every ~32 MiB of WAL rather than 4 MiB: large sessions then pay for the
    // checkpoint's fsync less often.
    db.exec("PRAGMA wal_autocheckpoint = 8192");
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof LumeraError) throw err;
    throw new LumeraError("INTEGRITY", "the index database is unreadable or corrupt", {
      hint: "move index.db aside; the blobs are the source of truth and hold every record",
      cause: err,
    });
  }
  return db;
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

function migrate(db: DatabaseSync): void {
  const current = userVersion(db);
  if (current > MIGRATIONS.length) {
    throw new LumeraError(
      "USAGE",
      `the index was written by a newer lumera-memory (schema ${current}; this build knows ${MIGRATIONS.length})`,
      { hint: "upgrade lumera-memory" },
    );
  }
  if (current === MIGRATIONS.length) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    for (let v = userVersion(db); v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    }
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}
