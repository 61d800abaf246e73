/**
 * Portable archives: one file holding a store (or part of it) for another machine with the key.
 *
 * ```
 * "LMEMARC1"                       8 bytes magic + format version
 * u32 big-endian                   length of the manifest envelope
 * manifest envelope                sealed (current key) JSON {v, created_at, entries:[{pointer, bytes}]}
 * entry envelopes, in order        each exactly `bytes` long, each hashing to its pointer
 * ```
 * Nothing in the archive is plaintext: the manifest is sealed and every entry is a blob as stored.
 * Any modification is detected: the manifest fails authentication, an entry fails its hash, a
 * missing or extra byte breaks the framing.
 *
 * @module
 */

import { open as openEnvelope, readHeader, seal } from "../../crypto/envelope.ts";
import { sha256Hex } from "../../crypto/hex.ts";
import { LumeraError } from "../../errors.ts";
import { parsePointer } from "../../store/pointer.ts";
import { MAX_BLOB_BYTES } from "../../store/fs_blob_store.ts";
import type { LocalMemoryService } from "../memory_service.ts";
import { adoptBlob } from "./adopt.ts";
import type { ForgetInput } from "../types.ts";
import { selectorOf } from "./forget.ts";

/** Archive magic: "LMEMARC" + format version 1. */
export const ARCHIVE_MAGIC = new TextEncoder().encode("LMEMARC1");
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

interface Manifest {
  v: 1;
  created_at: string;
  entries: { pointer: string; bytes: number }[];
}

/** What an export wrote. */
export interface ExportResult {
  /** The archive file. */
  path: string;
  /** Memories in it. */
  memories: number;
  /** Archive size in bytes. */
  bytes: number;
}

/** What an import did. */
export interface ImportArchiveResult {
  /** Entries in the archive. */
  entries: number;
  /** Memories added to this store. */
  imported: number;
  /** Entries already here (same blob or same content). */
  already: number;
  /** Entries skipped because they were forgotten here. */
  forgotten: number;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

/**
 * Writes an archive of the memories `filter` selects (all when omitted) to `path`, atomically;
 * refuses to overwrite an existing file.
 */
export async function exportArchive(
  service: LocalMemoryService,
  path: string,
  filter?: ForgetInput,
): Promise<ExportResult> {
  const rows = filter === undefined || Object.keys(filter).length === 0
    ? service.index.allRows()
    : service.index.select(selectorOf(filter));
  const blobs: Uint8Array[] = [];
  for (const r of rows) blobs.push(await service.blobs.get(parsePointer(r.pointer)));
  const manifest: Manifest = {
    v: 1,
    created_at: new Date().toISOString(),
    entries: rows.map((r, i) => ({ pointer: r.pointer, bytes: blobs[i].byteLength })),
  };
  const sealed = await seal(
    service.keys.current,
    new TextEncoder().encode(JSON.stringify(manifest)),
  );
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  let total = 0;
  const f = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  try {
    for (const part of [ARCHIVE_MAGIC, u32(sealed.byteLength), sealed, ...blobs]) {
      let off = 0;
      while (off < part.byteLength) off += await f.write(part.subarray(off));
      total += part.byteLength;
    }
    await f.sync();
  } catch (err) {
    f.close();
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  f.close();
  try {
    await Deno.link(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    if (err instanceof Deno.errors.AlreadyExists) {
      throw new LumeraError("USAGE", `${path} already exists`, {
        hint: "choose another file name",
      });
    }
    throw err;
  }
  await Deno.remove(tmp).catch(() => {});
  return { path, memories: rows.length, bytes: total };
}

async function readExactly(f: Deno.FsFile, n: number, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const got = await f.read(out.subarray(off));
    if (got === null) {
      throw new LumeraError("INTEGRITY", `the archive is truncated (in ${what})`, {
        hint: "copy the archive again; it was cut short",
      });
    }
    off += got;
  }
  return out;
}

/**
 * Imports an archive: checks the manifest's authentication and every entry's hash, stores the
 * blobs and indexes them. Forgotten content stays forgotten.
 */
export async function importArchive(
  service: LocalMemoryService,
  path: string,
): Promise<ImportArchiveResult> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LumeraError("NOT_FOUND", `no such archive: ${path}`, { hint: "check the path" });
    }
    throw err;
  }
  try {
    const magic = await readExactly(f, ARCHIVE_MAGIC.byteLength, "its header");
    if (!magic.every((b, i) => b === ARCHIVE_MAGIC[i])) {
      throw new LumeraError("INTEGRITY", `${path} is not a lumera-memory archive (version 1)`);
    }
    const len = new DataView((await readExactly(f, 4, "its header")).buffer).getUint32(0);
    if (len > MAX_MANIFEST_BYTES) {
      throw new LumeraError("INTEGRITY", "the archive's manifest length is implausible");
    }
    const sealed = await readExactly(f, len, "its manifest");
    const { keyIdHex } = readHeader(sealed, "the archive manifest");
    const ring = await service.keys.ring(keyIdHex);
    if (ring === undefined) {
      throw new LumeraError(
        "WRONG_KEY",
        `the archive was sealed with key ${keyIdHex}, which is not loaded here`,
        { hint: "import the key first (`lumera-memory key import`), or set LUMERA_MEMORY_KEY" },
      );
    }
    const manifestBytes = await openEnvelope(
      ring,
      sealed,
      MAX_MANIFEST_BYTES,
      "the archive manifest",
    );
    let manifest: Manifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(manifestBytes));
    } catch {
      throw new LumeraError("INTEGRITY", "the archive manifest is not valid");
    }
    if (manifest.v !== 1 || !Array.isArray(manifest.entries)) {
      throw new LumeraError("INTEGRITY", "the archive manifest has an unknown version");
    }
    const result: ImportArchiveResult = {
      entries: manifest.entries.length,
      imported: 0,
      already: 0,
      forgotten: 0,
    };
    for (const entry of manifest.entries) {
      const id = parsePointer(entry.pointer);
      if (!Number.isSafeInteger(entry.bytes) || entry.bytes < 0 || entry.bytes > MAX_BLOB_BYTES) {
        throw new LumeraError("INTEGRITY", "the archive manifest lists an implausible entry");
      }
      const bytes = await readExactly(f, entry.bytes, `entry ${entry.pointer}`);
      if ((await sha256Hex(bytes)) !== id) {
        throw new LumeraError("INTEGRITY", `archive entry ${entry.pointer} was modified`, {
          hint: "the archive is damaged; nothing after this entry was imported",
        });
      }
      if (service.index.hasPointer(entry.pointer)) {
        result.already++;
        continue;
      }
      const hadBlob = await service.blobs.has(id);
      await service.blobs.put(bytes);
      let outcome;
      try {
        outcome = await adoptBlob(service, id);
      } catch (err) {
        if (!hadBlob) await service.blobs.delete(id);
        throw err;
      }
      if (outcome === "adopted") result.imported++;
      else if (outcome === "forgotten") result.forgotten++;
      else result.already++;
    }
    const extra = await f.read(new Uint8Array(1));
    if (extra !== null) {
      throw new LumeraError("INTEGRITY", "the archive has bytes after its last entry", {
        hint: "the archive was modified; what it listed was imported and checked",
      });
    }
    return result;
  } finally {
    f.close();
  }
}
