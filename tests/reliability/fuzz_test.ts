/**
 * Property-based fuzzing (fast-check) of the parsers that take untrusted input, in process:
 * pointers, sealed envelopes, record JSON, `cass export` transcripts and key files. Each must
 * either succeed on valid input or throw a typed {@link LumeraError} with an expected code —
 * never another exception, never a stack trace or a secret in the message.
 *
 * Sized for CI (a few seconds); `LUMERA_RELIABILITY_FULL=1` (`deno task test-reliability-full`)
 * runs ten times as many cases.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesToHex } from "../../src/crypto/hex.ts";
import { HEADER_BYTES, open, seal } from "../../src/crypto/envelope.ts";
import { deriveKeyRing, type KeyRing } from "../../src/crypto/keys.ts";
import { type ErrorCode, LumeraError } from "../../src/errors.ts";
import { MAX_RECORD_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from "../../src/record/limits.ts";
import { canonicalJson, normalizeRecord } from "../../src/record/schema.ts";
import { openMemoryService } from "../../src/service/memory_service.ts";
import { cassExportToRecord } from "../../src/sources/cass_export.ts";
import { parsePointer } from "../../src/store/pointer.ts";
import { FULL, STACK_TRACE } from "./_helpers.ts";

const RUNS = FULL ? 20_000 : 1_000;
const FIXTURES = new URL("../fixtures/", import.meta.url);

/** Asserts `err` is a LumeraError with one of `codes` and a clean message. */
function assertTyped(err: unknown, codes: readonly ErrorCode[], what: string): void {
  if (!(err instanceof LumeraError)) {
    const name = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    assert.fail(`${what}: threw a non-LumeraError: ${name.slice(0, 300)}`);
  }
  assert.ok(codes.includes(err.code), `${what}: unexpected code ${err.code}: ${err.message}`);
  assert.ok(!STACK_TRACE.test(err.message), `${what}: stack trace in the message`);
  assert.ok(err.message.length <= 4096, `${what}: message of ${err.message.length} characters`);
}

function syncOutcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; err: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, err };
  }
}

async function asyncOutcome<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; err: unknown }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, err };
  }
}

// ---------------------------------------------------------------------------------------------
// Pointers

const HEX = "0123456789abcdef";
const validHex = fc.string({ unit: fc.constantFrom(...HEX), minLength: 64, maxLength: 64 });

/** A valid pointer with one small edit: the shapes attackers and typos produce. */
const mutatedPointer = fc.tuple(validHex, fc.nat(200), fc.integer({ min: 0, max: 9 }), fc.string())
  .map(([hex, pos, kind, s]) => {
    const p = `cascade://${hex}`;
    const i = pos % (p.length + 1);
    switch (kind) {
      case 0:
        return p.slice(0, i) + s + p.slice(i); // insertion
      case 1:
        return p.slice(0, i) + p.slice(i + 1); // deletion
      case 2:
        return p.toUpperCase();
      case 3:
        return `cascade://../${hex.slice(3)}`;
      case 4:
        return `cascade://${encodeURIComponent("../" + hex.slice(0, 61))}`;
      case 5:
        return ` ${p}\n`;
      case 6:
        return `${p}/../../etc/passwd`;
      case 7:
        return p.replace("cascade://", "file:///");
      case 8:
        return `cascade://${hex.slice(0, 63)}\u0000`;
      default:
        return p + s;
    }
  });

Deno.test("fuzz: parsePointer accepts exactly cascade://<64 lowercase hex>, else INVALID_POINTER", () => {
  const exact = /^cascade:\/\/[0-9a-f]{64}$/;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.anything(),
        fc.string(),
        fc.string({ unit: "binary" }),
        fc.string({ maxLength: 10_000 }),
        mutatedPointer,
        validHex.map((h) => `cascade://${h}`),
      ),
      (input) => {
        const r = syncOutcome(() => parsePointer(input));
        if (r.ok) {
          assert.ok(typeof input === "string" && exact.test(input), "accepted an invalid pointer");
          assert.equal(`cascade://${r.value}`, input);
          return;
        }
        assert.ok(!(typeof input === "string" && exact.test(input)), "refused a valid pointer");
        assertTyped(r.err, ["INVALID_POINTER"], "parsePointer");
        const msg = (r.err as LumeraError).message;
        // deno-lint-ignore no-control-regex -- control characters must not reach a terminal
        assert.ok(!/[\u0000-\u001f\u007f]/.test(msg), "control character echoed in the message");
        assert.ok(msg.length <= 200, "long input echoed in full");
      },
    ),
    { numRuns: RUNS * 2 },
  );
});

// ---------------------------------------------------------------------------------------------
// Envelopes

async function keyRing(): Promise<KeyRing> {
  return await deriveKeyRing(crypto.getRandomValues(new Uint8Array(32)));
}

const ENVELOPE_CODES: readonly ErrorCode[] = ["INTEGRITY", "WRONG_KEY", "TOO_LARGE"];

/** A mutation of an envelope: bit flips, byte sets, truncation, extension, splices. */
const envelopeMutation = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
    fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
    fc.record({
      op: fc.constant("append" as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
    fc.record({
      op: fc.constant("header" as const),
      at: fc.nat(HEADER_BYTES - 1),
      value: fc.nat(255),
    }),
  ),
  { minLength: 1, maxLength: 6 },
);

function mutate(
  original: Uint8Array,
  ops: { op: string; at?: number; bit?: number; value?: number; bytes?: Uint8Array }[],
): Uint8Array {
  let b = original.slice();
  for (const o of ops) {
    if (b.length === 0) break;
    const at = (o.at ?? 0) % b.length;
    if (o.op === "flip") b[at] ^= 1 << (o.bit ?? 0);
    else if (o.op === "set" || o.op === "header") b[at] = o.value ?? 0;
    else if (o.op === "truncate") b = b.slice(0, at);
    else if (o.op === "append" && o.bytes) {
      const c = new Uint8Array(b.length + o.bytes.length);
      c.set(b);
      c.set(o.bytes, b.length);
      b = c;
    }
  }
  return b;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

Deno.test("fuzz: mutated sealed envelopes open only unchanged; else INTEGRITY/WRONG_KEY/TOO_LARGE", async () => {
  const keys = await keyRing();
  const other = await keyRing();
  const plaintext = new TextEncoder().encode(
    canonicalJson({ note: "the refresh handler races the login; lock the session row", n: 42 }),
  );
  const compressed = await seal(keys, plaintext);
  const raw = await seal(keys, plaintext, { compress: false });
  await fc.assert(
    fc.asyncProperty(fc.boolean(), envelopeMutation, async (useRaw, ops) => {
      const original = useRaw ? raw : compressed;
      const bytes = mutate(original, ops);
      const r = await asyncOutcome(() => open(keys, bytes, MAX_RECORD_BYTES, "blob cascade://x"));
      if (r.ok) {
        assert.ok(sameBytes(bytes, original), "a modified envelope opened");
        assert.ok(sameBytes(r.value, plaintext));
      } else {
        assert.ok(!sameBytes(bytes, original), "an unmodified envelope failed to open");
        assertTyped(r.err, ENVELOPE_CODES, "open");
      }
      // The same bytes under another key never open, and say why in a typed way.
      const w = await asyncOutcome(() => open(other, bytes, MAX_RECORD_BYTES));
      assert.equal(w.ok, false, "opened under the wrong key");
      if (!w.ok) assertTyped(w.err, ENVELOPE_CODES, "open (other key)");
    }),
    { numRuns: RUNS },
  );
});

Deno.test("fuzz: random bytes and oversized plaintexts are typed envelope errors", async () => {
  const keys = await keyRing();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.boolean(), async (random, magic) => {
      const bytes = random.slice();
      if (magic && bytes.length >= 8) bytes.set([0x4c, 0x4d, 0x45, 0x4d, 1, 1, 1, 0], 0);
      if (magic && bytes.length >= 16) bytes.set(keys.keyId, 8); // the right key id, forged body
      const r = await asyncOutcome(() => open(keys, bytes, MAX_RECORD_BYTES));
      assert.equal(r.ok, false);
      if (!r.ok) assertTyped(r.err, ENVELOPE_CODES, "open(random)");
    }),
    { numRuns: RUNS },
  );
  // A genuine envelope whose plaintext inflates past the limit (a compression bomb) is TOO_LARGE.
  const bomb = await seal(keys, new Uint8Array(4 * 1024 * 1024));
  const r = await asyncOutcome(() => open(keys, bomb, 1024 * 1024));
  assert.equal(r.ok, false);
  if (!r.ok) assertTyped(r.err, ["TOO_LARGE"], "open(bomb)");
  const plain = await seal(keys, new Uint8Array(2048), { compress: false });
  const p = await asyncOutcome(() => open(keys, plain, 1024));
  assert.equal(p.ok, false);
  if (!p.ok) assertTyped(p.err, ["TOO_LARGE"], "open(uncompressed, over the limit)");
});

// ---------------------------------------------------------------------------------------------
// Record JSON

const RECORD_CODES: readonly ErrorCode[] = ["INVALID_RECORD", "TOO_LARGE"];

/** Any JSON-ish value, including the awkward ones. */
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(null, undefined, NaN, Infinity, -0, "", " ", "\u0000", [], {}, true, 0),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.date({ noInvalidDate: false }).map((
    d,
  ) => (Number.isNaN(d.getTime()) ? "not a date" : d.toISOString())),
);

const tag = fc.oneof(fc.string({ maxLength: 80 }), anyValue);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom("user", "assistant", "tool", "system"), anyValue),
    text: fc.oneof(fc.string({ maxLength: 200 }), anyValue),
    timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyValue),
    tool_calls: fc.oneof(
      fc.array(
        fc.record({ name: fc.oneof(fc.string(), anyValue), input_summary: anyValue }, {
          requiredKeys: [],
        }),
        { maxLength: 3 },
      ),
      anyValue,
    ),
    extra: anyValue,
  },
  { requiredKeys: [] },
);

/** Records that are mostly valid, with any field possibly wrong, missing or extra. */
const recordLike = fc.record(
  {
    schema_version: fc.oneof(fc.constant(1), anyValue),
    kind: fc.oneof(fc.constantFrom("session", "note", "context"), anyValue),
    session_id: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), anyValue),
    timestamp: fc.oneof(
      fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.integer(),
      anyValue,
    ),
    tool_name: fc.oneof(fc.constantFrom("claude-code", "codex", "mcp"), anyValue),
    success: fc.oneof(fc.boolean(), anyValue),
    summary: fc.oneof(fc.string({ maxLength: 200 }), anyValue),
    tags: fc.oneof(fc.array(tag, { maxLength: MAX_TAGS + 4 }), anyValue),
    title: anyValue,
    body: fc.oneof(fc.string({ maxLength: 500 }), anyValue),
    workspace: anyValue,
    messages: fc.oneof(fc.array(message, { maxLength: 4 }), anyValue),
    source: fc.oneof(
      fc.record({ kind: fc.constantFrom("file", "cm", "mcp", "x"), ref: anyValue }),
      anyValue,
    ),
    __proto__: anyValue,
    constructor: anyValue,
    api_key: anyValue,
  },
  { requiredKeys: [] },
);

const ALLOWED_KEYS = new Set([
  "schema_version",
  "kind",
  "session_id",
  "timestamp",
  "tool_name",
  "success",
  "summary",
  "tags",
  "title",
  "body",
  "workspace",
  "messages",
  "source",
]);

Deno.test("fuzz: normalizeRecord returns a canonical record or INVALID_RECORD/TOO_LARGE", () => {
  fc.assert(
    fc.property(fc.oneof(recordLike, anyValue, fc.json().map((j) => JSON.parse(j))), (input) => {
      const r = syncOutcome(() => normalizeRecord(input));
      if (!r.ok) {
        assertTyped(r.err, RECORD_CODES, "normalizeRecord");
        return;
      }
      const rec = r.value;
      for (const k of Object.keys(rec)) assert.ok(ALLOWED_KEYS.has(k), `field ${k} passed through`);
      assert.equal(rec.schema_version, 1);
      assert.ok(["session", "note", "context"].includes(rec.kind));
      assert.ok(!Number.isNaN(Date.parse(rec.timestamp)));
      assert.deepEqual(rec.tags, [...new Set(rec.tags)].sort(), "tags sorted and unique");
      for (const t of rec.tags) {
        assert.equal(t, t.trim().toLowerCase());
        assert.ok(t.length > 0 && t.length <= MAX_TAG_LENGTH);
      }
      assert.ok(rec.tags.length <= MAX_TAGS);
      // Normalizing is idempotent, and canonical JSON is stable.
      const again = normalizeRecord(JSON.parse(JSON.stringify(rec)));
      assert.deepEqual(again, rec);
      assert.equal(canonicalJson(again), canonicalJson(rec));
    }),
    { numRuns: RUNS * 2 },
  );
});

Deno.test("fuzz: oversized records are TOO_LARGE, not a crash", () => {
  const base = { session_id: "s", timestamp: "2026-01-01T00:00:00Z", tool_name: "t", summary: "x" };
  const body = "a".repeat(MAX_RECORD_BYTES + 1);
  const r = syncOutcome(() => normalizeRecord({ ...base, body }));
  assert.equal(r.ok, false);
  if (!r.ok) assertTyped(r.err, ["TOO_LARGE"], "normalizeRecord(9 MiB body)");
  const many = syncOutcome(() =>
    normalizeRecord({
      ...base,
      messages: Array.from({ length: 20_001 }, () => ({ role: "user", text: "" })),
    })
  );
  assert.equal(many.ok, false);
  if (!many.ok) assertTyped(many.err, ["TOO_LARGE"], "normalizeRecord(20,001 messages)");
  // Just under the limit in many fields: accepted or TOO_LARGE, never anything else.
  const split = syncOutcome(() =>
    normalizeRecord({
      ...base,
      messages: Array.from({ length: 9 }, () => ({ role: "user", text: "b".repeat(1024 * 1024) })),
    })
  );
  assert.equal(split.ok, false);
  if (!split.ok) assertTyped(split.err, ["TOO_LARGE"], "normalizeRecord(9 × 1 MiB messages)");
});

// ---------------------------------------------------------------------------------------------
// Transcripts (`cass export` output)

async function jsonl(name: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(new URL(`sessions/${name}`, FIXTURES));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** Replaces the value at a pseudo-random path inside `v` with `replacement`. */
function replaceAt(v: unknown, choice: number, replacement: unknown, depth = 0): unknown {
  if (depth > 6 || typeof v !== "object" || v === null) return replacement;
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  if (entries.length === 0 || choice % 5 === 0) return replacement;
  const [k, child] = entries[choice % entries.length];
  const copy = (Array.isArray(v) ? [...v] : { ...v }) as Record<string | number, unknown>;
  copy[k] = replaceAt(child, Math.floor(choice / 7) + depth, replacement, depth + 1);
  return copy;
}

const TRANSCRIPT_CODES: readonly ErrorCode[] = ["SOURCE_FAILED", "INVALID_RECORD", "TOO_LARGE"];

Deno.test("fuzz: mutated cass transcripts become a valid record or a typed source error", async () => {
  const claude = await jsonl("claude-code-login-race.jsonl");
  const codex = await jsonl("codex-rollout.jsonl");
  const edits = fc.array(
    fc.record({
      line: fc.nat(),
      choice: fc.nat(10_000),
      op: fc.constantFrom("replace", "drop", "dup", "swap-type"),
      value: fc.oneof(anyValue, fc.jsonValue({ maxDepth: 2 })),
    }),
    { maxLength: 8 },
  );
  fc.assert(
    fc.property(
      fc.constantFrom(claude, codex),
      edits,
      fc.oneof(fc.string({ maxLength: 60 }), fc.constant("/home/dev/.claude/projects/x/abc.jsonl")),
      (base, ops, path) => {
        let records: unknown[] = [...base];
        for (const o of ops) {
          if (records.length === 0) break;
          const i = o.line % records.length;
          if (o.op === "drop") records.splice(i, 1);
          else if (o.op === "dup") records.splice(i, 0, records[i]);
          else if (o.op === "swap-type") records[i] = o.value;
          else records[i] = replaceAt(records[i], o.choice, o.value);
        }
        if (ops.length > 0 && ops[0].choice % 11 === 0) records = records.slice().reverse();
        const r = syncOutcome(() => cassExportToRecord(records, path));
        if (r.ok) {
          assert.deepEqual(normalizeRecord(r.value), r.value, "the result is a canonical record");
        } else {
          assertTyped(r.err, TRANSCRIPT_CODES, "cassExportToRecord");
        }
      },
    ),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.oneof(anyValue, fc.array(anyValue, { maxLength: 6 })), (exported) => {
      const r = syncOutcome(() => cassExportToRecord(exported, "session.jsonl"));
      if (!r.ok) assertTyped(r.err, TRANSCRIPT_CODES, "cassExportToRecord(any)");
    }),
    { numRuns: RUNS },
  );
});

// ---------------------------------------------------------------------------------------------
// Key files (configuration read from the data home)

const KEY_CODES: readonly ErrorCode[] = ["KEY_INVALID", "KEY_MISSING", "WRONG_KEY", "USAGE"];

Deno.test("fuzz: a mangled key file in the home is a typed key error, never a crash or a hang", async () => {
  const home = await Deno.makeTempDir({ prefix: "lumera-fuzz-key-" });
  try {
    const master = crypto.getRandomValues(new Uint8Array(32));
    const keys = await deriveKeyRing(master);
    const valid = {
      format: "lumera-memory-key",
      version: 1,
      key_id: keys.keyIdHex,
      created_at: "2026-11-01T00:00:00.000Z",
      wrapping: "none",
      key: bytesToHex(master),
    };
    const hostileKdf = fc.record({
      memory: fc.oneof(fc.integer(), fc.constant(2 ** 40), fc.constant(-1), anyValue),
      iterations: fc.oneof(fc.integer(), fc.constant(1e9), anyValue),
      parallelism: fc.oneof(fc.integer(), fc.constant(1 << 24), anyValue),
      salt: anyValue,
    }, { requiredKeys: [] });
    const content = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json().map((j) => j),
      fc.tuple(fc.nat(10_000), anyValue).map(([c, v]) => JSON.stringify(replaceAt(valid, c, v))),
      fc.tuple(hostileKdf, anyValue).map(([kdf, wrapped]) =>
        JSON.stringify({
          ...valid,
          version: 2,
          wrapping: "argon2id",
          key: undefined,
          kdf,
          wrapped_key: wrapped,
        })
      ),
    );
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        await Deno.remove(`${home}/key.json`).catch(() => {});
        await Deno.remove(`${home}/keys`, { recursive: true }).catch(() => {});
        await Deno.writeTextFile(`${home}/key.json`, text, { mode: 0o600 });
        const started = performance.now();
        const r = await asyncOutcome(() => openMemoryService({ home, env: () => undefined }));
        assert.ok(performance.now() - started < 5_000, "loading a key file took over 5 s");
        if (r.ok) {
          r.value.close();
          return;
        }
        assertTyped(r.err, KEY_CODES, "open with a mangled key file");
        assert.ok(!(r.err as LumeraError).message.includes(valid.key), "key material in a message");
      }),
      { numRuns: FULL ? 1_000 : 100 },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
