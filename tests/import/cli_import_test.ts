import assert from "node:assert/strict";
import type { ImportSummary } from "../../src/import/types.ts";
import type { ListSessionsResult, QueryResult, RetrieveResult } from "../../src/service/types.ts";
import { randomKeyHex } from "../helpers/home.ts";
import { runMain } from "../helpers/permissions.ts";
import { AGENT_FIXTURES, LEDGER, SECRET } from "./_helpers.ts";

const e2e = { sanitizeResources: false, sanitizeOps: false };

async function withHome(fn: (env: Record<string, string>) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "lumera-cli-import-" });
  try {
    await fn({
      LUMERA_MEMORY_HOME: home,
      LUMERA_MEMORY_KEY: randomKeyHex(),
      CLAUDE_CONFIG_DIR: `${AGENT_FIXTURES}/claude`,
      CODEX_HOME: `${AGENT_FIXTURES}/codex`,
      GEMINI_CLI_HOME: `${AGENT_FIXTURES}/gemini`,
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test({
  name: "cli: import --json, again (nothing new), sessions, query --branch, retrieve --messages",
  ...e2e,
  fn: () =>
    withHome(async (env) => {
      const first = await runMain(["import", "--json"], env);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, "", "no progress bar without a terminal");
      const s = JSON.parse(first.stdout) as ImportSummary;
      assert.deepEqual([s.imported, s.refused, s.skipped, s.failed], [6, 1, 1, 0]);
      assert.ok(!first.stdout.includes("wJalrXUtnFEMI"), "the secret is never printed");

      const again = JSON.parse((await runMain(["import", "--json"], env)).stdout) as ImportSummary;
      assert.deepEqual([again.unchanged, again.refused, again.skipped], [6, 1, 1]);
      assert.equal(again.bytes_read, 0);

      const human = await runMain(["import"], env);
      assert.equal(human.code, 0);
      assert.match(human.stdout, /^Imported 0 new sessions, 0 updated, 6 unchanged, 1 refused/);

      const sessions = await runMain(["sessions", "--all-workspaces", "--json"], env);
      assert.equal((JSON.parse(sessions.stdout) as ListSessionsResult).total, 6);

      const q = await runMain(
        ["query", "csv", "--branch", "feat/export-csv", "--all-workspaces", "--json"],
        env,
      );
      const hits = (JSON.parse(q.stdout) as QueryResult).hits;
      assert.equal(hits.length, 1);
      const r = await runMain(["retrieve", hits[0].pointer, "--messages", "0:2", "--json"], env);
      const got = JSON.parse(r.stdout) as RetrieveResult;
      assert.deepEqual(got.message_range, { from: 0, to: 2, total: 11 });
      const bad = await runMain(["retrieve", hits[0].pointer, "--messages", "x"], env);
      assert.equal(bad.code, 2);
    }),
});

Deno.test({
  name: "cli: import --file of a refused session exits 3; --hook always exits 0",
  ...e2e,
  fn: () =>
    withHome(async (env) => {
      const refused = await runMain(
        ["import", "--file", `${AGENT_FIXTURES}/${SECRET}`, "--json"],
        env,
      );
      assert.equal(refused.code, 3);
      const s = JSON.parse(refused.stdout) as ImportSummary;
      assert.equal(s.refusals[0].findings[0].rule, "aws-secret-access-key");

      const hook = (input: unknown) =>
        runMain(["import", "--hook"], env, {
          stdin: typeof input === "string" ? input : JSON.stringify(input),
        });
      const ok = await hook({
        session_id: "7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c",
        transcript_path: `${AGENT_FIXTURES}/${LEDGER}`,
        cwd: "/home/dev/projects/ledger",
        hook_event_name: "SessionEnd",
        reason: "exit",
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, "");
      assert.match(ok.stderr, /session archived/);
      const twice = await hook({ transcript_path: `${AGENT_FIXTURES}/${LEDGER}` });
      assert.match(twice.stderr, /already archived/);

      const secret = await hook({ transcript_path: `${AGENT_FIXTURES}/${SECRET}` });
      assert.equal(secret.code, 0);
      assert.match(secret.stderr, /NOT archived: it carries a secret \(aws-secret-access-key/);
      assert.ok(!secret.stderr.includes("wJalrXUtnFEMI"));

      for (const input of ["not json", {}, { transcript_path: "/nowhere/x.jsonl" }]) {
        const r = await hook(input);
        assert.equal(r.code, 0, `hook input ${JSON.stringify(input)}`);
      }
      const noKey = await runMain(["import", "--hook"], { ...env, LUMERA_MEMORY_KEY: "" }, {
        stdin: JSON.stringify({ transcript_path: `${AGENT_FIXTURES}/${LEDGER}` }),
      });
      assert.equal(noKey.code, 0);

      const usage = await runMain(["import", "--agent", "cursor"], env);
      assert.equal(usage.code, 2);
    }),
});
