/**
 * Cascade identifiers and the creator's signatures over the layout and index file, as the
 * SuperNode and the chain derive and verify them:
 *
 * - `data_hash = base64(BLAKE3-256(bytes))`;
 * - layout signature = sign(base64(layoutJson));
 * - layout ids: `Base58(BLAKE3(zstd_level3(layoutB64 + "." + layoutSig + "." + (ic + i))))`;
 * - index file `{"layout_ids":[…],"layout_signature":"…","version":1}`;
 * - `signatures = base64(indexJson) + "." + sign(base64(indexJson))` (the on-chain field);
 * - index ids (the action's `rq_ids_ids`, checked by the chain at finalization):
 *   the same derivation over `signatures`.
 *
 * zstd is libzstd's one-shot level-3 frame (with the content size), through Deno's native
 * `node:zlib`, so it is byte-identical to the C library the Go code links.
 *
 * @module
 */

import zlib from "node:zlib";
import { blake3 } from "@noble/hashes/blake3.js";
import { base58, base64 } from "@scure/base";
import { LumeraError } from "../errors.ts";

const te = new TextEncoder();

/** base64 (std, padded) of BLAKE3-256 of `bytes`: the Cascade `data_hash`. */
export function dataHashOf(bytes: Uint8Array): string {
  return base64.encode(blake3(bytes));
}

/** libzstd one-shot compression at level 3 (frame with content size, no checksum). */
export function zstdLevel3(bytes: Uint8Array): Uint8Array {
  // `pledgedSrcSize` makes libzstd write the content size into the frame header, as the
  // one-shot ZSTD_compress of the Go code does (@types/node does not list the option yet).
  const options = {
    pledgedSrcSize: bytes.length,
    params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 },
  } as zlib.ZstdOptions;
  return new Uint8Array(zlib.zstdCompressSync(bytes, options));
}

/** `max` ids `Base58(BLAKE3(zstd3(base + "." + (ic + i))))` for `i < max`. */
export function deriveIds(base: string, ic: number, max: number): string[] {
  if (!Number.isSafeInteger(ic) || ic < 0 || !Number.isSafeInteger(max) || max < 1) {
    throw new LumeraError("INTERNAL", "invalid RaptorQ id counter range");
  }
  const ids: string[] = [];
  for (let i = 0; i < max; i++) {
    ids.push(base58.encode(blake3(zstdLevel3(te.encode(`${base}.${ic + i}`)))));
  }
  return ids;
}

/** The Cascade index file. */
export interface IndexFile {
  layout_ids: string[];
  layout_signature: string;
  version: number;
}

/** The index file JSON exactly as Go's `json.Marshal(IndexFile)` writes it. */
export function indexJson(index: IndexFile): string {
  return `{"layout_ids":${JSON.stringify(index.layout_ids)},"layout_signature":${
    JSON.stringify(index.layout_signature)
  },"version":${index.version}}`;
}

/** Signs a UTF-8 string and returns the base64 of the 64-byte r‖s signature. */
export type StringSigner = (message: string) => string;

/** Everything the creator signs for one upload. */
export interface CascadeSignatures {
  layoutB64: string;
  layoutSignature: string;
  layoutIds: string[];
  index: IndexFile;
  /** `indexB64.indexSignature`: the metadata `signatures` field. */
  signatures: string;
  /** The ids the SuperNodes will store the index under (`rq_ids_ids` at finalization). */
  indexIds: string[];
}

/** Builds the layout signature, layout ids, index file and `signatures` for one upload. */
export function buildSignatures(
  layoutJsonText: string,
  sign: StringSigner,
  ic: number,
  max: number,
): CascadeSignatures {
  const layoutB64 = base64.encode(te.encode(layoutJsonText));
  const layoutSignature = sign(layoutB64);
  const layoutIds = deriveIds(`${layoutB64}.${layoutSignature}`, ic, max);
  const index: IndexFile = { layout_ids: layoutIds, layout_signature: layoutSignature, version: 1 };
  const indexB64 = base64.encode(te.encode(indexJson(index)));
  const signatures = `${indexB64}.${sign(indexB64)}`;
  return {
    layoutB64,
    layoutSignature,
    layoutIds,
    index,
    signatures,
    indexIds: deriveIds(signatures, ic, max),
  };
}

/** Splits the on-chain `signatures` field into the index (decoded) and the creator signature. */
export function parseSignatures(
  signatures: string,
): { indexB64: string; signature: string; index: IndexFile } {
  const parts = signatures.split(".");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    throw new LumeraError("REMOTE_REJECTED", "invalid Cascade signatures format", {
      hint: "expected index_b64.creator_signature_b64",
    });
  }
  let index: IndexFile;
  try {
    index = JSON.parse(new TextDecoder().decode(base64.decode(parts[0])));
  } catch (e) {
    throw new LumeraError("REMOTE_REJECTED", "the Cascade index file is not valid base64 JSON", {
      cause: e,
    });
  }
  if (
    !index || !Array.isArray(index.layout_ids) ||
    !index.layout_ids.every((s) => typeof s === "string") ||
    typeof index.layout_signature !== "string"
  ) {
    throw new LumeraError("REMOTE_REJECTED", "the Cascade index file has the wrong shape");
  }
  return { indexB64: parts[0], signature: parts[1], index };
}
