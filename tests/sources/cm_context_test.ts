import assert from "node:assert/strict";
import { normalizeRecord } from "../../src/record/schema.ts";
import {
  cmContextToRecord,
  MAX_CM_TASK_CHARS,
  recordFromCmContext,
} from "../../src/sources/cm_context.ts";
import { noToolsEnv, rejectsWith, standinEnv, throwsWith } from "./_helpers.ts";

function envelope(data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    success: true,
    command: "context",
    timestamp: "2026-03-14T10:15:00.000Z",
    data,
    metadata: { executionMs: 8, version: "0.2.3" },
    ...extra,
  };
}

const DATA = {
  task: "Fix the login race in src/auth",
  relevantBullets: [
    {
      id: "b-1",
      category: "testing",
      content: "Write a failing test first",
      helpfulCount: 3,
      harmfulCount: 0,
      embedding: [0.25, 0.5],
      finalScore: 12.5,
    },
    "a plain string rule",
    { id: "b-empty", content: "   " },
  ],
  antiPatterns: [{ id: "b-2", content: "Do not add sleep() to fix races", kind: "anti_pattern" }],
  historySnippets: [
    {
      source_path: "/home/dev/.codex/sessions/2026/03/01/rollout-a.jsonl",
      line_number: 12,
      agent: "codex",
      snippet: "added a row lock\nin refreshSession",
      score: 0.9,
      created_at: "2026-03-01T08:00:00Z",
      origin: { kind: "local" },
    },
  ],
  deprecatedWarnings: ['Task matches deprecated pattern "sleep"'],
  suggestedCassQueries: ["login race", "refreshSession"],
};

Deno.test("cmContextToRecord builds a readable context record", () => {
  const r = cmContextToRecord(envelope(DATA), new Date("2000-01-01T00:00:00Z"), "/home/dev/shop");
  assert.equal(r.kind, "context");
  assert.equal(r.tool_name, "cm");
  assert.equal(r.session_id, "cm-context-fix-the-login-race-in-src-auth-20260314T101500Z");
  assert.equal(r.timestamp, "2026-03-14T10:15:00.000Z");
  assert.equal(r.summary, DATA.task);
  assert.equal(r.title, DATA.task);
  assert.deepEqual(r.tags, ["cm", "context"]);
  assert.deepEqual(r.source, { kind: "cm", ref: DATA.task });
  assert.equal(r.workspace, "/home/dev/shop");
  assert.equal(r.success, true);
  assert.equal(r.messages, undefined);
  const body = r.body ?? "";
  assert.match(body, /^Task: Fix the login race in src\/auth/);
  assert.match(
    body,
    /Relevant rules \(2\):\n- \[testing\] Write a failing test first \(id b-1; helpful 3, harmful 0\)\n- a plain string rule/,
  );
  assert.match(body, /Anti-patterns \(1\):\n- Do not add sleep\(\) to fix races \(id b-2\)/);
  assert.match(
    body,
    /History \(1\):\n- codex · \/home\/dev\/\.codex\/sessions\/2026\/03\/01\/rollout-a\.jsonl:12 \(2026-03-01T08:00:00\.000Z\)\n {2}added a row lock in refreshSession/,
  );
  assert.match(body, /Deprecated warnings \(1\)/);
  assert.match(body, /Suggested cass queries \(2\):\n- login race\n- refreshSession/);
  // Only readable fields: no embeddings or scores.
  assert.doesNotMatch(body, /0\.25|12\.5|embedding|finalScore/);
  // Already canonical.
  assert.deepEqual(normalizeRecord(r), r);
});

Deno.test("cmContextToRecord is deterministic and falls back to `now` without a timestamp", () => {
  const a = cmContextToRecord(envelope(DATA));
  const b = cmContextToRecord(envelope(DATA));
  assert.equal(a.session_id, b.session_id);
  const now = new Date("2026-01-02T03:04:05.678Z");
  const r = cmContextToRecord({ success: true, data: { task: "Ünïcödé only ✓" } }, now);
  assert.equal(r.timestamp, "2026-01-02T03:04:05.678Z");
  assert.equal(r.session_id, "cm-context-unicode-only-20260102T030405Z");
  assert.match(r.body ?? "", /Relevant rules: none\n\nAnti-patterns: none\n\nHistory: none/);
  const emoji = cmContextToRecord({ success: true, data: { task: "✓✓✓" } }, now);
  assert.equal(emoji.session_id, "cm-context-task-20260102T030405Z");
});

Deno.test("cmContextToRecord: success:false → SOURCE_FAILED with cm's message", () => {
  const err = throwsWith(
    () =>
      cmContextToRecord({
        success: false,
        command: "context",
        error: {
          message: "cass is not installed",
          code: "CASS_NOT_FOUND",
          exitCode: 6,
          hint: "install cass",
        },
      }),
    "SOURCE_FAILED",
  );
  assert.match(err.message, /cass is not installed/);
  assert.equal(err.hint, "install cass");
});

Deno.test("cmContextToRecord: unexpected shapes → SOURCE_FAILED", () => {
  for (
    const bad of [
      null,
      [],
      "text",
      { success: "yes", data: DATA },
      { success: true },
      { success: true, data: { task: "" } },
      { success: true, data: { task: 7 } },
      envelope({ ...DATA, historySnippets: { not: "an array" } }),
    ]
  ) {
    throwsWith(() => cmContextToRecord(bad), "SOURCE_FAILED");
  }
});

Deno.test("recordFromCmContext runs `cm context <task> --json --workspace P`", async () => {
  const r = await recordFromCmContext("  speed up the flaky pytest suite ", {
    workspace: "/home/dev/reporting",
    env: standinEnv(),
  });
  assert.equal(r.summary, "speed up the flaky pytest suite");
  assert.equal(r.workspace, "/home/dev/reporting");
  assert.equal(r.timestamp, "2026-03-14T10:15:00.000Z");
  assert.equal(r.session_id, "cm-context-speed-up-the-flaky-pytest-suite-20260314T101500Z");
  const body = r.body ?? "";
  // The stand-in echoes the workspace into a rule, proving --workspace was passed.
  assert.match(
    body,
    /reproduces it in \/home\/dev\/reporting \(id b-standin-01; helpful 5, harmful 0\)/,
  );
  assert.match(body, /claude-code · \/home\/dev\/\.claude\/projects\/demo\/session-1\.jsonl:42/);
  assert.doesNotMatch(body, /0\.44|matched keywords/);
});

Deno.test("recordFromCmContext maps cm failures", async () => {
  const env = standinEnv();
  const hard = await rejectsWith(recordFromCmContext("fail-please", { env }), "SOURCE_FAILED");
  assert.match(hard.message, /Playbook could not be loaded/);
  const soft = await rejectsWith(recordFromCmContext("soft-fail-please", { env }), "SOURCE_FAILED");
  assert.match(soft.message, /cass search failed/);
  const toon = await rejectsWith(recordFromCmContext("garbage-please", { env }), "SOURCE_FAILED");
  assert.match(toon.message, /did not print JSON/);
  assert.match(toon.hint ?? "", /CM_OUTPUT_FORMAT/);
  const shape = await rejectsWith(
    recordFromCmContext("bad-shape-please", { env }),
    "SOURCE_FAILED",
  );
  assert.match(shape.message, /relevantBullets/);
  await rejectsWith(
    recordFromCmContext("sleep-please", { env, timeoutMs: 200 }),
    "SOURCE_FAILED",
  );
});

Deno.test("recordFromCmContext validates the task and workspace before running cm", async () => {
  // With no cm on PATH, anything that reached the spawn would be SOURCE_UNAVAILABLE.
  const env = noToolsEnv();
  for (const task of ["", "   ", "-rf", "--json", "a\u0000b", "x".repeat(MAX_CM_TASK_CHARS + 1)]) {
    await rejectsWith(recordFromCmContext(task, { env }), "USAGE");
  }
  await rejectsWith(recordFromCmContext("ok", { env, workspace: "--evil" }), "USAGE");
  await rejectsWith(recordFromCmContext("ok", { env, workspace: " " }), "USAGE");
  const err = await rejectsWith(recordFromCmContext("ok", { env }), "SOURCE_UNAVAILABLE");
  assert.match(err.hint ?? "", /cass_memory_system/);
});
