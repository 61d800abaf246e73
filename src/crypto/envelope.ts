/**
 * The sealed envelope, format version 1.
 *
 * ```
 * offset size field
 *      0    4 magic "LMEM"
 *      4    1 format version (1)
 *      5    1 algorithm (1 = AES-256-GCM)
 *      6    1 compression (0 = none, 1 = raw DEFLATE)
 *      7    1 reserved (0)
 *      8    8 key id (HKDF-derived, public)
 *     16   12 nonce (random)
 *     28    … ciphertext ‖ 16-byte GCM tag
 * ```
 * The 28-byte header is the AEAD associated data: changing any header byte fails authentication.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { Compression, type CompressionId, deflate, inflate } from "./compress.ts";
import { bytesToHex } from "./hex.ts";
import { constantTimeEqual, KEY_ID_BYTES, type KeyRing } from "./keys.ts";

/** Envelope magic bytes. */
export const MAGIC = new TextEncoder().encode("LMEM");
/** The envelope format version this build writes. */
export const ENVELOPE_VERSION = 1;
/** Algorithm id of AES-256-GCM. */
export const ALG_AES_256_GCM = 1;
/** Header length in bytes. */
export const HEADER_BYTES = 28;
/** GCM tag length in bytes. */
export const TAG_BYTES = 16;
const NONCE_BYTES = 12;

/** What an envelope header says. */
export interface EnvelopeHeader {
  /** Format version. */
  version: number;
  /** Algorithm id. */
  algorithm: number;
  /** Compression id. */
  compression: CompressionId;
  /** Key id, hex. */
  keyIdHex: string;
}

/** Options of {@link seal}. */
export interface SealOptions {
  /** Compress before sealing (default true). */
  compress?: boolean;
}

/** Compresses and encrypts `plaintext` under the key ring's envelope key. */
export async function seal(
  keys: KeyRing,
  plaintext: Uint8Array,
  options: SealOptions = {},
): Promise<Uint8Array> {
  const compression = options.compress === false ? Compression.none : Compression.deflateRaw;
  const body = compression === Compression.deflateRaw ? deflate(plaintext) : plaintext;
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header[4] = ENVELOPE_VERSION;
  header[5] = ALG_AES_256_GCM;
  header[6] = compression;
  header[7] = 0;
  header.set(keys.keyId, 8);
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  header.set(nonce, 16);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: header, tagLength: TAG_BYTES * 8 },
      keys.envelopeKey,
      body as BufferSource,
    ),
  );
  const out = new Uint8Array(HEADER_BYTES + ciphertext.byteLength);
  out.set(header, 0);
  out.set(ciphertext, HEADER_BYTES);
  return out;
}

/** The size of the envelope {@link seal} makes of `plaintext` (compressed), without encrypting. */
export function sealedSize(plaintext: Uint8Array): number {
  return HEADER_BYTES + deflate(plaintext).byteLength + TAG_BYTES;
}

/**
 * Parses and checks an envelope header without any key. Throws INTEGRITY when the bytes are not
 * an envelope this build can read.
 */
export function readHeader(envelope: Uint8Array, label = "envelope"): EnvelopeHeader {
  if (envelope.byteLength < HEADER_BYTES + TAG_BYTES) {
    throw new LumeraError("INTEGRITY", `${label} is truncated (${envelope.byteLength} bytes)`);
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (envelope[i] !== MAGIC[i]) {
      throw new LumeraError("INTEGRITY", `${label} is not a lumera-memory envelope`);
    }
  }
  const version = envelope[4];
  if (version !== ENVELOPE_VERSION) {
    throw new LumeraError(
      "INTEGRITY",
      `${label} has envelope format version ${version}; this build reads version ${ENVELOPE_VERSION}`,
      { hint: "upgrade lumera-memory" },
    );
  }
  const algorithm = envelope[5];
  const compression = envelope[6];
  if (algorithm !== ALG_AES_256_GCM) {
    throw new LumeraError("INTEGRITY", `${label} uses unknown algorithm ${algorithm}`);
  }
  if (compression !== Compression.none && compression !== Compression.deflateRaw) {
    throw new LumeraError("INTEGRITY", `${label} uses unknown compression ${compression}`);
  }
  return {
    version,
    algorithm,
    compression: compression as CompressionId,
    keyIdHex: bytesToHex(envelope.subarray(8, 8 + KEY_ID_BYTES)),
  };
}

/**
 * Authenticates and decrypts an envelope. A different key id → WRONG_KEY; any modified byte →
 * INTEGRITY naming `label` (e.g. the pointer); output past `maxPlaintextBytes` → TOO_LARGE.
 */
export async function open(
  keys: KeyRing,
  envelope: Uint8Array,
  maxPlaintextBytes: number,
  label = "envelope",
): Promise<Uint8Array> {
  const header = readHeader(envelope, label);
  if (!constantTimeEqual(envelope.subarray(8, 8 + KEY_ID_BYTES), keys.keyId)) {
    throw new LumeraError(
      "WRONG_KEY",
      `${label} was sealed with key ${header.keyIdHex}, but the loaded key is ${keys.keyIdHex}`,
      { hint: "use the key this store was created with (LUMERA_MEMORY_KEY or the key file)" },
    );
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: envelope.subarray(16, HEADER_BYTES) as BufferSource,
          additionalData: envelope.subarray(0, HEADER_BYTES) as BufferSource,
          tagLength: TAG_BYTES * 8,
        },
        keys.envelopeKey,
        envelope.subarray(HEADER_BYTES) as BufferSource,
      ),
    );
  } catch (err) {
    throw new LumeraError("INTEGRITY", `${label} failed authentication: it was modified`, {
      hint: "restore it from a backup or the remote copy; `lumera-memory verify` lists all such",
      cause: err,
    });
  }
  if (header.compression === Compression.none) {
    if (body.byteLength > maxPlaintextBytes) {
      throw new LumeraError("TOO_LARGE", `${label} holds more than ${maxPlaintextBytes} bytes`);
    }
    return body;
  }
  return inflate(body, maxPlaintextBytes);
}
