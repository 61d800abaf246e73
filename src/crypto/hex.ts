/**
 * Hex encoding of bytes (lowercase) and SHA-256 in hex.
 *
 * @module
 */

import process from "node:process";
import type * as NodeCrypto from "node:crypto";

let nodeCrypto: typeof NodeCrypto | undefined;

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
  // Loaded on first use: ~3 ms at startup that a search never needs.
  nodeCrypto ??= process.getBuiltinModule("node:crypto") as typeof NodeCrypto;
  return Promise.resolve(nodeCrypto.createHash("sha256").update(bytes).digest("hex"));
}
