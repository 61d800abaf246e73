import assert from "node:assert/strict";
import { normalizeRecord, searchableText } from "../../src/record/schema.ts";
import { scanRecord } from "../../src/scan/mod.ts";
import { exampleRecords } from "../../src/sources/examples.ts";

Deno.test("bundled examples: 4–6 canonical records across agents", () => {
  const records = exampleRecords();
  assert.ok(records.length >= 4 && records.length <= 6, `${records.length} examples`);
  for (const r of records) assert.deepEqual(normalizeRecord(r), r, r.session_id);
  assert.equal(new Set(records.map((r) => r.session_id)).size, records.length);
  const tools = new Set(records.map((r) => r.tool_name));
  for (const t of ["claude-code", "codex", "gemini", "cm", "mcp"]) assert.ok(tools.has(t), t);
  assert.ok(records.some((r) => r.kind === "note"));
  assert.ok(records.some((r) => r.kind === "context"));
  for (const r of records) assert.equal(r.source?.kind, "example");
  const login = records.find((r) => r.tool_name === "claude-code");
  assert.ok(login?.tags.includes("auth") && login.tags.includes("bugfix"));
  // Sessions are multi-message with tool calls.
  for (const r of records.filter((r) => r.kind === "session")) {
    assert.ok((r.messages?.length ?? 0) >= 6, r.session_id);
    assert.ok(r.messages?.some((m) => (m.tool_calls?.length ?? 0) > 0), r.session_id);
  }
});

Deno.test("bundled examples: each call returns fresh copies", () => {
  const a = exampleRecords();
  a[0].tags.push("mutated");
  assert.ok(!exampleRecords()[0].tags.includes("mutated"));
});

Deno.test("bundled examples contain nothing a secret scanner would flag", () => {
  for (const r of exampleRecords()) {
    const text = [JSON.stringify(r), searchableText(r)].join("\n");
    assert.doesNotMatch(text, /[\w.+-]+@[\w-]+\.[\w.-]+/, `${r.session_id}: email`);
    assert.doesNotMatch(text, /passw(or)?d\s*["']?\s*[:=]/i, `${r.session_id}: password`);
    assert.doesNotMatch(
      text,
      /(secret|token|api[_-]?key|auth[_-]?key)\s*["']?\s*[:=]/i,
      `${r.session_id}: credential assignment`,
    );
    assert.doesNotMatch(text, /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, `${r.session_id}: URL`);
    assert.doesNotMatch(text, /bearer\s+\S{8,}/i, `${r.session_id}: bearer`);
    assert.doesNotMatch(text, /[A-Za-z0-9]{24,}/, `${r.session_id}: long random-looking string`);
    assert.doesNotMatch(text, /\d(?:[ -]?\d){12,18}/, `${r.session_id}: card-like digits`);
    assert.deepEqual(scanRecord(r), [], `${r.session_id}: the project's scanner flags it`);
  }
});
