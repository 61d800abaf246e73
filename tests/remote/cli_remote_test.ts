/**
 * The CLI under the documented permission flags (no network): without a remote everything works
 * as before and `sync`/`restore` say how to configure one; configuration errors are clear;
 * `serve` with a remote configured still answers and exits on end of input.
 */

import assert from "node:assert/strict";
import { randomKeyHex, tempHome } from "../helpers/home.ts";
import { baseEnv, CLI_FLAGS, MAIN, runMain, serveFlags } from "../helpers/permissions.ts";

async function withCliHome(fn: (env: Record<string, string>, home: string) => Promise<void>) {
  const home = await tempHome();
  try {
    await fn({ LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() }, home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function storeNote(env: Record<string, string>, home: string, text: string) {
  const file = `${home}/rec.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      session_id: crypto.randomUUID(),
      timestamp: "2026-11-01T00:00:00Z",
      tool_name: "codex",
      success: true,
      summary: text,
      tags: ["cli"],
    }),
  );
  const r = await runMain(["store", "--file", file, "--json"], env);
  assert.equal(r.code, 0, r.stderr);
}

Deno.test("without a remote: stats and query show local-only, sync/restore explain, dry run plans", async () => {
  await withCliHome(async (env, home) => {
    await storeNote(env, home, "first remote-less memory");
    const stats = await runMain(["stats", "--json"], env);
    assert.equal(stats.code, 0, stats.stderr);
    const s = JSON.parse(stats.stdout);
    assert.equal(s.remote.configured, false);
    assert.equal(s.remote.by_state["local-only"], 1);
    assert.equal(s.remote.paid_ulume, 0);
    const human = await runMain(["stats"], env);
    assert.match(human.stdout, /remote: none configured/);
    const q = JSON.parse((await runMain(["query", "remote-less", "--json"], env)).stdout);
    assert.deepEqual(q.hits[0].remote, { state: "local-only" });
    for (const cmd of [["sync"], ["sync", "--now"], ["restore"]]) {
      const r = await runMain([...cmd, "--json"], env);
      assert.equal(r.code, 2, cmd.join(" "));
      const err = JSON.parse(r.stdout).error;
      assert.equal(err.code, "USAGE");
      assert.match(err.message, /no Cascade remote is configured/);
      assert.match(err.hint, /"remote"/);
    }
    const dry = await runMain(["sync", "--dry-run", "--now", "--json"], env);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.dry_run, true);
    assert.equal(plan.segments_built, 1);
    assert.ok(plan.estimated_fee_ulume >= 10_000);
    assert.deepEqual(
      await listDir(home),
      ["blobs", "config.json?", "index.db"].filter((n) => !n.endsWith("?")).concat([]).filter((n) =>
        n !== "config.json"
      ),
      "no outbox, no segments",
    );
  });
});

async function listDir(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith("index.db-") || e.name === "rec.json") continue;
    out.push(e.name);
  }
  return out.sort();
}

Deno.test("a bad remote section is a usage error naming the problem; nothing is written", async () => {
  await withCliHome(async (env, home) => {
    await Deno.writeTextFile(
      `${home}/config.json`,
      JSON.stringify({ remote: { backend: "cascade", network: "custom", lcd_url: "https://x" } }),
    );
    for (const cmd of [["stats"], ["sync", "--now"], ["restore"]]) {
      const r = await runMain([...cmd, "--json"], env);
      assert.equal(r.code, 2, `${cmd.join(" ")}: ${r.stderr}`);
      assert.match(JSON.parse(r.stdout).error.message, /config\.json.*snapi_url is required/);
    }
    const left = await listDir(home);
    assert.ok(!left.includes("index.db") && !left.includes("outbox"), left.join(" "));
  });
});

Deno.test("with a remote but no mnemonic: sync says so (exit 4) and leaves the memory queued", async () => {
  await withCliHome(async (env, home) => {
    await Deno.writeTextFile(
      `${home}/config.json`,
      JSON.stringify({ remote: { backend: "cascade", network: "testnet" } }),
    );
    await storeNote(env, home, "queued memory");
    const r = await runMain(["sync", "--now", "--wait", "0", "--json"], env);
    // The queue itself works offline: the segment is built, then the remote is needed.
    const report = JSON.parse(r.stdout);
    assert.equal(report.segments_built, 1);
    assert.equal(report.errors[0].code, "KEY_MISSING");
    assert.equal(r.code, 4, "a key problem");
    const s = JSON.parse((await runMain(["stats", "--json"], env)).stdout);
    assert.equal(s.remote.configured, true);
    assert.equal(s.remote.segments.built, 1);
    assert.equal(s.remote.by_state["local-only"], 1);
  });
});

Deno.test("serve with a remote configured answers tools and exits on end of input", async () => {
  await withCliHome(async (env, home) => {
    await Deno.writeTextFile(
      `${home}/config.json`,
      JSON.stringify({ remote: { backend: "cascade", network: "testnet", sync_interval: "1m" } }),
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...serveFlags(home), MAIN, "serve"],
      env: { ...baseEnv(), ...env },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "t", version: "1" },
        },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "memory_stats", arguments: {} },
      },
    ];
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join("\n") + "\n"));
    await new Promise((r) => setTimeout(r, 1500));
    await w.close();
    const t0 = Date.now();
    const out = await child.output();
    assert.ok(Date.now() - t0 < 8000, "exits promptly on end of input");
    assert.equal(out.code, 0);
    const stdout = new TextDecoder().decode(out.stdout).trim().split("\n");
    for (const l of stdout) assert.equal(JSON.parse(l).jsonrpc, "2.0", "stdout is protocol only");
    const stats = stdout.map((l) => JSON.parse(l)).find((m) => m.id === 2);
    assert.equal(stats.result.structuredContent.remote.configured, true);
    assert.ok(CLI_FLAGS.length > 0);
  });
});
