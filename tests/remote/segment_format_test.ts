import assert from "node:assert/strict";
import { sha256Hex } from "../../src/crypto/hex.ts";
import { deriveKeyRing, generateMasterKey } from "../../src/crypto/keys.ts";
import { LumeraError } from "../../src/errors.ts";
import {
  bucketSize,
  buildSegment,
  readSegmentDirectory,
  SEGMENT_HEADER_BYTES,
  segmentKeyId,
  sliceMember,
} from "../../src/remote/segment_format.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

async function members(n: number, size = 300) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const bytes = crypto.getRandomValues(new Uint8Array(size + i * 17));
    out.push({ id: await sha256Hex(bytes), bytes });
  }
  return out;
}

Deno.test("a segment round-trips: directory opens, each slice hashes to its pointer", async () => {
  const ring = await deriveKeyRing(generateMasterKey());
  const input = await members(25);
  const { bytes, entries } = await buildSegment(ring, input);
  assert.equal(bytes.byteLength, bucketSize(bytes.byteLength), "padded to a bucket");
  assert.equal(segmentKeyId(bytes), ring.keyIdHex);
  const dir = await readSegmentDirectory(ring, bytes);
  assert.deepEqual(dir, entries);
  for (let i = 0; i < input.length; i++) {
    assert.equal(dir[i].id, input[i].id);
    assert.deepEqual(await sliceMember(bytes, dir[i]), input[i].bytes);
  }
  assert.equal(dir[0].offset, SEGMENT_HEADER_BYTES);
});

Deno.test("two builds of the same members differ (random nonce and padding) but hold the same slices", async () => {
  const ring = await deriveKeyRing(generateMasterKey());
  const input = await members(3);
  const a = await buildSegment(ring, input);
  const b = await buildSegment(ring, input);
  assert.notDeepEqual(a.bytes, b.bytes);
  assert.deepEqual(a.entries, b.entries);
});

Deno.test("a member whose bytes do not hash to its id is refused at build time", async () => {
  const ring = await deriveKeyRing(generateMasterKey());
  const input = await members(2);
  input[1] = { id: input[0].id, bytes: input[1].bytes };
  await assert.rejects(() => buildSegment(ring, input), (e) => codeOf(e) === "INTEGRITY");
});

Deno.test("tampering anywhere that matters is detected; padding is not authenticated", async () => {
  const ring = await deriveKeyRing(generateMasterKey());
  const input = await members(4);
  const { bytes, entries } = await buildSegment(ring, input);
  const end = bytes.byteLength;
  const flip = (at: number) => {
    const copy = bytes.slice();
    copy[at] ^= 0x01;
    return copy;
  };
  // Header (version, reserved, key id), trailer and directory bytes: the directory fails.
  for (const at of [4, 5, 9, end - 10, end - 1]) {
    await assert.rejects(
      () => readSegmentDirectory(ring, flip(at)),
      (e) => codeOf(e) === "INTEGRITY",
    );
  }
  const dirOffset = Number(new DataView(bytes.buffer).getBigUint64(end - 16));
  await assert.rejects(
    () => readSegmentDirectory(ring, flip(dirOffset + 20)),
    (e) => codeOf(e) === "INTEGRITY",
  );
  // A member byte: the directory still opens, but that slice fails its pointer check.
  const damaged = flip(entries[2].offset + 5);
  const dir = await readSegmentDirectory(ring, damaged);
  await assert.rejects(() => sliceMember(damaged, dir[2]), (e) => codeOf(e) === "INTEGRITY");
  assert.deepEqual(await sliceMember(damaged, dir[1]), input[1].bytes);
});

Deno.test("a truncated segment is refused, whatever the cut", async () => {
  const ring = await deriveKeyRing(generateMasterKey());
  const { bytes } = await buildSegment(ring, await members(3));
  for (const len of [0, 10, 31, 500, bytes.byteLength - 17, bytes.byteLength - 1]) {
    await assert.rejects(
      () => readSegmentDirectory(ring, bytes.subarray(0, len)),
      (e) => codeOf(e) === "INTEGRITY",
      `cut at ${len}`,
    );
  }
});

Deno.test("another key cannot open the directory", async () => {
  const ring = await deriveKeyRing(generateMasterKey());
  const other = await deriveKeyRing(generateMasterKey());
  const { bytes } = await buildSegment(ring, await members(2));
  await assert.rejects(() => readSegmentDirectory(other, bytes), (e) => codeOf(e) === "INTEGRITY");
});

Deno.test("size buckets: 16 KiB steps of 2^(1/4), whole KiB, at most ~19 % padding (plus the KiB rounding)", () => {
  assert.equal(bucketSize(1), 16 * 1024);
  assert.equal(bucketSize(16 * 1024), 16 * 1024);
  assert.equal(bucketSize(16 * 1024 + 1), 20 * 1024); // 16 KiB × 2^(1/4) = 19.5 KiB → 20 KiB
  let prev = 0;
  for (let n = 1000; n < 200 * 1024 * 1024; n = Math.ceil(n * 1.37)) {
    const b = bucketSize(n);
    assert.ok(b >= n && b % 1024 === 0);
    assert.ok(b >= prev);
    if (n > 16 * 1024) assert.ok(b < n * 1.19 + 1024, `${n} → ${b}`);
    prev = b;
  }
  assert.equal(bucketSize(1024 * 1024 * 1024), 1024 * 1024 * 1024);
  assert.throws(() => bucketSize(1024 * 1024 * 1024 + 1), (e) => codeOf(e) === "TOO_LARGE");
});
