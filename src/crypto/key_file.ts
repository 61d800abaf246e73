/**
 * The key file written by `init` and where the master key is loaded from.
 *
 * Order: `LUMERA_MEMORY_KEY` (64 hex), then `LUMERA_MEMORY_KEY_FILE`, then `<home>/key.json`.
 * The key file is JSON, version 1, mode 0600, created without ever overwriting an existing one.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { ensurePrivateDir } from "../config/home.ts";
import { bytesToHex } from "./hex.ts";
import { constantTimeEqual, deriveKeyRing, type KeyRing, parseMasterKeyHex } from "./keys.ts";

/** The key file's name inside the data home. */
export const KEY_FILE_NAME = "key.json";

/** The largest key file we will read; a real one is about 200 bytes. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Key file format version 1 (unwrapped). A passphrase-wrapped variant is a later version. */
interface KeyFileV1 {
  format: "lumera-memory-key";
  version: 1;
  key_id: string;
  created_at: string;
  wrapping: "none";
  key: string;
}

/** Where a key came from (for messages; never the key itself). */
export type KeyOrigin = "LUMERA_MEMORY_KEY" | "key file";

/** A loaded key ring and where it came from. */
export interface LoadedKey {
  /** The derived subkeys. */
  keys: KeyRing;
  /** Where the master key came from. */
  origin: KeyOrigin;
  /** The key file path, when it came from one. */
  path?: string;
}

/** The default key file path for a data home. */
export function keyFilePath(home: string): string {
  return `${home}/${KEY_FILE_NAME}`;
}

/**
 * Writes a new key file (0600) holding `master`. Refuses to overwrite an existing file: losing a
 * key loses every memory sealed with it.
 */
export async function writeNewKeyFile(path: string, master: Uint8Array): Promise<KeyRing> {
  const keys = await deriveKeyRing(master);
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await ensurePrivateDir(dir);
  const file: KeyFileV1 = {
    format: "lumera-memory-key",
    version: 1,
    key_id: keys.keyIdHex,
    created_at: new Date().toISOString(),
    wrapping: "none",
    key: bytesToHex(master),
  };
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(file, null, 2) + "\n", {
      createNew: true,
      mode: 0o600,
    });
    const f = await Deno.open(tmp, { read: true });
    try {
      await f.sync();
    } finally {
      f.close();
    }
    try {
      await Deno.link(tmp, path);
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) {
        throw new LumeraError("USAGE", `a key file already exists at ${path}`, {
          hint: "keep using it; delete it only if you are sure no memory was sealed with it",
        });
      }
      throw err;
    }
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  return keys;
}

/** Reads and checks a key file. Every failure is KEY_INVALID/KEY_MISSING without key material. */
export async function readKeyFile(path: string): Promise<KeyRing> {
  let text: string;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new LumeraError("KEY_INVALID", `the key file ${path} is not a file`);
    if (info.size > MAX_KEY_FILE_BYTES) {
      throw new LumeraError("KEY_INVALID", `the key file ${path} is too large to be a key file`);
    }
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LumeraError("KEY_MISSING", `no key: ${path} does not exist`, {
        hint: "run `lumera-memory init` to create a key, or set LUMERA_MEMORY_KEY (64 hex chars)",
      });
    }
    throw err;
  }
  const invalid = (what: string) =>
    new LumeraError("KEY_INVALID", `the key file ${path} is invalid: ${what}`, {
      hint: "restore the key file from your backup, or set LUMERA_MEMORY_KEY",
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid("it is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid("it is not a JSON object");
  const f = parsed as Partial<KeyFileV1>;
  if (f.format !== "lumera-memory-key") throw invalid("unknown format");
  if (f.version !== 1) throw invalid(`unsupported version ${String(f.version)}`);
  if (f.wrapping !== "none") throw invalid("unsupported key wrapping");
  if (typeof f.key !== "string") throw invalid("the key is missing");
  const master = parseMasterKeyHex(f.key, "the key in the key file");
  const keys = await deriveKeyRing(master);
  master.fill(0);
  const expected = new TextEncoder().encode(String(f.key_id ?? ""));
  if (!constantTimeEqual(expected, new TextEncoder().encode(keys.keyIdHex))) {
    throw invalid("its key does not match its key id (the file is corrupt)");
  }
  return keys;
}

/** Loads the master key: `LUMERA_MEMORY_KEY`, then `LUMERA_MEMORY_KEY_FILE`, then `<home>/key.json`. */
export async function loadKey(
  home: string,
  env: (name: string) => string | undefined,
): Promise<LoadedKey> {
  const hex = env("LUMERA_MEMORY_KEY");
  if (hex !== undefined) {
    const master = parseMasterKeyHex(hex, "LUMERA_MEMORY_KEY");
    const keys = await deriveKeyRing(master);
    master.fill(0);
    return { keys, origin: "LUMERA_MEMORY_KEY" };
  }
  const path = env("LUMERA_MEMORY_KEY_FILE") ?? keyFilePath(home);
  return { keys: await readKeyFile(path), origin: "key file", path };
}
