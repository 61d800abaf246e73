/**
 * The local file-system blob store: `blobs/<first 2 hex>/<64 hex>`.
 *
 * Writes go to a temporary file, are fsynced, renamed into place and the directory is fsynced, so
 * a crash leaves either the whole blob or nothing under its name. Reads re-hash the bytes and
 * refuse a mismatch before anyone decrypts them.
 *
 * A long-running writer (`serve`) can keep one empty temporary file ready in the blob folder
 * (`prepareTempFiles`): creating a file right after the previous write's fsyncs waits on the file
 * system's journal (~0.35 ms of a 2 ms store on ext4), so the next file is created in the
 * background after each write and the write itself only fills, fsyncs and renames it.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { ensurePrivateDir } from "../config/home.ts";
import { sha256Hex } from "../crypto/hex.ts";
import type { BlobStore } from "./blob_store.ts";
import { syncDir, syncDirNow } from "./durable_file.ts";
import { type BlobId, isBlobId, toPointer } from "./pointer.ts";

/** Largest blob this store reads back (16 MiB): a sealed record is at most about 8 MiB. */
export const MAX_BLOB_BYTES = 16 * 1024 * 1024;

/** Names of the temporary files `put` writes before renaming them into place. */
const TEMP_NAME = /^\.tmp-[0-9a-f-]{36}$/;

/** Options of {@link FsBlobStore}. */
export interface FsBlobStoreOptions {
  /**
   * Keep one empty temporary file ready for the next write, created in the background after each
   * write (for long-running writers; {@link FsBlobStore.close} removes it).
   */
  prepareTempFiles?: boolean;
}

/** A temporary file created ahead of a write: its open handle and its path. */
interface SpareFile {
  file: Deno.FsFile;
  path: string;
}

/** A {@link BlobStore} on the local file system. */
export class FsBlobStore implements BlobStore {
  /** Directory holding the blob fan-out folders. */
  readonly root: string;
  readonly #prepare: boolean;
  /** The next write's temporary file, while it is being created or waits for that write. */
  #spare: Promise<SpareFile | undefined> | undefined;
  #closed = false;

  /** Uses `root` (created on first write, mode 0700) as the blob directory. */
  constructor(root: string, options: FsBlobStoreOptions = {}) {
    this.root = root;
    this.#prepare = options.prepareTempFiles === true;
  }

  /** The file path of a validated blob id. */
  pathOf(id: BlobId): string {
    return `${this.root}/${id.slice(0, 2)}/${id}`;
  }

  /**
   * Refuses a blob folder (the root or a fan-out folder) that is not a real directory: a symlink
   * planted there could send reads and writes outside the data home.
   */
  async #checkDir(path: string, create: boolean): Promise<void> {
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(path); // a thread hop would cost more than the call
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound) || !create) throw err;
      await ensurePrivateDir(path);
      info = await Deno.lstat(path);
    }
    if (!info.isDirectory || info.isSymlink) {
      throw new LumeraError("INTEGRITY", `${path} is not a plain directory (a symlink?)`, {
        hint: "the data home was tampered with: replace it with a real directory",
      });
    }
  }

  /** {@link has} without the thread hop of an async call. */
  #hasNow(id: BlobId): boolean {
    try {
      return Deno.lstatSync(this.pathOf(id)).isFile;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
  }

  /**
   * Stores bytes durably; returns their SHA-256 id. The file calls block (a blob is small, and
   * each async file call would cost a round trip to a worker thread, more than the call itself):
   * the blob is fsynced and so is its directory after the rename, before this resolves.
   */
  async put(bytes: Uint8Array): Promise<BlobId> {
    const id = (await sha256Hex(bytes)) as BlobId;
    const dir = `${this.root}/${id.slice(0, 2)}`;
    const path = this.pathOf(id);
    await this.#checkDir(this.root, true);
    await this.#checkDir(dir, true);
    if (this.#hasNow(id)) return id;
    const pending = this.#spare; // taken before any await: concurrent writes never share one
    this.#spare = undefined;
    const spare = pending === undefined ? undefined : await pending;
    if (spare === undefined || !this.#fillAndRename(spare, bytes, path)) {
      const tmp = `${dir}/.tmp-${crypto.randomUUID()}`;
      const file = Deno.openSync(tmp, { write: true, createNew: true, mode: 0o600 });
      if (!this.#fillAndRename({ file, path: tmp }, bytes, path)) {
        throw new LumeraError("INTEGRITY", `${tmp} was replaced while a blob was written to it`, {
          hint: "something else writes in the data home; `lumera-memory verify` checks the store",
        });
      }
    }
    syncDirNow(dir);
    if (this.#prepare && !this.#closed) this.#spare = this.#createSpare();
    return id;
  }

  /**
   * Writes `bytes` into the temporary file, fsyncs it and renames it to `path`. Returns false,
   * having removed nothing else, when a prepared file is no longer the one at its path (a
   * `reindex` elsewhere swept it, or something replaced it); any other failure removes the
   * temporary file and throws.
   */
  #fillAndRename(tmp: SpareFile, bytes: Uint8Array, path: string): boolean {
    try {
      try {
        let written = 0;
        while (written < bytes.byteLength) written += tmp.file.writeSync(bytes.subarray(written));
        tmp.file.syncSync();
        if (!this.#stillAt(tmp)) return false;
      } finally {
        tmp.file.close();
      }
      Deno.renameSync(tmp.path, path);
      return true;
    } catch (err) {
      try {
        Deno.removeSync(tmp.path);
      } catch {
        // already gone
      }
      throw err;
    }
  }

  /** True when the open file is still the plain file at its path (same device and inode). */
  #stillAt(tmp: SpareFile): boolean {
    try {
      const open = tmp.file.statSync();
      const named = Deno.lstatSync(tmp.path);
      return named.isFile && open.ino === named.ino && open.dev === named.dev;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
  }

  /** Creates the next write's temporary file in the blob folder; undefined when that fails. */
  async #createSpare(): Promise<SpareFile | undefined> {
    const path = `${this.root}/.tmp-${crypto.randomUUID()}`;
    try {
      const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
      if (!this.#closed) return { file, path };
      file.close();
      await Deno.remove(path);
    } catch {
      // the next write creates its own
    }
    return undefined;
  }

  /** Removes the prepared temporary file, if any; later writes create their own. */
  async close(): Promise<void> {
    this.#closed = true;
    const pending = this.#spare;
    this.#spare = undefined;
    const spare = pending === undefined ? undefined : await pending;
    if (spare === undefined) return;
    spare.file.close();
    await Deno.remove(spare.path).catch(() => {});
  }

  /** Reads a blob and checks its hash: NOT_FOUND when absent, INTEGRITY when altered. */
  async get(id: BlobId): Promise<Uint8Array> {
    const path = this.pathOf(id);
    let bytes: Uint8Array;
    try {
      await this.#checkDir(this.root, false);
      await this.#checkDir(`${this.root}/${id.slice(0, 2)}`, false);
      const info = await Deno.lstat(path);
      if (!info.isFile) {
        throw new LumeraError("INTEGRITY", `blob ${toPointer(id)} is not a regular file`, {
          hint: "something replaced it (a symlink or directory); remove it and restore the blob",
        });
      }
      if (info.size > MAX_BLOB_BYTES) {
        throw new LumeraError("INTEGRITY", `blob ${toPointer(id)} is larger than any envelope`);
      }
      bytes = await Deno.readFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new LumeraError("NOT_FOUND", `no blob for ${toPointer(id)} in the local store`, {
          hint: "check the pointer; `lumera-memory query` lists stored memories",
        });
      }
      throw err;
    }
    const actual = await sha256Hex(bytes);
    if (actual !== id) {
      throw new LumeraError(
        "INTEGRITY",
        `blob ${toPointer(id)} is corrupt: its bytes no longer hash to its pointer`,
        { hint: "restore it from a backup or the remote copy; `lumera-memory verify` lists all" },
      );
    }
    return bytes;
  }

  /** True when a regular file exists for the id. */
  async has(id: BlobId): Promise<boolean> {
    try {
      return (await Deno.lstat(this.pathOf(id))).isFile;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
  }

  /** Removes a blob and syncs its directory; a missing blob is success. */
  async delete(id: BlobId): Promise<void> {
    try {
      await this.#checkDir(this.root, false);
      await this.#checkDir(`${this.root}/${id.slice(0, 2)}`, false);
      await Deno.remove(this.pathOf(id));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    await syncDir(`${this.root}/${id.slice(0, 2)}`);
  }

  /**
   * Temporary files (`.tmp-<uuid>`) in the blob folder and the fan-out folders, with their
   * modification times and sizes.
   */
  async #leftovers(): Promise<{ path: string; mtimeMs: number; size: number }[]> {
    const found: { path: string; mtimeMs: number; size: number }[] = [];
    const note = async (path: string) => {
      try {
        const info = await Deno.lstat(path);
        found.push({ path, mtimeMs: info.mtime?.getTime() ?? 0, size: info.size });
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err; // renamed meanwhile
      }
    };
    let fanout: Deno.DirEntry[];
    try {
      await this.#checkDir(this.root, false);
      fanout = await Array.fromAsync(Deno.readDir(this.root));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return found;
      throw err;
    }
    for (const d of fanout) {
      if (d.isFile && TEMP_NAME.test(d.name)) await note(`${this.root}/${d.name}`);
      if (!d.isDirectory || d.isSymlink || !/^[0-9a-f]{2}$/.test(d.name)) continue;
      for await (const e of Deno.readDir(`${this.root}/${d.name}`)) {
        if (e.isFile && TEMP_NAME.test(e.name)) await note(`${this.root}/${d.name}/${e.name}`);
      }
    }
    return found;
  }

  /**
   * Counts temporary files left by interrupted writes. An empty one in the blob folder itself is
   * not counted: it holds nothing, and a running server keeps one ready (`prepareTempFiles`).
   */
  async countLeftovers(): Promise<number> {
    const inRoot = (path: string) => path.lastIndexOf("/") === this.root.length;
    return (await this.#leftovers()).filter((f) => f.size > 0 || !inRoot(f.path)).length;
  }

  /** Removes temporary files older than `olderThanMs`; younger ones may be writes under way. */
  async sweepLeftovers(olderThanMs: number): Promise<{ removed: number; kept: number }> {
    const now = Date.now();
    let removed = 0;
    let kept = 0;
    for (const f of await this.#leftovers()) {
      if (now - f.mtimeMs < olderThanMs) {
        kept++;
        continue;
      }
      try {
        await Deno.remove(f.path);
        removed++;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    return { removed, kept };
  }

  /** Lists blob ids; skips temporary files and anything not named by a valid id. */
  async *list(): AsyncIterable<BlobId> {
    let fanout: Deno.DirEntry[];
    try {
      await this.#checkDir(this.root, false);
      fanout = await Array.fromAsync(Deno.readDir(this.root));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const d of fanout.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!d.isDirectory || d.isSymlink || !/^[0-9a-f]{2}$/.test(d.name)) continue;
      const names: string[] = [];
      for await (const e of Deno.readDir(`${this.root}/${d.name}`)) {
        if (e.isFile && isBlobId(e.name) && e.name.startsWith(d.name)) names.push(e.name);
      }
      for (const n of names.sort()) yield n as BlobId;
    }
  }
}
