// The embedded RaptorQ WebAssembly: its checksum, its agreement with the pinned npm package, and
// a layout of the shape the SuperNode encoder produces.

import assert from "node:assert/strict";
import zlib from "node:zlib";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64, hex } from "@scure/base";
import {
  RQ_WASM_PACKAGE,
  RQ_WASM_SHA256,
  RQ_WASM_SIZE,
  RQ_WASM_ZSTD_BASE64,
} from "../../src/cascade/rq/rq_wasm.generated.ts";
import { createLayout, layoutJson } from "../../src/cascade/rq/raptorq.ts";

Deno.test("rq wasm: the embedded bytes match the recorded checksum and the npm package", async () => {
  const wasm = new Uint8Array(zlib.zstdDecompressSync(base64.decode(RQ_WASM_ZSTD_BASE64.join(""))));
  assert.equal(wasm.length, RQ_WASM_SIZE);
  assert.equal(hex.encode(sha256(wasm)), RQ_WASM_SHA256);
  assert.ok(WebAssembly.validate(wasm));
  // The same file in Deno's npm cache, when this machine has it (the generator's source).
  const [name, version] = RQ_WASM_PACKAGE.split("@");
  const home = Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`;
  const cached = `${home}/npm/registry.npmjs.org/${name}/${version}/rq_library_bg.wasm`;
  const fromNpm = await Deno.readFile(cached).catch(() => undefined);
  if (fromNpm) assert.equal(hex.encode(sha256(fromNpm)), RQ_WASM_SHA256);
});

Deno.test("rq wasm: single-block layout with the SuperNode's encoder parameters", async () => {
  const bytes = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
  const layout = await createLayout(bytes);
  assert.equal(layout.blocks.length, 1);
  const b = layout.blocks[0];
  assert.equal(b.block_id, 0);
  assert.equal(b.size, 200_000);
  assert.equal(b.original_offset, 0);
  assert.equal(b.encoder_parameters.length, 12);
  // OTI (RFC 6330 §3.3.2): transfer length (40 bits), reserved byte, symbol size (16 bits):
  // the requested 65535 rounded down to the alignment Al (last byte), then Z, N, Al.
  const p = b.encoder_parameters;
  const transferLength = p.slice(0, 5).reduce((n, x) => n * 256 + x, 0);
  assert.equal(transferLength, 200_000);
  const al = p[11];
  assert.equal(p[6] * 256 + p[7], Math.floor(65535 / al) * al);
  // 4 source symbols of ~64 KiB, plus repair symbols for redundancy 6.
  assert.ok(b.symbols.length >= 4, `symbols: ${b.symbols.length}`);
  assert.ok(b.symbols.every((s) => /^[1-9A-HJ-NP-Za-km-z]{43,44}$/.test(s)));
  // Deterministic: the same bytes give the same layout JSON (what the SuperNode re-derives).
  assert.equal(layoutJson(await createLayout(bytes)), layoutJson(layout));
  assert.notEqual(layoutJson(await createLayout(bytes.map((x) => x ^ 1))), layoutJson(layout));
});
