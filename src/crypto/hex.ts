/**
 * Hex encoding of bytes (lowercase) and SHA-256 in hex.
 *
 * @module
 */

import { createHash } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Encodes bytes as lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.byteLength; i++) out += HEX[bytes[i]];
  return out;
}

/** Decodes an even-length hex string. Throws a plain Error on malformed input (callers wrap it). */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error("malformed hex");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * SHA-256 of bytes, as lowercase hex. Uses the runtime's synchronous native hash: for the many
 * small blobs of a `verify` it avoids WebCrypto's per-call hop to a worker thread.
 */
export function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Promise.resolve(createHash("sha256").update(bytes).digest("hex"));
}
