import assert from "node:assert/strict";
import { canonicalJson, type MemoryRecord, normalizeRecord } from "../../../src/record/schema.ts";
import {
  agentOfPath,
  emptyTranscriptStats,
  readTranscript,
  type TranscriptOptions,
} from "../../../src/sources/agents/transcript.ts";
import { MAX_TOOL_RESULT_CHARS } from "../../../src/sources/agents/mapping.ts";
import { rejectsWith } from "../_helpers.ts";

/** tests/fixtures/agents, absolute. */
const AGENTS = new URL("../../fixtures/agents/", import.meta.url).pathname;
const CLAUDE =
  `${AGENTS}claude/projects/-home-dev-projects-ledger/7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c.jsonl`;
const CLAUDE_SECRET =
  `${AGENTS}claude/projects/-home-dev-projects-billing-api/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a.jsonl`;
const CLAUDE_HUGE =
  `${AGENTS}claude/projects/-home-dev-projects-logs/3e3e3e3e-1111-4222-8333-444455556666.jsonl`;
const CODEX =
  `${AGENTS}codex/sessions/2026/04/13/rollout-2026-04-13T10-00-00-0199b7d3-8c4f-7e21-a05f-3d2c1b0a9f8e.jsonl`;
const CODEX_OLD =
  `${AGENTS}codex/sessions/2025/09/01/rollout-2025-09-01T07-00-00-0188a0b1-0000-7000-8000-00000000beef.jsonl`;
const GEMINI = `${AGENTS}gemini/.gemini/tmp/maps-ui/chats/session-2026-04-14T16-00-5a6b7c8d.jsonl`;
const GEMINI_HASH = "b8cecec468704102f031d47360e0b49a17d5f2a066fd12d52747ab0f0a9ec84a";
const GEMINI_OLD =
  `${AGENTS}gemini/.gemini/tmp/${GEMINI_HASH}/chats/session-2025-11-02T12-00-e1f2a3b4.json`;

async function read(path: string, options: TranscriptOptions = {}) {
  const stats = options.stats ?? emptyTranscriptStats();
  const records = await Array.fromAsync(readTranscript(path, { ...options, stats }));
  return { records, stats };
}

function roles(r: MemoryRecord): string[] {
  return (r.messages ?? []).map((m) => m.role);
}

Deno.test("Claude Code: session facts, branch, model, usage, counts; damage is tolerated", async () => {
  const { records, stats } = await read(CLAUDE);
  assert.equal(records.length, 1);
  const r = records[0];
  assert.equal(stats.agent, "claude-code");
  assert.equal(stats.malformed, 1);
  assert.equal(stats.torn, true);
  assert.equal(r.tool_name, "claude-code");
  assert.equal(r.session_id, "7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c");
  assert.equal(r.workspace, "/home/dev/projects/ledger");
  assert.equal(r.git_branch, "feat/export-csv");
  assert.equal(r.model, "claude-sonnet-4-5-20250929");
  assert.equal(r.summary, "Add CSV export to the ledger report"); // its own leafUuid
  assert.match(r.title ?? "", /^Add a CSV export to the monthly ledger report/);
  assert.equal(r.started_at, "2026-04-10T08:00:05.000Z");
  assert.equal(r.ended_at, "2026-04-10T08:02:40.000Z");
  assert.deepEqual(r.tags, ["claude-code"]);
  assert.deepEqual(r.source, {
    kind: "transcript",
    ref: "7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c.jsonl",
  });
  assert.equal(r.part, undefined);
  // Usage is counted once per API message although each split record repeats it.
  assert.deepEqual(r.usage, {
    input_tokens: 6000,
    output_tokens: 750,
    cache_read_tokens: 45000,
    cache_creation_tokens: 1500,
  });
  assert.deepEqual(r.counts, {
    messages: 11,
    user: 1,
    assistant: 5,
    tool_results: 4,
    tool_calls: 4,
  });
  assert.deepEqual(roles(r), [
    "user",
    "assistant", // thinking + text + tool_use records of msg_ledger_01 merged
    "tool",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "system", // the /compact summary
    "assistant",
  ]);
  const m = r.messages ?? [];
  assert.equal(m[1].text, "I'll look at how the report rows are built first.");
  assert.deepEqual(m[1].tool_calls?.map((c) => c.name), ["Grep"]);
  assert.match(m[6].text, /^\[error\] FAIL/);
  // Unicode survives untouched.
  assert.match(m[0].text, /1 234,56 € .*日本語の列名.*émojis 🧾/);
  assert.match(m[7].text, /« 1 234,56 ».*日付 and 金額/);
  const all = JSON.stringify(r);
  for (
    const gone of ["sig-not-real", "exporter should reuse", "Find every caller", "PostToolUse"]
  ) {
    assert.ok(!all.includes(gone), `${gone} leaked into the record`);
  }
  assert.deepEqual(normalizeRecord(r), r);
});

Deno.test("Claude Code: a secret in a tool result is carried to the record (the store refuses it)", async () => {
  const { records } = await read(CLAUDE_SECRET);
  assert.match(records[0].messages?.[2].text ?? "", /AWS_SECRET_ACCESS_KEY=/);
});

Deno.test("a huge line is skipped when over the bound, read when under it", async () => {
  const small = await read(CLAUDE_HUGE, { maxLineBytes: 64 * 1024 });
  assert.equal(small.stats.oversized, 1);
  assert.deepEqual(roles(small.records[0]), ["user", "assistant", "assistant"]);
  const whole = await read(CLAUDE_HUGE);
  assert.equal(whole.stats.oversized, 0);
  const result = whole.records[0].messages?.[2].text ?? "";
  assert.ok(result.startsWith("0123456789abcdef"));
  assert.match(result, new RegExp(`kept ${MAX_TOOL_RESULT_CHARS} of 307200 characters\\]$`));
  assert.equal(whole.records[0].git_branch, undefined); // "" is no branch
});

Deno.test("Codex: branch, model, running token totals, tool calls; event duplicates dropped", async () => {
  const { records, stats } = await read(CODEX);
  const r = records[0];
  assert.equal(stats.agent, "codex");
  assert.equal(stats.malformed, 1);
  assert.equal(r.session_id, "0199b7d3-8c4f-7e21-a05f-3d2c1b0a9f8e");
  assert.equal(r.workspace, "/home/dev/projects/geo-service");
  assert.equal(r.git_branch, "fix/tz-offsets");
  assert.equal(r.model, "gpt-5-codex");
  assert.match(r.title ?? "", /^Timestamps near the DST switch come out one hour off in Zürich/);
  assert.deepEqual(r.usage, {
    input_tokens: 9800,
    output_tokens: 620,
    cache_read_tokens: 8000,
    reasoning_tokens: 200,
  });
  assert.deepEqual(roles(r), [
    "user",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
  ]);
  const m = r.messages ?? [];
  assert.deepEqual(m[1].tool_calls, [{
    name: "shell",
    input_summary: 'rg -n "def parse_local" geo',
  }]);
  assert.equal(m[3].tool_calls?.[0].name, "apply_patch");
  assert.equal(m.filter((x) => x.text.startsWith("Fixed: times in the DST gap")).length, 1);
  const all = JSON.stringify(r);
  for (
    const gone of [
      "environment_context",
      "permissions instructions",
      "opaque-not-real",
      "Looking at tz",
    ]
  ) {
    assert.ok(!all.includes(gone), `${gone} leaked`);
  }
});

Deno.test("Codex: older rollouts with only event messages", async () => {
  const { records } = await read(CODEX_OLD);
  assert.equal(records[0].git_branch, "main");
  assert.deepEqual(records[0].messages?.map((m) => [m.role, m.text]), [
    ["user", "rename the config module to settings"],
    ["assistant", "Renamed config.py to settings.py and updated 4 imports."],
  ]);
});

Deno.test("Gemini JSONL: updates by id, $set, $rewindTo, tool results, workspace from .project_root", async () => {
  const { records, stats } = await read(GEMINI);
  const r = records[0];
  assert.equal(stats.agent, "gemini");
  assert.equal(r.session_id, "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d");
  assert.equal(r.workspace, "/home/dev/projects/maps-ui");
  assert.equal(r.summary, "Fix Safari tile flicker caused by will-change");
  assert.equal(r.model, "gemini-2.5-pro");
  assert.match(r.title ?? "", /^The map tiles flicker when zooming on Safari — .*Ça marche/);
  assert.deepEqual(roles(r), ["user", "assistant", "tool", "assistant", "tool", "system"]);
  const m = r.messages ?? [];
  assert.deepEqual(m[1].tool_calls?.map((c) => c.name), ["read_file"]);
  assert.match(m[2].text, /willChange: 'transform'/);
  assert.match(m[4].text, /^\[error\] old_string not found/);
  assert.equal(m[5].text, "[error] Tool call failed: replace");
  const all = JSON.stringify(r);
  assert.ok(!all.includes("A wrong guess"), "a rewound message is gone");
  assert.ok(!all.includes("Using 2 MCP servers"), "info notices are skipped");
  assert.ok(!all.includes("Inspecting tile layer"), "thoughts are dropped");
  // The re-appended g-m1 counts once.
  assert.deepEqual(r.usage, {
    input_tokens: 8700,
    output_tokens: 200,
    cache_read_tokens: 5000,
    reasoning_tokens: 90,
  });
});

Deno.test("Gemini JSON document: read whole; workspace found from the project hash and a hint", async () => {
  const plain = await read(GEMINI_OLD);
  assert.equal(plain.records[0].workspace, undefined);
  assert.equal(plain.records[0].title, "Why is the high tide for Brest off by 40 minutes?");
  const hinted = await read(GEMINI_OLD, { workspaceHint: "/home/dev/projects/tide-tables" });
  assert.equal(hinted.records[0].workspace, "/home/dev/projects/tide-tables");
  const wrong = await read(GEMINI_OLD, { workspaceHint: "/elsewhere" });
  assert.equal(wrong.records[0].workspace, undefined);
});

Deno.test("long sessions are cut into parts; earlier parts stay identical when the session grows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lumera-parts-" });
  try {
    const path = `${dir}/0b0b0b0b-0000-4000-8000-000000000001.jsonl`;
    const line = (i: number) =>
      JSON.stringify({
        type: i % 2 === 0 ? "user" : "assistant",
        sessionId: "long-1",
        cwd: "/w",
        uuid: `u-${i}`,
        timestamp: new Date(Date.UTC(2026, 3, 1, 0, 0, i)).toISOString(),
        message: i % 2 === 0 ? { role: "user", content: `question ${i} ${"q".repeat(900)}` } : {
          id: `m-${i}`,
          role: "assistant",
          content: [{ type: "text", text: `answer ${i} ${"a".repeat(900)}` }],
        },
      });
    await Deno.writeTextFile(path, Array.from({ length: 40 }, (_, i) => line(i)).join("\n") + "\n");
    const opts = { partChars: 10_000 };
    const first = (await read(path, opts)).records;
    assert.ok(first.length >= 3, `${first.length} parts`);
    assert.deepEqual(first.map((r) => r.part), [undefined, ...first.slice(1).map((_, i) => i + 2)]);
    assert.ok(
      first.every((r) => r.session_id === "long-1" && r.title === `question 0 ${"q".repeat(188)}…`),
    );
    assert.equal(first.reduce((n, r) => n + (r.messages?.length ?? 0), 0), 40);
    assert.equal(first[1].timestamp, first[1].started_at);

    await Deno.writeTextFile(
      path,
      Array.from({ length: 10 }, (_, i) => line(40 + i)).join("\n") + "\n",
      {
        append: true,
      },
    );
    const grown = (await read(path, opts)).records;
    assert.ok(grown.length >= first.length);
    // Every full part of the first read is byte-for-byte the same record again.
    for (let i = 0; i < first.length - 1; i++) {
      assert.equal(canonicalJson(grown[i]), canonicalJson(first[i]), `part ${i + 1}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unknown files are SOURCE_FAILED; missing ones NOT_FOUND; empty sessions yield nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lumera-unknown-" });
  try {
    await Deno.writeTextFile(`${dir}/x.jsonl`, '{"hello":"world"}\n{"n":1}\n');
    await rejectsWith(read(`${dir}/x.jsonl`), "SOURCE_FAILED");
    await rejectsWith(read(`${dir}/nope.jsonl`), "NOT_FOUND");
    await Deno.writeTextFile(`${dir}/e.jsonl`, '{"type":"summary","summary":"s","leafUuid":"l"}\n');
    assert.deepEqual((await read(`${dir}/e.jsonl`)).records, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(agentOfPath("/x/rollout-2026-01-01T00-00-00-abc.jsonl"), "codex");
  assert.equal(agentOfPath("/x/chats/session-2026-01-01T00-00-abc.json"), "gemini");
  assert.equal(agentOfPath("/x/projects/p/abc.jsonl"), undefined);
});
