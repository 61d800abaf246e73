/**
 * The segment file, format version 1: many sealed envelopes packed into one Cascade upload, so a
 * batch pays the base action fee once.
 *
 * ```
 * offset      size  field
 *      0         4  magic "LMSG"
 *      4         1  format version (1)
 *      5         3  reserved (0)
 *      8         8  key id of the key whose directory subkey sealed the directory (public)
 *     16         …  member envelopes back to back, each exactly the stored bytes
 *                   (so SHA-256 of a member's slice is its pointer)
 *  dir_off  dir_len directory: 12-byte nonce ‖ AES-256-GCM(JSON {v, members: [[hex, off, len]…]})
 *      …         …  random padding up to the size bucket
 *  end-16        8  dir_off (unsigned, big endian)
 *  end-8         4  dir_len (unsigned, big endian)
 *  end-4         4  magic "LMSE"
 * ```
 *
 * The directory is sealed with the key ring's `remoteDirectoryKey` (its own HKDF label); its
 * associated data is the 16-byte header plus `dir_off` and `dir_len`, so changing the header or
 * the trailer fails authentication. Members are envelopes (already encrypted); their headers are
 * visible, so someone holding the segment can count the members and see their sizes — padding
 * hides only the total. See the README's privacy section.
 *
 * Size buckets: the whole file is padded to the smallest bucket `16 KiB × 2^(k/4)` (k = 0, 1, …),
 * rounded up to a whole KiB, that holds it: at most ~19 % padding, and an observer learns the
 * size only to within that step.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { bytesToHex, sha256Hex } from "../crypto/hex.ts";
import { KEY_ID_BYTES, type KeyRing } from "../crypto/keys.ts";
import { MAX_CASCADE_OBJECT_BYTES } from "../estimate/cascade_fee.ts";

/** Segment magic. */
export const SEGMENT_MAGIC = new TextEncoder().encode("LMSG");
/** Trailer magic. */
export const SEGMENT_TRAILER_MAGIC = new TextEncoder().encode("LMSE");
/** The segment format version this build writes. */
export const SEGMENT_VERSION = 1;
/** Header length in bytes. */
export const SEGMENT_HEADER_BYTES = 16;
/** Trailer length in bytes. */
export const SEGMENT_TRAILER_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The smallest size bucket (16 KiB). */
export const MIN_BUCKET_BYTES = 16 * 1024;

/** One member's place in a segment. */
export interface SegmentEntry {
  /** SHA-256 of the member's bytes (its pointer's hex). */
  id: string;
  /** Offset from the start of the file. */
  offset: number;
  /** Length in bytes. */
  length: number;
}

/** The size bucket that holds `n` bytes: `16 KiB × 2^(k/4)` rounded up to a KiB. */
export function bucketSize(n: number): number {
  for (let k = 0;; k++) {
    const b = Math.ceil((MIN_BUCKET_BYTES * 2 ** (k / 4)) / 1024) * 1024;
    if (b >= n) {
      if (b > MAX_CASCADE_OBJECT_BYTES) {
        if (n <= MAX_CASCADE_OBJECT_BYTES) return MAX_CASCADE_OBJECT_BYTES;
        throw new LumeraError("TOO_LARGE", "a segment cannot exceed Cascade's 1 GiB limit");
      }
      return b;
    }
  }
}

/** Bytes a segment of `count` members totalling `memberBytes` takes before padding (bound). */
export function unpaddedSegmentBytes(count: number, memberBytes: number): number {
  // Directory JSON per member: ["<64 hex>",<offset>,<length>], at most ~92 bytes.
  const dir = 24 + count * 92 + NONCE_BYTES + TAG_BYTES;
  return SEGMENT_HEADER_BYTES + memberBytes + dir + SEGMENT_TRAILER_BYTES;
}

/** Offsets members will have in a segment, in the given order. */
export function memberOffsets(memberLengths: number[]): number[] {
  const out: number[] = [];
  let at = SEGMENT_HEADER_BYTES;
  for (const len of memberLengths) {
    out.push(at);
    at += len;
  }
  return out;
}

function aad(header: Uint8Array, dirOffset: number, dirLength: number): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER_BYTES + 12);
  out.set(header.subarray(0, SEGMENT_HEADER_BYTES), 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(SEGMENT_HEADER_BYTES, BigInt(dirOffset));
  view.setUint32(SEGMENT_HEADER_BYTES + 8, dirLength);
  return out;
}

/** Fills `buf` with random bytes in place (`getRandomValues` takes at most 64 KiB a call). */
export function fillRandom(buf: Uint8Array): void {
  for (let i = 0; i < buf.length; i += 65536) {
    crypto.getRandomValues(buf.subarray(i, Math.min(buf.length, i + 65536)));
  }
}

/**
 * Builds a segment from member envelopes, in order. Each member's id must be the SHA-256 of its
 * bytes (checked). Returns the padded file and the directory entries.
 */
export async function buildSegment(
  ring: KeyRing,
  members: { id: string; bytes: Uint8Array }[],
): Promise<{ bytes: Uint8Array; entries: SegmentEntry[] }> {
  const entries: SegmentEntry[] = [];
  const offsets = memberOffsets(members.map((m) => m.bytes.byteLength));
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (await sha256Hex(m.bytes) !== m.id) {
      throw new LumeraError("INTEGRITY", `blob cascade://${m.id} does not hash to its pointer`, {
        hint: "run `lumera-memory verify`",
      });
    }
    entries.push({ id: m.id, offset: offsets[i], length: m.bytes.byteLength });
  }
  const dirPlain = new TextEncoder().encode(
    JSON.stringify({ v: 1, members: entries.map((e) => [e.id, e.offset, e.length]) }),
  );
  const dirOffset = members.length === 0
    ? SEGMENT_HEADER_BYTES
    : offsets[offsets.length - 1] + members[members.length - 1].bytes.byteLength;
  const dirLength = NONCE_BYTES + dirPlain.byteLength + TAG_BYTES;
  const total = bucketSize(dirOffset + dirLength + SEGMENT_TRAILER_BYTES);
  const out = new Uint8Array(total);
  out.set(SEGMENT_MAGIC, 0);
  out[4] = SEGMENT_VERSION;
  out.set(ring.keyId, 8);
  for (let i = 0; i < members.length; i++) out.set(members[i].bytes, offsets[i]);
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      {
        name: "AES-GCM",
        iv: nonce,
        additionalData: aad(out, dirOffset, dirLength) as BufferSource,
        tagLength: TAG_BYTES * 8,
      },
      ring.remoteDirectoryKey,
      dirPlain as BufferSource,
    ),
  );
  out.set(nonce, dirOffset);
  out.set(sealed, dirOffset + NONCE_BYTES);
  const padStart = dirOffset + dirLength;
  const padEnd = total - SEGMENT_TRAILER_BYTES;
  fillRandom(out.subarray(padStart, padEnd));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setBigUint64(padEnd, BigInt(dirOffset));
  view.setUint32(padEnd + 8, dirLength);
  out.set(SEGMENT_TRAILER_MAGIC, padEnd + 12);
  return { bytes: out, entries };
}

function corrupt(label: string, what: string): LumeraError {
  return new LumeraError("INTEGRITY", `${label} is not a valid segment: ${what}`, {
    hint: "the downloaded or cached copy is damaged; it is fetched again on the next attempt",
  });
}

/** The key id (hex) a segment's directory was sealed under. */
export function segmentKeyId(bytes: Uint8Array, label = "segment"): string {
  if (bytes.byteLength < SEGMENT_HEADER_BYTES + SEGMENT_TRAILER_BYTES) {
    throw corrupt(label, "too short");
  }
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== SEGMENT_MAGIC[i]) throw corrupt(label, "bad magic");
  }
  if (bytes[4] !== SEGMENT_VERSION) throw corrupt(label, `unknown version ${bytes[4]}`);
  return bytesToHex(bytes.subarray(8, 8 + KEY_ID_BYTES));
}

/**
 * Opens a segment's directory with the ring that sealed it (see {@link segmentKeyId}); checks
 * every entry lies inside the member area. Throws INTEGRITY on any damage.
 */
export async function readSegmentDirectory(
  ring: KeyRing,
  bytes: Uint8Array,
  label = "segment",
): Promise<SegmentEntry[]> {
  segmentKeyId(bytes, label);
  const end = bytes.byteLength - SEGMENT_TRAILER_BYTES;
  for (let i = 0; i < 4; i++) {
    if (bytes[end + 12 + i] !== SEGMENT_TRAILER_MAGIC[i]) throw corrupt(label, "bad trailer");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dirOffsetBig = view.getBigUint64(end);
  const dirLength = view.getUint32(end + 8);
  if (dirOffsetBig > BigInt(end)) throw corrupt(label, "directory offset out of range");
  const dirOffset = Number(dirOffsetBig);
  if (
    dirOffset < SEGMENT_HEADER_BYTES || dirLength < NONCE_BYTES + TAG_BYTES ||
    dirOffset + dirLength > end
  ) {
    throw corrupt(label, "directory out of range");
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: bytes.subarray(dirOffset, dirOffset + NONCE_BYTES) as BufferSource,
          additionalData: aad(bytes, dirOffset, dirLength) as BufferSource,
          tagLength: TAG_BYTES * 8,
        },
        ring.remoteDirectoryKey,
        bytes.subarray(dirOffset + NONCE_BYTES, dirOffset + dirLength) as BufferSource,
      ),
    );
  } catch {
    throw corrupt(label, "its directory failed authentication");
  }
  let parsed: { v?: unknown; members?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
  } catch {
    throw corrupt(label, "its directory is not JSON");
  }
  if (parsed.v !== 1 || !Array.isArray(parsed.members)) {
    throw corrupt(label, "unknown directory version");
  }
  const out: SegmentEntry[] = [];
  for (const m of parsed.members) {
    if (
      !Array.isArray(m) || m.length !== 3 || typeof m[0] !== "string" ||
      !/^[0-9a-f]{64}$/.test(m[0]) || !Number.isSafeInteger(m[1]) || !Number.isSafeInteger(m[2]) ||
      m[1] < SEGMENT_HEADER_BYTES || m[2] <= 0 || m[1] + m[2] > dirOffset
    ) {
      throw corrupt(label, "a directory entry is out of range");
    }
    out.push({ id: m[0], offset: m[1], length: m[2] });
  }
  return out;
}

/**
 * One member's bytes from a segment, checked: the slice must lie inside the file and its SHA-256
 * must equal `id` (the pointer). Throws INTEGRITY otherwise.
 */
export async function sliceMember(
  bytes: Uint8Array,
  entry: SegmentEntry,
  label = "segment",
): Promise<Uint8Array> {
  if (
    entry.offset < SEGMENT_HEADER_BYTES || entry.length <= 0 ||
    entry.offset + entry.length > bytes.byteLength - SEGMENT_TRAILER_BYTES
  ) {
    throw corrupt(label, `member cascade://${entry.id} lies outside the file`);
  }
  const slice = bytes.slice(entry.offset, entry.offset + entry.length);
  if (await sha256Hex(slice) !== entry.id) {
    throw new LumeraError(
      "INTEGRITY",
      `member cascade://${entry.id} of ${label} does not hash to its pointer`,
      { hint: "the segment copy is damaged; it is fetched again on the next attempt" },
    );
  }
  return slice;
}

/** A fresh opaque file name for a segment: 16 random bytes, hex. */
export function randomFileName(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}
