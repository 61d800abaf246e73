/**
 * The restore manifest: everything `restore` needs to rebuild the index on a new machine without
 * downloading every blob. It is uploaded to Cascade (as its own upload) whenever the set of
 * finalized memories or the tombstones changed since the last one.
 *
 * Content (JSON, sealed as an ordinary envelope with the current key, so only the key opens it):
 * a sequence number, then per memory its index columns (kind, agent, session, times, title,
 * summary, tags, sizes, key id, expiry), its searchable text as indexed — cut to
 * {@link MANIFEST_TEXT_CHARS} characters; `f: 0` marks a memory whose full text is indexed only
 * once its blob is fetched — and its location (segment action id, offset, length); plus the
 * tombstones of forgotten content and sessions, and the list of finalized segments.
 *
 * File (format version 1): magic "LMMF", version (1), 3 reserved bytes, the envelope's length
 * (u32, big endian), the envelope, then random padding to the same size buckets as segments.
 *
 * File name: the first 16 bytes (hex) of HMAC-SHA-256(remote name key, "manifest/v1"). Every
 * manifest of one key has the same name, so its owner finds them with `listOwnActions` alone —
 * and anyone reading the chain can tell which uploads of an account are manifests (and how many
 * there were), though not what they hold.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { bytesToHex, sha256Hex } from "../crypto/hex.ts";
import { open as openEnvelope, readHeader, seal } from "../crypto/envelope.ts";
import type { KeyChain } from "../crypto/key_file.ts";
import type { KeyRing } from "../crypto/keys.ts";
import type { ManifestSourceRow, RemoteIndex } from "../index/remote_index.ts";
import { bucketSize, fillRandom } from "./segment_format.ts";

/** Manifest file magic. */
export const MANIFEST_MAGIC = new TextEncoder().encode("LMMF");
/** Manifest format version. */
export const MANIFEST_VERSION = 1;
/** Searchable text kept per memory in the manifest, in characters. */
export const MANIFEST_TEXT_CHARS = 1024;
/** Largest manifest plaintext this build opens (512 MiB). */
export const MAX_MANIFEST_PLAIN_BYTES = 512 * 1024 * 1024;
const HEADER = 12;

/** One memory in a manifest. */
export interface ManifestEntry {
  /** Pointer digest (64 hex). */
  p: string;
  /** Keyed content id. */
  c: string;
  /** Session id, kind, agent. */
  sid: string;
  kind: string;
  tool: string;
  /** Workspace, title, git branch (when known). */
  ws?: string;
  title?: string;
  br?: string;
  /** Summary. */
  sum: string;
  /** Success (1/0). */
  ok: number;
  /** Session time, store time, start/end of the messages, expiry (ms since epoch). */
  ts: number;
  st: number;
  start?: number;
  end?: number;
  exp?: number;
  /** Part number, message count. */
  part: number;
  msgs?: number;
  /** Envelope bytes, record bytes, key id. */
  sb: number;
  rb: number;
  key: string;
  /** Tags. */
  tags: string[];
  /** Searchable text (cut); `f` is 1 when it is the whole indexed text. */
  text: string;
  f: number;
  /** Location: segment action id, offset, length. */
  a: string;
  o: number;
  l: number;
}

/** A finalized segment as the manifest lists it. */
export interface ManifestSegment {
  action_id: string;
  file_name: string;
  data_hash?: string;
  price_ulume?: string;
  bytes?: number;
}

/** The manifest's sealed content. */
export interface ManifestPayload {
  v: 1;
  kind: "lumera-memory/manifest";
  seq: number;
  created_at: string;
  memories: ManifestEntry[];
  tombstones: { kind: "content" | "session"; value: string; key_id?: string }[];
  segments: ManifestSegment[];
}

function entryOf(r: ManifestSourceRow): ManifestEntry {
  const text = r.body ?? "";
  const cut = text.length > MANIFEST_TEXT_CHARS;
  const e: ManifestEntry = {
    p: r.pointer.slice("cascade://".length),
    c: r.content_id,
    sid: r.session_id,
    kind: r.kind,
    tool: r.tool_name,
    sum: r.summary,
    ok: r.success,
    ts: r.ts_ms,
    st: r.stored_ms,
    part: r.part,
    sb: r.stored_bytes,
    rb: r.record_bytes,
    key: r.key_id,
    tags: r.tags === null ? [] : r.tags.split("\u001f"),
    text: cut ? text.slice(0, MANIFEST_TEXT_CHARS) : text,
    f: cut || r.body_indexed === 0 ? 0 : 1,
    a: r.action_id,
    o: r.offset,
    l: r.length,
  };
  if (r.workspace !== null) e.ws = r.workspace;
  if (r.title !== null) e.title = r.title;
  if (r.git_branch !== null) e.br = r.git_branch;
  if (r.started_ms !== null) e.start = r.started_ms;
  if (r.ended_ms !== null) e.end = r.ended_ms;
  if (r.expires_ms !== null) e.exp = r.expires_ms;
  if (r.message_count !== null) e.msgs = r.message_count;
  return e;
}

/**
 * The manifest content from the index, and its digest (over everything but the sequence number
 * and time: equal digests mean nothing changed).
 */
export async function collectManifest(
  remote: RemoteIndex,
): Promise<{ content: Omit<ManifestPayload, "seq" | "created_at">; digest: string }> {
  const content = {
    v: 1 as const,
    kind: "lumera-memory/manifest" as const,
    memories: remote.manifestRows(MANIFEST_TEXT_CHARS).map(entryOf),
    tombstones: remote.tombstones().map((t) =>
      t.key_id === null
        ? { kind: t.kind, value: t.value }
        : { kind: t.kind, value: t.value, key_id: t.key_id }
    ),
    segments: remote.finalizedSegments().map((s) => {
      const out: ManifestSegment = { action_id: s.action_id, file_name: s.file_name };
      if (s.data_hash !== null) out.data_hash = s.data_hash;
      if (s.price_ulume !== null) out.price_ulume = s.price_ulume;
      if (s.bytes !== null) out.bytes = s.bytes;
      return out;
    }),
  };
  const digest = await sha256Hex(new TextEncoder().encode(JSON.stringify(content)));
  return { content, digest };
}

/** The opaque file name every manifest sealed under `ring` carries. */
export async function manifestFileName(ring: KeyRing): Promise<string> {
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      ring.remoteNameKey,
      new TextEncoder().encode("lumera-memory/v1/manifest") as BufferSource,
    ),
  );
  return bytesToHex(mac.subarray(0, 16));
}

/** Seals a manifest into its padded file. */
export async function buildManifestFile(
  ring: KeyRing,
  payload: ManifestPayload,
): Promise<Uint8Array> {
  const envelope = await seal(ring, new TextEncoder().encode(JSON.stringify(payload)));
  const total = bucketSize(HEADER + envelope.byteLength);
  const out = new Uint8Array(total);
  out.set(MANIFEST_MAGIC, 0);
  out[4] = MANIFEST_VERSION;
  new DataView(out.buffer).setUint32(8, envelope.byteLength);
  out.set(envelope, HEADER);
  fillRandom(out.subarray(HEADER + envelope.byteLength));
  return out;
}

function bad(what: string): LumeraError {
  return new LumeraError("INTEGRITY", `the manifest is invalid: ${what}`);
}

/**
 * Opens a manifest file with whichever key of the chain sealed it. Throws WRONG_KEY when no
 * loaded key did, INTEGRITY when it is damaged.
 */
export async function openManifestFile(
  keys: KeyChain,
  bytes: Uint8Array,
): Promise<ManifestPayload> {
  if (bytes.byteLength < HEADER) throw bad("too short");
  for (let i = 0; i < 4; i++) if (bytes[i] !== MANIFEST_MAGIC[i]) throw bad("bad magic");
  if (bytes[4] !== MANIFEST_VERSION) throw bad(`unknown version ${bytes[4]}`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8);
  if (HEADER + len > bytes.byteLength) throw bad("truncated");
  const envelope = bytes.subarray(HEADER, HEADER + len);
  const { keyIdHex } = readHeader(envelope, "manifest");
  const ring = await keys.ring(keyIdHex);
  if (ring === undefined) {
    throw new LumeraError(
      "WRONG_KEY",
      `the manifest was sealed with key ${keyIdHex}, which is not loaded`,
      {
        hint: "load the key this store was written with (LUMERA_MEMORY_KEY or its key file)",
      },
    );
  }
  const plain = await openEnvelope(ring, envelope, MAX_MANIFEST_PLAIN_BYTES, "manifest");
  let parsed: Partial<ManifestPayload>;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
  } catch {
    throw bad("not JSON");
  }
  if (
    parsed.v !== 1 || parsed.kind !== "lumera-memory/manifest" ||
    !Number.isSafeInteger(parsed.seq) || !Array.isArray(parsed.memories) ||
    !Array.isArray(parsed.tombstones) || !Array.isArray(parsed.segments)
  ) {
    throw bad("unknown content");
  }
  return parsed as ManifestPayload;
}
