/**
 * Compression before sealing (sessions shrink several-fold; remote storage is paid per byte),
 * with a hard cap on the decompressed size so a hostile envelope cannot exhaust memory.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

type Transform = TransformStream<Uint8Array, Uint8Array>;

/** Compression algorithms an envelope can declare. The byte values are part of the format. */
export const Compression = { none: 0, deflateRaw: 1 } as const;

/** A compression id as stored in the envelope header. */
export type CompressionId = (typeof Compression)[keyof typeof Compression];

async function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new LumeraError("TOO_LARGE", `content expands past ${maxBytes} bytes`, {
          hint: "the envelope declares more data than a record may hold; it was not opened",
        });
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Compresses bytes with raw DEFLATE. */
export function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return collect(
    streamOf(bytes).pipeThrough(new CompressionStream("deflate-raw") as unknown as Transform),
    Number.MAX_SAFE_INTEGER,
  );
}

/** Decompresses raw DEFLATE, refusing output larger than `maxBytes` (TOO_LARGE). */
export async function inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  try {
    return await collect(
      streamOf(bytes).pipeThrough(new DecompressionStream("deflate-raw") as unknown as Transform),
      maxBytes,
    );
  } catch (err) {
    if (err instanceof LumeraError) throw err;
    throw new LumeraError("INTEGRITY", "compressed content is corrupt", { cause: err });
  }
}
