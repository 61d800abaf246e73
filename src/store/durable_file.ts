/**
 * Durable file writes: fsync a directory after a rename, and the whole temp → fsync → rename →
 * fsync-directory sequence for a file that must survive a crash complete or not at all.
 *
 * @module
 */

import { ensurePrivateDir } from "../config/home.ts";

/** Fsyncs a directory so a rename or removal in it is durable (a no-op where unsupported). */
export async function syncDir(path: string): Promise<void> {
  if (Deno.build.os === "windows") return; // directories cannot be opened for sync there
  try {
    const f = await Deno.open(path, { read: true });
    try {
      await f.sync();
    } finally {
      f.close();
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename itself is still atomic.
  }
}

/** {@link syncDir}, blocking: for write paths where each async call costs a thread hop. */
export function syncDirNow(path: string): void {
  if (Deno.build.os === "windows") return;
  try {
    const f = Deno.openSync(path, { read: true });
    try {
      f.syncSync();
    } finally {
      f.close();
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename itself is still atomic.
  }
}

/**
 * Writes `bytes` to `path` (mode 0600) so that a crash leaves the old file or the new one, never a
 * torn one: a temp file in `dir`, fsynced, renamed over `path`, then `dir` fsynced.
 */
export async function writeFileDurably(
  dir: string,
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  await ensurePrivateDir(dir);
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  const f = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  try {
    let written = 0;
    while (written < bytes.byteLength) written += await f.write(bytes.subarray(written));
    await f.sync();
  } finally {
    f.close();
  }
  try {
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  await syncDir(dir);
}
