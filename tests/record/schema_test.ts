import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";
import { canonicalJson, normalizeRecord, normalizeTags } from "../../src/record/schema.ts";

const minimal = {
  session_id: "abc",
  timestamp: "2026-11-20T10:00:00Z",
  tool_name: "claude-code",
  success: true,
  summary: "fixed it",
  tags: ["Auth", " bugfix ", "auth"],
};

Deno.test("the seed's seven fields normalize; unknown fields are dropped (default-deny)", () => {
  const r = normalizeRecord({
    ...minimal,
    schema_version: 1,
    env: { HOME: "/root" },
    raw: "anything",
    messages: [{
      role: "user",
      text: "hi",
      secret_field: "dropped",
      tool_calls: [{ name: "Bash", input_summary: "ls", raw_input: {} }],
    }],
  });
  assert.deepEqual(Object.keys(r).sort(), [
    "kind",
    "messages",
    "schema_version",
    "session_id",
    "success",
    "summary",
    "tags",
    "timestamp",
    "tool_name",
  ]);
  assert.deepEqual(r.tags, ["auth", "bugfix"]);
  assert.equal(r.timestamp, "2026-11-20T10:00:00.000Z");
  assert.deepEqual(r.messages, [{
    role: "user",
    text: "hi",
    tool_calls: [{ name: "Bash", input_summary: "ls" }],
  }]);
  assert.equal(r.kind, "session");
});

Deno.test("invalid records name the bad field", () => {
  const cases: [unknown, RegExp][] = [
    [null, /\(root\)/],
    [[], /\(root\)/],
    [{ ...minimal, session_id: undefined }, /session_id/],
    [{ ...minimal, timestamp: "yesterday" }, /timestamp/],
    [{ ...minimal, success: "yes" }, /success/],
    [{ ...minimal, tags: "auth" }, /tags/],
    [{ ...minimal, tags: [1] }, /tags\[0\]/],
    [{ ...minimal, schema_version: 2 }, /schema_version/],
    [{ ...minimal, messages: [{ role: "wizard", text: "x" }] }, /messages\[0\]\.role/],
    [{ ...minimal, kind: "blob" }, /kind/],
  ];
  for (const [input, field] of cases) {
    assert.throws(() => normalizeRecord(input), (e) => {
      assert.ok(e instanceof LumeraError);
      assert.equal(e.code, "INVALID_RECORD");
      assert.match(e.message, field);
      return true;
    });
  }
});

Deno.test("oversize records are refused with the documented limit", () => {
  const big = { ...minimal, body: "x".repeat(8 * 1024 * 1024) };
  assert.throws(
    () => normalizeRecord(big),
    (e) => e instanceof LumeraError && e.code === "TOO_LARGE" && /8 MiB/.test(e.message),
  );
  assert.throws(
    () => normalizeTags(Array.from({ length: 40 }, (_, i) => `t${i}`)),
    (e) => e instanceof LumeraError,
  );
});

Deno.test("canonical JSON is independent of key order", () => {
  const a = normalizeRecord(minimal);
  const b = normalizeRecord(Object.fromEntries(Object.entries(minimal).reverse()));
  assert.equal(canonicalJson(a), canonicalJson(b));
});
