import assert from "node:assert/strict";
import { normalizeRecord } from "../../src/record/schema.ts";
import {
  cassExportToRecord,
  MAX_TOOL_INPUT_SUMMARY,
  MAX_TOOL_RESULT_CHARS,
  recordFromCassExport,
  summarizeToolInput,
} from "../../src/sources/cass_export.ts";
import {
  fixture,
  jsonlFixture,
  noToolsEnv,
  rejectsWith,
  standinEnv,
  throwsWith,
} from "./_helpers.ts";

const CLAUDE = fixture("sessions/claude-code-login-race.jsonl");
const CODEX = fixture("sessions/codex-rollout.jsonl");

Deno.test("Claude Code transcript via `cass export`: session facts", async () => {
  const r = await recordFromCassExport(CLAUDE, { env: standinEnv() });
  assert.equal(r.kind, "session");
  assert.equal(r.tool_name, "claude-code");
  assert.equal(r.session_id, "5f0c2d1e-8a4b-4c3e-9d7f-1b2a3c4d5e6f");
  assert.equal(r.timestamp, "2026-03-02T09:13:58.120Z"); // first record with a time
  assert.equal(r.workspace, "/home/dev/projects/shop-web");
  assert.equal(r.success, true);
  assert.deepEqual(r.tags, ["cass", "claude-code"]);
  assert.deepEqual(r.source, { kind: "cass", ref: CLAUDE });
  // The first real prompt, not the meta caveat or the /clear command.
  assert.match(r.title ?? "", /^Users are sometimes logged out right after they sign in/);
  // The summary whose leafUuid is in this file wins over an unrelated one listed first.
  assert.equal(r.summary, "Fix login race when two tabs refresh the session");
  assert.deepEqual(normalizeRecord(r), r);
});

Deno.test("Claude Code transcript: messages, tool calls, results", async () => {
  const r = cassExportToRecord(await jsonlFixture("sessions/claude-code-login-race.jsonl"), CLAUDE);
  const msgs = r.messages ?? [];
  assert.deepEqual(
    msgs.map((m) => m.role),
    [
      "user", // /clear command (kept, not the title)
      "user",
      "assistant", // msg_01…0001: thinking + text + tool_use records merged
      "tool",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
    ],
  );
  const merged = msgs[2];
  assert.match(merged.text, /^I'll start with how sessions are refreshed/);
  assert.equal(merged.timestamp, "2026-03-02T09:14:09.001Z");
  assert.deepEqual(merged.tool_calls?.map((c) => c.name), ["Grep"]);
  assert.match(merged.tool_calls?.[0].input_summary ?? "", /"pattern":"refreshSession"/);
  assert.equal(msgs[4].text, "");
  assert.deepEqual(msgs[4].tool_calls?.map((c) => c.name), ["Read"]);
  assert.deepEqual(msgs[6].tool_calls, [
    { name: "Bash", input_summary: "npx vitest run src/auth/session.race.test.ts" },
  ]);
  assert.match(msgs[7].text, /^\[error\] Exit code 1/);
  assert.match(msgs[5].text, /42\texport async function refreshSession/); // [{type:text}] result
  const all = JSON.stringify(r);
  // Thinking, sidechain, system and meta records, signatures and usage are all dropped.
  for (
    const gone of [
      "smells like",
      "sig-placeholder",
      "other callers of revokeSession",
      "PostToolUse",
      "Caveat:",
      "cache_read_input_tokens",
      "toolUseResult",
      "structuredPatch",
      "claude-sonnet",
      "fix/login-race",
    ]
  ) {
    assert.ok(!all.includes(gone), `${gone} leaked into the record`);
  }
});

Deno.test("Codex rollout via `cass export`", async () => {
  const r = await recordFromCassExport(CODEX, { env: standinEnv() });
  assert.equal(r.tool_name, "codex");
  assert.equal(r.session_id, "0199a6c2-7b3e-7d10-9f4e-2c1b0a9d8e7f");
  assert.equal(r.timestamp, "2026-03-05T15:40:02.113Z");
  assert.equal(r.workspace, "/home/dev/projects/reporting-service");
  assert.deepEqual(r.tags, ["cass", "codex"]);
  const prompt =
    "test_export_report fails about one run in five on CI but never locally. Make it deterministic.";
  assert.equal(r.title, prompt);
  assert.equal(r.summary, prompt); // no summary record in Codex rollouts
  const msgs = r.messages ?? [];
  assert.deepEqual(msgs.map((m) => m.role), [
    "user",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
  ]);
  // event_msg duplicates are not added next to the response items.
  assert.equal(msgs.filter((m) => m.text === prompt).length, 1);
  assert.equal(msgs.filter((m) => m.text.startsWith("Two causes")).length, 1);
  assert.deepEqual(msgs[1].tool_calls, [
    { name: "shell", input_summary: 'rg -n "export_report|/tmp/reports" tests src' },
  ]);
  assert.match(msgs[2].text, /^tests\/test_export\.py:12:REPORT_DIR/); // {output, metadata} unwrapped
  assert.match(msgs[4].text, /^\[exit 1\] \.\.\.\.F/);
  assert.match(msgs[5].text, /^Two causes/);
  assert.equal(msgs[5].tool_calls?.[0].name, "apply_patch");
  assert.match(msgs[5].tool_calls?.[0].input_summary ?? "", /^\*\*\* Begin Patch/);
  assert.match(msgs[8].text, /^Exit code: 0/); // plain-string output kept as is
  const all = JSON.stringify(r);
  for (
    const gone of [
      "environment_context",
      "permissions instructions",
      "Searching for shared temp paths",
      "opaque-reasoning",
      "total_token_usage",
      "gpt-5-codex",
      "repository_url",
    ]
  ) {
    assert.ok(!all.includes(gone), `${gone} leaked into the record`);
  }
});

Deno.test("tool results are truncated to the documented bound and marked", () => {
  const long = "y".repeat(MAX_TOOL_RESULT_CHARS * 3);
  const r = cassExportToRecord([
    {
      type: "user",
      sessionId: "s",
      timestamp: "2026-03-01T00:00:00Z",
      message: { role: "user", content: "go" },
    },
    {
      type: "assistant",
      timestamp: "2026-03-01T00:00:01Z",
      message: {
        id: "m1",
        role: "assistant",
        content: [{
          type: "tool_use",
          id: "t1",
          name: "Bash",
          input: { command: "z".repeat(2000) },
        }],
      },
    },
    {
      type: "user",
      timestamp: "2026-03-01T00:00:02Z",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "t1", content: long }],
      },
    },
  ], "/tmp/s.jsonl");
  const [, call, result] = r.messages ?? [];
  assert.ok((call.tool_calls?.[0].input_summary ?? "").length <= MAX_TOOL_INPUT_SUMMARY);
  assert.ok(result.text.startsWith("y".repeat(MAX_TOOL_RESULT_CHARS) + "\n…[truncated: kept 4000"));
  assert.match(result.text, /kept 4000 of 12000 characters\]$/);
});

Deno.test("summarizeToolInput is bounded and readable", () => {
  assert.equal(summarizeToolInput({ command: "ls -la\n  src" }), "ls -la src");
  assert.equal(summarizeToolInput({ command: ["bash", "-lc", "pytest -q"] }), "pytest -q");
  assert.equal(summarizeToolInput({ command: ["git", "status"] }), "git status");
  assert.equal(summarizeToolInput({}), undefined);
  assert.equal(summarizeToolInput(null), undefined);
  const big = summarizeToolInput({ file_path: "a.ts", content: "q".repeat(10_000) }) ?? "";
  assert.ok(big.length <= MAX_TOOL_INPUT_SUMMARY);
  assert.match(big, /^\{"file_path":"a\.ts","content":"q+…"\}$/); // long values cut to 120
  const deep = summarizeToolInput({ todos: Array.from({ length: 500 }, (_, i) => ({ i })) }) ?? "";
  assert.equal(deep.length, MAX_TOOL_INPUT_SUMMARY);
  assert.ok(deep.endsWith("…"));
});

Deno.test("older Codex rollouts with only event messages still import", () => {
  const r = cassExportToRecord([
    {
      timestamp: "2026-02-01T10:00:00Z",
      type: "session_meta",
      payload: { id: "old-1", cwd: "/w" },
    },
    {
      timestamp: "2026-02-01T10:00:05Z",
      type: "event_msg",
      payload: { type: "user_message", message: "rename the module" },
    },
    {
      timestamp: "2026-02-01T10:00:09Z",
      type: "event_msg",
      payload: { type: "agent_message", message: "Renamed." },
    },
    { timestamp: "2026-02-01T10:00:09Z", type: "event_msg", payload: { type: "token_count" } },
  ], "/tmp/rollout-old.jsonl");
  assert.equal(r.session_id, "old-1");
  assert.equal(r.title, "rename the module");
  assert.deepEqual(r.messages?.map((m) => [m.role, m.text]), [
    ["user", "rename the module"],
    ["assistant", "Renamed."],
  ]);
});

Deno.test("unknown formats: generic {role, content} records, else SOURCE_FAILED", () => {
  const r = cassExportToRecord([
    42,
    null,
    "junk",
    { role: "user", content: "hello there", timestamp: 1772000000000 },
    { role: "assistant", content: [{ type: "text", text: "hi" }] },
    { role: "narrator", content: "ignored" },
  ], "/data/other-agent/session-77.jsonl");
  assert.equal(r.tool_name, "unknown");
  assert.equal(r.session_id, "session-77"); // file name fallback
  assert.equal(r.timestamp, new Date(1772000000000).toISOString());
  assert.deepEqual(r.tags, ["cass", "unknown"]);
  assert.equal(r.messages?.length, 2);

  throwsWith(() => cassExportToRecord([{ foo: 1 }], "/x.jsonl"), "SOURCE_FAILED");
  throwsWith(() => cassExportToRecord([], "/x.jsonl"), "SOURCE_FAILED");
  throwsWith(() => cassExportToRecord({ sessions: [] }, "/x.jsonl"), "SOURCE_FAILED");
  throwsWith(
    () => cassExportToRecord([{ role: "user", content: "no time anywhere" }], "/x.jsonl"),
    "SOURCE_FAILED",
  );
});

Deno.test("recordFromCassExport: missing file, bad paths, cass not installed", async () => {
  const missing = await rejectsWith(
    recordFromCassExport(fixture("sessions/nope.jsonl"), { env: standinEnv() }),
    "SOURCE_FAILED",
  );
  assert.match(missing.message, /session file not found/);
  const env = noToolsEnv();
  for (const bad of ["", "  ", "-rf", "--format", "a\u0000b", "a\nb"]) {
    await rejectsWith(recordFromCassExport(bad, { env }), "USAGE");
  }
  const err = await rejectsWith(recordFromCassExport(CLAUDE, { env }), "SOURCE_UNAVAILABLE");
  assert.match(err.hint ?? "", /coding_agent_session_search/);
});
