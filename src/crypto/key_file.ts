/**
 * Key files and the key chain.
 *
 * A key file holds one master key, either as hex (`wrapping: "none"`, protected by its 0600 mode)
 * or sealed under a passphrase (`wrapping: "argon2id"`). Several files may hold the same master
 * key (one per passphrase, like restic), so changing a passphrase re-encrypts nothing. After
 * `key rotate` the home holds files of several master keys: the newest master writes, older ones
 * stay readable while their files are kept.
 *
 * Where keys come from, in order: `LUMERA_MEMORY_KEY` (64 hex; becomes the current key),
 * `LUMERA_MEMORY_KEY_FILE` (current when set), then `<home>/keys/*.json` and the 0.1 layout's
 * `<home>/key.json`. Passphrases come from `LUMERA_MEMORY_PASSPHRASE` or the caller.
 *
 * @module
 */

import { ensurePrivateDir } from "../config/home.ts";
import { LumeraError } from "../errors.ts";
import { bytesToHex } from "./hex.ts";
import {
  type Argon2Params,
  checkArgon2Params,
  newArgon2Params,
  unwrapMasterKey,
  wrapMasterKey,
} from "./key_wrap.ts";
import { constantTimeEqual, deriveKeyRing, type KeyRing, parseMasterKeyHex } from "./keys.ts";

/** Folder of key files inside the data home. */
export const KEYS_DIR = "keys";
/** The single key file of the 0.1 layout, still read. */
export const LEGACY_KEY_FILE = "key.json";
/** The largest key file we read; a real one is under 1 KiB. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** What a key file says about itself (readable without unlocking it). */
export interface KeyFileInfo {
  /** Path of the file. */
  path: string;
  /** Key id (hex) of the master key inside. */
  keyIdHex: string;
  /** `none` (hex, 0600) or `argon2id` (passphrase). */
  wrapping: "none" | "argon2id";
  /** When the master key was created (orders keys: the newest master writes). */
  masterCreatedAt: string;
  /** When this file was written. */
  createdAt: string;
}

interface KeyFileJson {
  format: "lumera-memory-key";
  version: 1 | 2;
  key_id: string;
  created_at: string;
  master_created_at?: string;
  wrapping: "none" | "argon2id";
  key?: string;
  kdf?: Argon2Params;
  wrapped_key?: string;
}

/** The key folder of a home. */
export function keysDir(home: string): string {
  return `${home}/${KEYS_DIR}`;
}

/** Options of {@link writeKeyFile}. */
export interface WriteKeyFileOptions {
  /** Seal the master key under this passphrase (Argon2id); plain hex (0600) when absent. */
  passphrase?: string;
  /** The master key's creation time (default now); copied into every file of the same key. */
  masterCreatedAt?: string;
  /** Exact path to write (default: a new file in `dir`). */
  path?: string;
}

/**
 * Writes a new key file (0600) for `master` into `dir` (created 0700). Never overwrites: the
 * file name is new, and an explicit `path` that exists is refused.
 */
export async function writeKeyFile(
  dir: string,
  master: Uint8Array,
  options: WriteKeyFileOptions = {},
): Promise<{ path: string; keys: KeyRing }> {
  const keys = await deriveKeyRing(master);
  const now = new Date().toISOString();
  const file: KeyFileJson = {
    format: "lumera-memory-key",
    version: 2,
    key_id: keys.keyIdHex,
    created_at: now,
    master_created_at: options.masterCreatedAt ?? now,
    wrapping: options.passphrase === undefined ? "none" : "argon2id",
  };
  if (options.passphrase === undefined) file.key = bytesToHex(master);
  else {
    if (options.passphrase.length === 0) {
      throw new LumeraError("USAGE", "the passphrase is empty", {
        hint: "choose a passphrase, or omit --passphrase",
      });
    }
    file.kdf = newArgon2Params();
    file.wrapped_key = await wrapMasterKey(master, options.passphrase, keys.keyIdHex, file.kdf);
  }
  const path = options.path ??
    `${dir}/${keys.keyIdHex}-${bytesToHex(crypto.getRandomValues(new Uint8Array(4)))}.json`;
  const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await ensurePrivateDir(parent);
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
  return { path, keys };
}

async function readJson(path: string): Promise<KeyFileJson> {
  let text: string;
  try {
    const info = await Deno.lstat(path);
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
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid("it is not a JSON object");
  }
  const f = parsed as Partial<KeyFileJson>;
  if (f.format !== "lumera-memory-key") throw invalid("unknown format");
  if (f.version !== 1 && f.version !== 2) throw invalid(`unsupported version ${String(f.version)}`);
  if (typeof f.key_id !== "string" || !/^[0-9a-f]{16}$/.test(f.key_id)) {
    throw invalid("its key id is malformed");
  }
  if (f.wrapping === "none") {
    if (typeof f.key !== "string") throw invalid("the key is missing");
  } else if (f.wrapping === "argon2id" && f.version === 2) {
    f.kdf = checkArgon2Params(f.kdf, `the key file ${path}`);
    if (typeof f.wrapped_key !== "string") throw invalid("the wrapped key is missing");
  } else throw invalid("unsupported key wrapping");
  const created = typeof f.created_at === "string" ? f.created_at : "1970-01-01T00:00:00.000Z";
  f.created_at = created;
  f.master_created_at = typeof f.master_created_at === "string" ? f.master_created_at : created;
  return f as KeyFileJson;
}

/** Reads what a key file says about itself, without unlocking it. */
export async function readKeyFileInfo(path: string): Promise<KeyFileInfo> {
  const f = await readJson(path);
  return {
    path,
    keyIdHex: f.key_id,
    wrapping: f.wrapping,
    masterCreatedAt: f.master_created_at!,
    createdAt: f.created_at,
  };
}

/** The unlocked content of a key file. The caller zeroes `master` when done with it. */
export interface UnlockedKey {
  /** Derived subkeys. */
  keys: KeyRing;
  /** The raw master key (for re-wrapping under another passphrase or exporting). */
  master: Uint8Array;
  /** What the file said about itself. */
  info: KeyFileInfo;
}

/**
 * Unlocks a key file. A passphrase-wrapped file without a passphrase → KEY_MISSING; a wrong
 * passphrase or a modified file → KEY_INVALID. The derived key id must match the file's.
 */
export async function unlockKeyFile(path: string, passphrase?: string): Promise<UnlockedKey> {
  const f = await readJson(path);
  let master: Uint8Array;
  if (f.wrapping === "none") {
    master = parseMasterKeyHex(f.key!, `the key in ${path}`);
  } else {
    if (passphrase === undefined) {
      throw new LumeraError("KEY_MISSING", `the key file ${path} needs its passphrase`, {
        hint: "set LUMERA_MEMORY_PASSPHRASE (or type it when asked)",
        details: { needs_passphrase: true },
      });
    }
    master = await unwrapMasterKey(f.wrapped_key!, passphrase, f.key_id, f.kdf!, path);
  }
  const keys = await deriveKeyRing(master);
  const enc = new TextEncoder();
  if (!constantTimeEqual(enc.encode(f.key_id), enc.encode(keys.keyIdHex))) {
    master.fill(0);
    throw new LumeraError(
      "KEY_INVALID",
      `the key file ${path} is invalid: its key does not match its key id (the file is corrupt)`,
      { hint: "restore the key file from your backup" },
    );
  }
  return {
    keys,
    master,
    info: {
      path,
      keyIdHex: f.key_id,
      wrapping: f.wrapping,
      masterCreatedAt: f.master_created_at!,
      createdAt: f.created_at,
    },
  };
}

/** Lists the key files of a home (keys folder, then the 0.1 `key.json`), skipping other files. * The folder is listed with blocking calls (see `ensurePrivateDir` in `home.ts`).
 */
export async function listKeyFiles(home: string): Promise<KeyFileInfo[]> {
  const paths: string[] = [];
  try {
    for (const e of Deno.readDirSync(keysDir(home))) {
      if (e.isFile && e.name.endsWith(".json")) paths.push(`${keysDir(home)}/${e.name}`);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  paths.sort();
  try {
    if (Deno.lstatSync(`${home}/${LEGACY_KEY_FILE}`).isFile) {
      paths.push(`${home}/${LEGACY_KEY_FILE}`);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const out: KeyFileInfo[] = [];
  for (const p of paths) out.push(await readKeyFileInfo(p));
  return out;
}

/** Where the current key came from. */
export type KeyOrigin = "LUMERA_MEMORY_KEY" | "LUMERA_MEMORY_KEY_FILE" | "key file";

/**
 * The master keys of a store: the current one (new writes) and older ones, unlocked on demand.
 */
export class KeyChain {
  /** The key new envelopes are sealed with. */
  readonly current: KeyRing;
  /** Where the current key came from. */
  readonly origin: KeyOrigin;
  readonly #files: KeyFileInfo[];
  readonly #passphrase: string | undefined;
  readonly #rings = new Map<string, KeyRing>();
  readonly #failed = new Map<string, LumeraError>();

  /** Builds a chain; see {@link loadKeyChain}. */
  constructor(
    current: KeyRing,
    origin: KeyOrigin,
    files: KeyFileInfo[],
    passphrase: string | undefined,
    extra: KeyRing[] = [],
  ) {
    this.current = current;
    this.origin = origin;
    this.#files = files;
    this.#passphrase = passphrase;
    this.#rings.set(current.keyIdHex, current);
    for (const r of extra) this.#rings.set(r.keyIdHex, r);
  }

  /** The key files found (which may hold older master keys). */
  get files(): readonly KeyFileInfo[] {
    return this.#files;
  }

  /** Every key id with at least one file or loaded ring, newest master first. */
  knownKeyIds(): string[] {
    const ids = new Map<string, string>();
    for (const f of this.#files) {
      const prev = ids.get(f.keyIdHex);
      if (prev === undefined || f.masterCreatedAt > prev) ids.set(f.keyIdHex, f.masterCreatedAt);
    }
    const out = [...ids.entries()].sort((a, b) => (a[1] < b[1] ? 1 : -1)).map(([id]) => id);
    for (const id of this.#rings.keys()) if (!out.includes(id)) out.push(id);
    return out;
  }

  /**
   * The key ring for a key id, unlocking one of its files on first use; `undefined` when no file
   * of that key exists or none can be unlocked.
   */
  async ring(keyIdHex: string): Promise<KeyRing | undefined> {
    const have = this.#rings.get(keyIdHex);
    if (have !== undefined) return have;
    if (this.#failed.has(keyIdHex)) return undefined;
    for (const f of this.#files.filter((x) => x.keyIdHex === keyIdHex)) {
      try {
        const u = await unlockKeyFile(f.path, this.#passphrase);
        u.master.fill(0);
        this.#rings.set(keyIdHex, u.keys);
        return u.keys;
      } catch (err) {
        if (err instanceof LumeraError) this.#failed.set(keyIdHex, err);
        else throw err;
      }
    }
    return undefined;
  }
}

/** Options of {@link loadKeyChain}. */
export interface LoadKeyChainOptions {
  /** A passphrase for wrapped key files (default: `LUMERA_MEMORY_PASSPHRASE`). */
  passphrase?: string;
}

/**
 * Loads the key chain of a home. Without any key: KEY_MISSING. The current key must unlock
 * (KEY_MISSING when it needs a passphrase that was not given, KEY_INVALID when it is wrong).
 */
export async function loadKeyChain(
  home: string,
  env: (name: string) => string | undefined,
  options: LoadKeyChainOptions = {},
): Promise<KeyChain> {
  const passphrase = options.passphrase ?? env("LUMERA_MEMORY_PASSPHRASE");
  const files = await listKeyFiles(home);
  const hex = env("LUMERA_MEMORY_KEY");
  if (hex !== undefined) {
    const master = parseMasterKeyHex(hex, "LUMERA_MEMORY_KEY");
    const keys = await deriveKeyRing(master);
    master.fill(0);
    return new KeyChain(keys, "LUMERA_MEMORY_KEY", files, passphrase);
  }
  const explicit = env("LUMERA_MEMORY_KEY_FILE");
  if (explicit !== undefined) {
    const u = await unlockKeyFile(explicit, passphrase);
    u.master.fill(0);
    return new KeyChain(u.keys, "LUMERA_MEMORY_KEY_FILE", [...files, u.info], passphrase);
  }
  if (files.length === 0) {
    throw new LumeraError("KEY_MISSING", `no key: ${keysDir(home)} holds no key file`, {
      hint: "run `lumera-memory init` to create a key, or set LUMERA_MEMORY_KEY (64 hex chars)",
    });
  }
  const newest = files.reduce((a, b) => (b.masterCreatedAt > a.masterCreatedAt ? b : a));
  const candidates = files.filter((f) => f.keyIdHex === newest.keyIdHex);
  let lastError: unknown;
  for (const f of candidates) {
    try {
      const u = await unlockKeyFile(f.path, passphrase);
      u.master.fill(0);
      return new KeyChain(u.keys, "key file", files, passphrase);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
