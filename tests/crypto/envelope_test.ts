import assert from "node:assert/strict";
import { HEADER_BYTES, open, readHeader, seal } from "../../src/crypto/envelope.ts";
import { deriveKeyRing, generateMasterKey } from "../../src/crypto/keys.ts";
import { LumeraError } from "../../src/errors.ts";

const text = new TextEncoder().encode("the login race: two refreshes overlap ".repeat(200));

async function ring() {
  return await deriveKeyRing(generateMasterKey());
}

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

Deno.test("seal then open round-trips and compresses", async () => {
  const keys = await ring();
  const env = await seal(keys, text);
  assert.ok(env.byteLength < text.byteLength / 4, `sealed ${env.byteLength} bytes`);
  const back = await open(keys, env, 1 << 20);
  assert.deepEqual(back, text);
  const h = readHeader(env);
  assert.equal(h.version, 1);
  assert.equal(h.keyIdHex, keys.keyIdHex);
});

Deno.test("seal uses a fresh nonce each time", async () => {
  const keys = await ring();
  const a = await seal(keys, text);
  const b = await seal(keys, text);
  assert.notDeepEqual(a.subarray(16, HEADER_BYTES), b.subarray(16, HEADER_BYTES));
});

Deno.test("uncompressed envelopes open too", async () => {
  const keys = await ring();
  const env = await seal(keys, text, { compress: false });
  assert.equal(env[6], 0);
  assert.deepEqual(await open(keys, env, 1 << 20), text);
});

Deno.test("wrong key → WRONG_KEY naming both key ids", async () => {
  const a = await ring();
  const b = await ring();
  const env = await seal(a, text);
  await assert.rejects(open(b, env, 1 << 20, "blob X"), (err) => {
    assert.equal(codeOf(err), "WRONG_KEY");
    assert.match((err as Error).message, new RegExp(a.keyIdHex));
    return true;
  });
});

Deno.test("one flipped bit anywhere fails closed", async () => {
  const keys = await ring();
  const env = await seal(keys, new TextEncoder().encode("short secret-free text"));
  for (let byte = 0; byte < env.byteLength; byte++) {
    const bad = env.slice();
    bad[byte] ^= 1 << (byte % 8);
    const code = await open(keys, bad, 1 << 20).then(() => "opened", codeOf);
    // Key-id bytes (8..15) report the wrong key; every other byte is an integrity failure.
    const expected = byte >= 8 && byte < 16 ? "WRONG_KEY" : "INTEGRITY";
    assert.equal(code, expected, `flipping byte ${byte}`);
  }
});

Deno.test("truncated envelopes are integrity errors", async () => {
  const keys = await ring();
  const env = await seal(keys, text);
  for (const len of [0, 3, 27, 28, 43, env.byteLength - 1]) {
    const code = await open(keys, env.subarray(0, len), 1 << 20).then(() => "opened", codeOf);
    assert.equal(code, "INTEGRITY", `length ${len}`);
  }
});

Deno.test("decompression is capped (no zip bomb)", async () => {
  const keys = await ring();
  const big = new Uint8Array(4 << 20); // 4 MiB of zeros compresses to a few KiB
  const env = await seal(keys, big);
  assert.ok(env.byteLength < 64 * 1024);
  await assert.rejects(open(keys, env, 1 << 20), (err) => codeOf(err) === "TOO_LARGE");
});
