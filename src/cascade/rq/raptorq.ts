/**
 * RaptorQ layout metadata for Cascade, computed by the same Rust RaptorQ library the SuperNodes
 * use (`rq-library`, built to WebAssembly in the npm package `rq-library-wasm`). The SuperNode
 * re-encodes the uploaded file and verifies the creator's signature over base64 of its own
 * layout JSON, so the layout must be byte-identical: same encoder, same parameters
 * (symbol size 65535, redundancy 6, one block of up to 1280 MiB), same JSON field order.
 *
 * The package's glue expects a browser (`window`, an in-memory file system on it). It is loaded
 * lazily, `window` is defined only while its modules evaluate, and its `[RUST]:` console chatter is
 * dropped (nothing may write to stdout in server mode). The WebAssembly bytes come from the
 * embedded `rq_wasm.generated.ts` (no read access to the npm cache is needed).
 *
 * @module
 */

import zlib from "node:zlib";
import { LumeraError } from "../../errors.ts";

/** RaptorQ symbol size the SuperNode encoder uses. */
export const RQ_SYMBOL_SIZE = 65535;
/** RaptorQ redundancy factor the SuperNode encoder uses. */
export const RQ_REDUNDANCY = 6;
/** Block size the SuperNode encoder uses (single block up to this size). */
export const RQ_BLOCK_SIZE = 1280 * 1024 * 1024;

/** One block of a RaptorQ layout (the SuperNode's `codec.Block`). */
export interface LayoutBlock {
  block_id: number;
  encoder_parameters: number[];
  original_offset: number;
  size: number;
  symbols: string[];
  hash: string;
}

/** A RaptorQ layout (the SuperNode's `codec.Layout`). */
export interface Layout {
  blocks: LayoutBlock[];
}

interface RqSession {
  create_metadata(input: string, layout: string, blockSize: number): Promise<unknown>;
  free(): void;
}

interface RqCore {
  initSync(init: { module: BufferSource }): unknown;
  RaptorQSession: new (
    symbolSize: number,
    redundancy: number,
    maxMemoryMb: bigint,
    concurrency: bigint,
  ) => RqSession;
}

interface RqMemFs {
  writeFileChunk(path: string, offset: number, data: Uint8Array): Promise<void>;
}

interface RqRuntime {
  newSession(): RqSession;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  readFile(path: string): Uint8Array;
  remove(path: string): void;
}

let runtime: Promise<RqRuntime> | undefined;
let counter = 0;

async function loadRuntime(): Promise<RqRuntime> {
  const { RQ_WASM_ZSTD_BASE64, RQ_WASM_SHA256 } = await import("./rq_wasm.generated.ts");
  const { base64, hex } = await import("@scure/base");
  const { sha256 } = await import("@noble/hashes/sha2.js");
  const wasm = new Uint8Array(
    zlib.zstdDecompressSync(base64.decode(RQ_WASM_ZSTD_BASE64.join(""))),
  );
  if (hex.encode(sha256(wasm)) !== RQ_WASM_SHA256) {
    throw new LumeraError("INTEGRITY", "the embedded RaptorQ WebAssembly does not match its hash", {
      hint: "regenerate src/cascade/rq/rq_wasm.generated.ts with its generator",
    });
  }
  const g = globalThis as Record<string, unknown>;
  const hadWindow = "window" in g;
  if (!hadWindow) g.window = globalThis;
  let core: RqCore;
  let fs: RqMemFs;
  try {
    core = (await import("rq-library-wasm/rq_library.js")) as unknown as RqCore;
    fs = (await import(
      "rq-library-wasm/snippets/rq-library-5eb01be83fe90929/js/browser_fs_mem.js"
    )) as unknown as RqMemFs;
  } finally {
    if (!hadWindow) delete g.window;
  }
  const memFiles = g.memFiles as Map<string, Uint8Array>;
  const memMetadata = g.memMetadata as Map<string, unknown>;
  core.initSync({ module: wasm });
  return {
    newSession: () => new core.RaptorQSession(RQ_SYMBOL_SIZE, RQ_REDUNDANCY, 1024n, 1n),
    writeFile: (path, bytes) => fs.writeFileChunk(path, 0, bytes),
    readFile: (path) => memFiles.get(path) ?? new Uint8Array(0),
    remove: (path) => {
      memFiles.delete(path);
      memMetadata.delete(path);
    },
  };
}

/** Loads the RaptorQ WebAssembly once (lazily, on the first Cascade upload). */
export function raptorq(): Promise<RqRuntime> {
  runtime ??= loadRuntime().catch((e) => {
    runtime = undefined;
    throw e instanceof LumeraError ? e : new LumeraError(
      "INTERNAL",
      "the RaptorQ encoder could not be loaded",
      { cause: e },
    );
  });
  return runtime;
}

let quietDepth = 0;
let originalLog: ((...args: unknown[]) => void) | undefined;

/** Runs `fn` with the WebAssembly's console.log output dropped. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  // The WebAssembly glue prints progress with console.log (stdout), which would corrupt the MCP
  // stdio channel: nothing of ours uses console.log, so all of it is dropped while an encoder runs.
  if (quietDepth++ === 0) {
    // deno-lint-ignore no-console
    originalLog = console.log;
    // deno-lint-ignore no-console
    console.log = () => {};
  }
  try {
    return await fn();
  } finally {
    if (--quietDepth === 0 && originalLog) {
      // deno-lint-ignore no-console
      console.log = originalLog;
      originalLog = undefined;
    }
  }
}

/**
 * Computes the RaptorQ layout of `bytes` exactly as the SuperNode's encoder does (single block).
 * Throws `INTERNAL` if the encoder fails or returns something other than one block.
 */
export async function createLayout(bytes: Uint8Array): Promise<Layout> {
  const rq = await raptorq();
  const id = ++counter;
  const input = `/lm_in_${id}.bin`;
  const output = `/lm_layout_${id}.json`;
  const session = rq.newSession();
  try {
    await rq.writeFile(input, bytes);
    await quietly(() => session.create_metadata(input, output, RQ_BLOCK_SIZE));
    const parsed = JSON.parse(new TextDecoder().decode(rq.readFile(output)));
    return normalizeLayout(parsed);
  } catch (e) {
    if (e instanceof LumeraError) throw e;
    throw new LumeraError("INTERNAL", "RaptorQ layout computation failed", { cause: e });
  } finally {
    rq.remove(input);
    rq.remove(output);
    session.free();
  }
}

/** Validates a parsed layout and keeps exactly the fields of the SuperNode's `codec.Layout`. */
export function normalizeLayout(value: unknown): Layout {
  const blocks = (value as { blocks?: unknown })?.blocks;
  if (!Array.isArray(blocks) || blocks.length !== 1) {
    throw new LumeraError("INTERNAL", "a Cascade layout must have exactly one block");
  }
  return {
    blocks: blocks.map((b: Record<string, unknown>) => {
      const params = b.encoder_parameters;
      const symbols = b.symbols;
      if (
        !Number.isInteger(b.block_id) || !Array.isArray(params) ||
        !params.every((n) => Number.isInteger(n) && n >= 0 && n < 256) ||
        !Number.isSafeInteger(b.original_offset) || !Number.isSafeInteger(b.size) ||
        !Array.isArray(symbols) || !symbols.every((s) => typeof s === "string") ||
        typeof b.hash !== "string"
      ) {
        throw new LumeraError("INTERNAL", "malformed RaptorQ layout block");
      }
      return {
        block_id: b.block_id as number,
        encoder_parameters: params as number[],
        original_offset: b.original_offset as number,
        size: b.size as number,
        symbols: symbols as string[],
        hash: b.hash as string,
      };
    }),
  };
}

/**
 * The layout JSON exactly as Go's `json.Marshal(codec.Layout)` writes it (compact, struct field
 * order). Strings are base58 ids, which never need Go's HTML escaping.
 */
export function layoutJson(layout: Layout): string {
  const blocks = layout.blocks.map((b) =>
    `{"block_id":${b.block_id},"encoder_parameters":${JSON.stringify(b.encoder_parameters)},` +
    `"original_offset":${b.original_offset},"size":${b.size},` +
    `"symbols":${JSON.stringify(b.symbols)},"hash":${JSON.stringify(b.hash)}}`
  );
  return `{"blocks":[${blocks.join(",")}]}`;
}
