import assert from "node:assert/strict";
import { jsonErrorOffset, parseRecordJson, readRecordFile } from "../../src/sources/record_file.ts";
import { fixture, rejectsWith, throwsWith } from "./_helpers.ts";

Deno.test("readRecordFile drops unknown fields (default-deny) and sets the file source", async () => {
  const record = await readRecordFile(fixture("records/extra-fields.json"));
  const json = JSON.stringify(record);
  for (
    const dropped of ["raw_transcript", "env", "SHELL", "uuid", "raw_input", "thinking", "host"]
  ) {
    assert.ok(!json.includes(dropped), `${dropped} leaked into the record`);
  }
  assert.deepEqual(record.source, { kind: "file", ref: "extra-fields.json" });
  assert.deepEqual(record.tags, ["orm", "upgrade"]);
  assert.equal(record.timestamp, "2026-03-01T11:00:00.000Z");
  assert.equal(record.success, false);
  assert.equal(record.messages?.length, 2);
  assert.deepEqual(Object.keys(record.messages![0]).sort(), ["role", "text", "timestamp"]);
  assert.deepEqual(record.messages![1].tool_calls, [
    { name: "Bash", input_summary: "npm test -- migrations" },
  ]);
});

Deno.test("malformed JSON → INVALID_RECORD with line and column, never the contents", async () => {
  const err = await rejectsWith(
    readRecordFile(fixture("records/malformed-record.txt")),
    "INVALID_RECORD",
  );
  assert.match(err.message, /malformed-record\.txt/);
  assert.match(err.message, /malformed JSON at line 6, column 3/);
  assert.doesNotMatch(err.message, /do-not-echo/);
  assert.doesNotMatch(err.hint ?? "", /do-not-echo/);
});

Deno.test("a truncated file → INVALID_RECORD naming the unexpected end", async () => {
  const err = await rejectsWith(
    readRecordFile(fixture("records/truncated-record.txt")),
    "INVALID_RECORD",
  );
  assert.match(err.message, /unexpected end of input at line 3/);
  assert.doesNotMatch(err.message, /cut off/);
});

Deno.test("a missing file → NOT_FOUND naming the path", async () => {
  const path = fixture("records/does-not-exist.json");
  const err = await rejectsWith(readRecordFile(path), "NOT_FOUND");
  assert.ok(err.message.includes(path));
});

Deno.test("a directory → INVALID_RECORD", async () => {
  const err = await rejectsWith(readRecordFile(fixture("records")), "INVALID_RECORD");
  assert.match(err.message, /is a directory/);
});

Deno.test("non-UTF-8 bytes → INVALID_RECORD", async () => {
  // latin1-record.bin holds JSON with a Latin-1 "é" byte (0xE9), which is not valid UTF-8.
  const err = await rejectsWith(
    readRecordFile(fixture("records/latin1-record.bin")),
    "INVALID_RECORD",
  );
  assert.match(err.message, /not valid UTF-8/);
});

Deno.test("parseRecordJson: stdin source, label in messages, BOM accepted", () => {
  const text = "\ufeff" + JSON.stringify({
    session_id: "s1",
    timestamp: "2026-03-01T12:00:00Z",
    tool_name: "codex",
    summary: "ok",
    source: { kind: "cm", ref: "claimed" },
  });
  const record = parseRecordJson(text, "stdin");
  assert.deepEqual(record.source, { kind: "stdin" });
  assert.equal(record.schema_version, 1);
  assert.equal(record.kind, "session");
  assert.equal(record.success, true);

  const err = throwsWith(() => parseRecordJson('{"session_id": 5}', "stdin"), "INVALID_RECORD");
  assert.match(err.message, /^stdin: record field session_id/);
  throwsWith(() => parseRecordJson("[1, 2]", "stdin"), "INVALID_RECORD");
  const empty = throwsWith(() => parseRecordJson("  ", "stdin"), "INVALID_RECORD");
  assert.match(empty.message, /empty/);
});

Deno.test("jsonErrorOffset agrees with JSON.parse", () => {
  const valid = [
    "{}",
    "[]",
    ' { "a" : [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {} } ',
    '"just a string"',
    "0",
  ];
  for (const t of valid) {
    JSON.parse(t);
    assert.equal(jsonErrorOffset(t), -1, t);
  }
  const invalid: [string, number][] = [
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ["[1, 2", 5],
    ['{"a": tru}', 6],
    ["01", 1],
    ['{"a": "\u0001"}', 7],
    ["{} x", 3],
    ['"bad \\q escape"', 5],
  ];
  for (const [t, at] of invalid) {
    assert.throws(() => JSON.parse(t));
    assert.equal(jsonErrorOffset(t), at, t);
  }
  // Deep nesting does not overflow the stack.
  assert.equal(jsonErrorOffset("[".repeat(200_000)), 200_000);
});
