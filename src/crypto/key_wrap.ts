/**
 * Wrapping a master key under a passphrase: Argon2id (WebCrypto) derives a key-encryption key,
 * AES-256-GCM seals the master key. The KDF parameters are authenticated (they are part of the
 * associated data) and capped on read, so a hostile key file cannot demand unbounded memory/time.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** Argon2id parameters as stored in a key file. */
export interface Argon2Params {
  /** Always `argon2id`. */
  algorithm: "argon2id";
  /** Memory in KiB. */
  memory_kib: number;
  /** Number of passes. */
  passes: number;
  /** Lanes. */
  parallelism: number;
  /** 16 random bytes, base64. */
  salt: string;
}

/** Defaults for new key files: 64 MiB, 3 passes, 1 lane (RFC 9106's second recommendation, p=1). */
export const DEFAULT_ARGON2 = { memory_kib: 64 * 1024, passes: 3, parallelism: 1 } as const;

/** Bounds accepted when reading a key file. */
export const ARGON2_BOUNDS = {
  memory_kib: [8 * 1024, 1024 * 1024],
  passes: [1, 10],
  parallelism: [1, 16],
} as const;

/** Base64 (standard, padded) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.byteLength; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** Bytes of standard base64; throws a plain Error on malformed input. */
export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** New random Argon2id parameters (fresh salt, default costs). */
export function newArgon2Params(): Argon2Params {
  return {
    algorithm: "argon2id",
    ...DEFAULT_ARGON2,
    salt: toBase64(crypto.getRandomValues(new Uint8Array(16))),
  };
}

/** Validates untrusted parameters against {@link ARGON2_BOUNDS}; KEY_INVALID when out of range. */
export function checkArgon2Params(p: unknown, where: string): Argon2Params {
  const bad = (what: string) =>
    new LumeraError("KEY_INVALID", `${where}: ${what}`, {
      hint: "restore the key file from your backup",
    });
  if (typeof p !== "object" || p === null) throw bad("the KDF parameters are missing");
  const q = p as Record<string, unknown>;
  if (q.algorithm !== "argon2id") throw bad("unknown KDF");
  for (const [name, [min, max]] of Object.entries(ARGON2_BOUNDS)) {
    const v = q[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw bad(`KDF parameter ${name} is out of the accepted range ${min}..${max}`);
    }
  }
  let salt: Uint8Array;
  try {
    salt = fromBase64(String(q.salt));
  } catch {
    throw bad("the KDF salt is not base64");
  }
  if (salt.byteLength < 16 || salt.byteLength > 64) throw bad("the KDF salt has a bad length");
  return {
    algorithm: "argon2id",
    memory_kib: q.memory_kib as number,
    passes: q.passes as number,
    parallelism: q.parallelism as number,
    salt: String(q.salt),
  };
}

async function kek(passphrase: string, p: Argon2Params): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase) as BufferSource,
    "Argon2id",
    false,
    ["deriveKey"],
  );
  const params = {
    name: "Argon2id",
    nonce: fromBase64(p.salt),
    memory: p.memory_kib,
    passes: p.passes,
    parallelism: p.parallelism,
  };
  return await crypto.subtle.deriveKey(
    params as unknown as AlgorithmIdentifier,
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

function aad(keyIdHex: string, p: Argon2Params): Uint8Array {
  return new TextEncoder().encode(
    `lumera-memory/v2/key-wrap|${keyIdHex}|${p.memory_kib}|${p.passes}|${p.parallelism}|${p.salt}`,
  );
}

/** Seals `master` under a passphrase; returns base64 of nonce ‖ ciphertext ‖ tag. */
export async function wrapMasterKey(
  master: Uint8Array,
  passphrase: string,
  keyIdHex: string,
  p: Argon2Params,
): Promise<string> {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: aad(keyIdHex, p) as BufferSource },
      await kek(passphrase, p),
      master as BufferSource,
    ),
  );
  const out = new Uint8Array(12 + sealed.byteLength);
  out.set(nonce, 0);
  out.set(sealed, 12);
  return toBase64(out);
}

/**
 * Opens a wrapped master key. A wrong passphrase and a modified file look the same to AES-GCM, so
 * both are reported as KEY_INVALID "wrong passphrase, or the key file was modified".
 */
export async function unwrapMasterKey(
  wrapped: string,
  passphrase: string,
  keyIdHex: string,
  p: Argon2Params,
  where: string,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(wrapped);
  } catch {
    throw new LumeraError("KEY_INVALID", `${where}: the wrapped key is not base64`);
  }
  if (bytes.byteLength !== 12 + 32 + 16) {
    throw new LumeraError("KEY_INVALID", `${where}: the wrapped key has a bad length`);
  }
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: bytes.subarray(0, 12) as BufferSource,
          additionalData: aad(keyIdHex, p) as BufferSource,
        },
        await kek(passphrase, p),
        bytes.subarray(12) as BufferSource,
      ),
    );
  } catch {
    throw new LumeraError(
      "KEY_INVALID",
      `${where}: wrong passphrase, or the key file was modified`,
      { hint: "check LUMERA_MEMORY_PASSPHRASE; restore the key file from a backup if it changed" },
    );
  }
}
