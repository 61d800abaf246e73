/**
 * Files the remote side keeps in the data home:
 *
 * - `<home>/outbox/<file name>`: a built segment or manifest, written durably before it is
 *   registered, so every retry uploads identical bytes (the same on-chain data hash). Removed once
 *   the upload is finalized or abandoned.
 * - `<home>/segments/<action id>`: downloaded segments, so one download serves every memory in
 *   it.
 *
 * Names are validated by strict patterns before any path is built from them. Writes go to a
 * temporary file, are fsynced, renamed into place, and the directory is fsynced.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { sha256Hex } from "../crypto/hex.ts";
import { syncDir, writeFileDurably } from "../store/durable_file.ts";

const FILE_NAME = /^[0-9a-f]{32}$/;
const ACTION_ID = /^[0-9]{1,20}$/;

/** The outbox directory. */
export function outboxDir(home: string): string {
  return `${home}/outbox`;
}

/** The downloaded-segment cache directory. */
export function segmentCacheDir(home: string): string {
  return `${home}/segments`;
}

function outboxPath(home: string, fileName: string): string {
  if (!FILE_NAME.test(fileName)) {
    throw new LumeraError("INTEGRITY", "malformed upload file name in the index");
  }
  return `${outboxDir(home)}/${fileName}`;
}

function cachePath(home: string, actionId: string): string {
  if (!ACTION_ID.test(actionId)) {
    throw new LumeraError("INTEGRITY", "malformed action id in the index");
  }
  return `${segmentCacheDir(home)}/${actionId}`;
}

async function readPlain(path: string): Promise<Uint8Array | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  if (!info.isFile) {
    throw new LumeraError("INTEGRITY", `${path} is not a plain file (a symlink?)`, {
      hint: "the data home was tampered with: remove that file",
    });
  }
  return await Deno.readFile(path);
}

async function removeQuietly(path: string, dir: string): Promise<void> {
  try {
    await Deno.remove(path);
    await syncDir(dir);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Writes a built upload to the outbox durably. */
export async function writeOutbox(
  home: string,
  fileName: string,
  bytes: Uint8Array,
): Promise<void> {
  await writeFileDurably(outboxDir(home), outboxPath(home, fileName), bytes);
}

/**
 * Reads a built upload back and checks its SHA-256 against what was recorded when it was built;
 * undefined when it is missing or damaged (the caller then abandons or rebuilds it).
 */
export async function readOutbox(
  home: string,
  fileName: string,
  expectedSha256: string,
): Promise<Uint8Array | undefined> {
  const bytes = await readPlain(outboxPath(home, fileName));
  if (bytes === undefined) return undefined;
  return await sha256Hex(bytes) === expectedSha256 ? bytes : undefined;
}

/**
 * Removes an upload from the outbox (missing is fine), with any temporary file a writer that died
 * mid-write left for it.
 */
export async function removeOutbox(home: string, fileName: string): Promise<void> {
  const path = outboxPath(home, fileName);
  await removeQuietly(path, outboxDir(home));
  try {
    for await (const e of Deno.readDir(outboxDir(home))) {
      if (e.isFile && e.name.startsWith(`${fileName}.`) && e.name.endsWith(".tmp")) {
        await removeQuietly(`${outboxDir(home)}/${e.name}`, outboxDir(home));
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** A cached downloaded segment, if present. */
export async function readCachedSegment(
  home: string,
  actionId: string,
): Promise<Uint8Array | undefined> {
  return await readPlain(cachePath(home, actionId));
}

/** Caches a downloaded segment. */
export async function writeCachedSegment(
  home: string,
  actionId: string,
  bytes: Uint8Array,
): Promise<void> {
  await writeFileDurably(segmentCacheDir(home), cachePath(home, actionId), bytes);
}

/** Drops a cached segment (e.g. found damaged). */
export async function removeCachedSegment(home: string, actionId: string): Promise<void> {
  await removeQuietly(cachePath(home, actionId), segmentCacheDir(home));
}
