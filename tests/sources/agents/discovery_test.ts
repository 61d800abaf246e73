import assert from "node:assert/strict";
import {
  agentSessionDirs,
  findInSessionDir,
  findUnder,
} from "../../../src/sources/agents/discovery.ts";
import { envOf } from "../../helpers/home.ts";

const AGENTS = new URL("../../fixtures/agents/", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("session directories honour CLAUDE_CONFIG_DIR, CODEX_HOME and GEMINI_CLI_HOME", () => {
  assert.deepEqual(agentSessionDirs(envOf({ HOME: "/home/u" })), [
    { agent: "claude-code", path: "/home/u/.claude/projects" },
    { agent: "codex", path: "/home/u/.codex/sessions" },
    { agent: "codex", path: "/home/u/.codex/archived_sessions" },
    { agent: "gemini", path: "/home/u/.gemini/tmp" },
  ]);
  assert.deepEqual(
    agentSessionDirs(
      envOf({ HOME: "/home/u", CLAUDE_CONFIG_DIR: "/c", CODEX_HOME: "/x", GEMINI_CLI_HOME: "/g" }),
    ).map((d) => d.path),
    ["/c/projects", "/x/sessions", "/x/archived_sessions", "/g/.gemini/tmp"],
  );
  assert.deepEqual(agentSessionDirs(envOf({ USERPROFILE: "/p" }), ["codex"]).map((d) => d.path), [
    "/p/.codex/sessions",
    "/p/.codex/archived_sessions",
  ]);
  assert.deepEqual(agentSessionDirs(envOf({})), []);
});

Deno.test("each agent's layout is followed; subagent transcripts are left out", async () => {
  const env = envOf({
    CLAUDE_CONFIG_DIR: `${AGENTS}/claude`,
    CODEX_HOME: `${AGENTS}/codex`,
    GEMINI_CLI_HOME: `${AGENTS}/gemini`,
  });
  const found: string[] = [];
  for (const dir of agentSessionDirs(env)) {
    for await (const f of findInSessionDir(dir)) {
      found.push(`${f.agent} ${f.path.slice(AGENTS.length + 1)}`);
    }
  }
  assert.deepEqual(found, [
    "claude-code claude/projects/-home-dev-projects-billing-api/0a0b0c0d-0000-4000-8000-000000000000.jsonl",
    "claude-code claude/projects/-home-dev-projects-billing-api/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a.jsonl",
    "claude-code claude/projects/-home-dev-projects-ledger/7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c.jsonl",
    "claude-code claude/projects/-home-dev-projects-logs/3e3e3e3e-1111-4222-8333-444455556666.jsonl",
    "codex codex/sessions/2025/09/01/rollout-2025-09-01T07-00-00-0188a0b1-0000-7000-8000-00000000beef.jsonl",
    "codex codex/sessions/2026/04/13/rollout-2026-04-13T10-00-00-0199b7d3-8c4f-7e21-a05f-3d2c1b0a9f8e.jsonl",
    "gemini gemini/.gemini/tmp/b8cecec468704102f031d47360e0b49a17d5f2a066fd12d52747ab0f0a9ec84a/chats/session-2025-11-02T12-00-e1f2a3b4.json",
    "gemini gemini/.gemini/tmp/maps-ui/chats/session-2026-04-14T16-00-5a6b7c8d.jsonl",
  ]);
});

Deno.test("findUnder: any directory, without agent- files and subagents/ folders", async () => {
  const found = (await Array.fromAsync(findUnder(`${AGENTS}/claude`))).map((f) =>
    f.path.slice(AGENTS.length + 1)
  );
  assert.equal(found.length, 4);
  assert.ok(found.every((p) => !p.includes("agent-")));
  assert.deepEqual(await Array.fromAsync(findUnder(`${AGENTS}/does-not-exist`)), []);
});
