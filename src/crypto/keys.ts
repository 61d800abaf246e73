/**
 * The master key and the subkeys derived from it with HKDF-SHA-256. The master key itself encrypts
 * nothing: the envelope key, the content-id key and the key id each come from HKDF with their own
 * label. Raw key bytes live only inside non-extractable WebCrypto keys once loaded.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { bytesToHex, hexToBytes } from "./hex.ts";

/** Length of a master key, in bytes. */
export const MASTER_KEY_BYTES = 32;

/** Length of a key id, in bytes (hex: 16 characters). */
export const KEY_ID_BYTES = 8;

const SALT = new TextEncoder().encode("lumera-memory/v1/hkdf-salt");
const INFO_ENVELOPE = "lumera-memory/v1/envelope/aes-256-gcm";
const INFO_CONTENT_ID = "lumera-memory/v1/content-id/hmac-sha-256";
const INFO_KEY_ID = "lumera-memory/v1/key-id";
const INFO_REMOTE_DIRECTORY = "lumera-memory/v1/remote/segment-directory/aes-256-gcm";
const INFO_REMOTE_NAME = "lumera-memory/v1/remote/file-name/hmac-sha-256";

/** The subkeys of one master key, ready to use. */
export interface KeyRing {
  /** 8-byte key id, public: written into every envelope header to detect the wrong key. */
  readonly keyId: Uint8Array;
  /** The key id as 16 lowercase hex characters. */
  readonly keyIdHex: string;
  /** AES-256-GCM key for envelopes (non-extractable). */
  readonly envelopeKey: CryptoKey;
  /** HMAC-SHA-256 key for content ids (non-extractable). */
  readonly contentIdKey: CryptoKey;
  /** AES-256-GCM key for the directories of remote segments (non-extractable). */
  readonly remoteDirectoryKey: CryptoKey;
  /** HMAC-SHA-256 key for opaque remote file names (non-extractable). */
  readonly remoteNameKey: CryptoKey;
}

function info(label: string): Uint8Array {
  return new TextEncoder().encode(label);
}

/** Derives the key ring from 32 master-key bytes. The caller should zero its copy afterwards. */
export async function deriveKeyRing(master: Uint8Array): Promise<KeyRing> {
  if (master.byteLength !== MASTER_KEY_BYTES) {
    throw new LumeraError("KEY_INVALID", `a master key must be ${MASTER_KEY_BYTES} bytes`);
  }
  const hkdf = await crypto.subtle.importKey("raw", master as BufferSource, "HKDF", false, [
    "deriveKey",
    "deriveBits",
  ]);
  const params = (label: string): HkdfParams => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: SALT as BufferSource,
    info: info(label) as BufferSource,
  });
  // Five independent derivations, started together: each is a round trip to a worker thread,
  // which a server's first answer would otherwise wait for five times over.
  const aes = { name: "AES-GCM", length: 256 };
  const hmac = { name: "HMAC", hash: "SHA-256", length: 256 };
  const [envelopeKey, contentIdKey, remoteDirectoryKey, remoteNameKey, keyIdBits] = await Promise
    .all([
      crypto.subtle.deriveKey(params(INFO_ENVELOPE), hkdf, aes, false, ["encrypt", "decrypt"]),
      crypto.subtle.deriveKey(params(INFO_CONTENT_ID), hkdf, hmac, false, ["sign"]),
      crypto.subtle.deriveKey(params(INFO_REMOTE_DIRECTORY), hkdf, aes, false, [
        "encrypt",
        "decrypt",
      ]),
      crypto.subtle.deriveKey(params(INFO_REMOTE_NAME), hkdf, hmac, false, ["sign"]),
      crypto.subtle.deriveBits(params(INFO_KEY_ID), hkdf, KEY_ID_BYTES * 8),
    ]);
  const keyId = new Uint8Array(keyIdBits);
  return {
    keyId,
    keyIdHex: bytesToHex(keyId),
    envelopeKey,
    contentIdKey,
    remoteDirectoryKey,
    remoteNameKey,
  };
}

/** Makes a fresh random master key. */
export function generateMasterKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(MASTER_KEY_BYTES));
}

/**
 * Parses a master key given as 64 hex characters (e.g. `LUMERA_MEMORY_KEY`). The error never
 * repeats the value, only what is wrong with its shape.
 */
export function parseMasterKeyHex(value: string, origin: string): Uint8Array {
  const trimmed = value.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new LumeraError(
      "KEY_INVALID",
      `${origin} is not a valid key: expected 64 hex characters, got ${trimmed.length} characters`,
      { hint: "generate one with `lumera-memory init --print-key` or `openssl rand -hex 32`" },
    );
  }
  return hexToBytes(trimmed.toLowerCase());
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
