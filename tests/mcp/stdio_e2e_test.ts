/**
 * End-to-end tests of `main.ts serve`: the SDK's stdio client spawns the real entry point under
 * the documented least-privilege flags (read/write only the data home, named env vars only,
 * `cm`/`cass` only, no network) and talks MCP to it.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import {
  getDefaultEnvironment,
  StdioClientTransport,
  type StdioServerParameters,
} from "@modelcontextprotocol/client/stdio";
import { ENV_VARS } from "../../src/config/env_vars.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

function randomKeyHex(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** The documented server command: no permission beyond the data home, named env vars, cm/cass. */
function serveArgs(home: string): string[] {
  return [
    "run",
    "--no-prompt",
    `--allow-read=${home}`,
    `--allow-write=${home}`,
    `--allow-env=${ENV_VARS.join(",")}`,
    "--allow-run=cm,cass",
    MAIN,
    "serve",
  ];
}

/** A minimal host-like environment (what MCP hosts pass), plus the data home and maybe a key. */
function serveEnv(home: string, key: string | undefined): Record<string, string> {
  const env: Record<string, string> = { ...getDefaultEnvironment(), LUMERA_MEMORY_HOME: home };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) env.DENO_DIR = denoDir; // a warm module cache; not a permission
  if (key !== undefined) env.LUMERA_MEMORY_KEY = key;
  return env;
}

interface Session {
  client: Client;
  stderr: () => string;
  close: () => Promise<number>;
}

/** Spawns `main.ts serve` through the SDK's stdio client transport and connects a client. */
async function startSession(
  home: string,
  key: string | undefined,
  mode: "auto" | "legacy",
): Promise<Session> {
  const params: StdioServerParameters = {
    command: Deno.execPath(),
    args: serveArgs(home),
    env: serveEnv(home, key),
    cwd: ROOT,
    stderr: "pipe",
  };
  const transport = new StdioClientTransport(params);
  let stderr = "";
  transport.stderr?.on("data", (chunk: Uint8Array | string) => {
    stderr += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  });
  const client = new Client({ name: "e2e", version: "1.0.0" }, {
    versionNegotiation: { mode },
  });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    close: async () => {
      const started = performance.now();
      await client.close();
      return performance.now() - started;
    },
  };
}

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.realPath(await Deno.makeTempDir({ prefix: "lumera-mcp-e2e-" }));
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }) as CallToolResult;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* filesUnder(path);
    else if (entry.isFile) yield path;
  }
}

function errorCode(result: CallToolResult): string | undefined {
  return (result.structuredContent as { error?: { code?: string } } | undefined)?.error?.code;
}

const e2e = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "stdio e2e: remember → query → retrieve under least privilege (2026-07-28 client)",
  ...e2e,
  fn: () =>
    withHome(async (home) => {
      const session = await startSession(home, randomKeyHex(), "auto");
      let closeMs = 0;
      try {
        const { client } = session;
        assert.equal(client.getNegotiatedProtocolVersion(), "2026-07-28");
        const { tools } = await client.listTools();
        assert.equal(tools.length, 8);

        const text = "Deno's node:sqlite ships FTS5; use bm25() for ranking (zebracorn marker).";
        const stored = await call(client, "remember", {
          title: "node:sqlite has FTS5",
          text,
          tags: ["Deno", "sqlite"],
          workspace: "/work/demo",
        });
        assert.equal(stored.isError, undefined, JSON.stringify(stored));
        const store = stored.structuredContent as { pointer: string; tags: string[] };
        assert.match(store.pointer, /^cascade:\/\/[0-9a-f]{64}$/);
        assert.deepEqual(store.tags, ["deno", "sqlite"]);

        const found = await call(client, "query_cascade_memories", { query: "zebracorn" });
        assert.equal(found.isError, undefined, JSON.stringify(found));
        const hits = (found.structuredContent as { hits: { pointer: string }[] }).hits;
        assert.deepEqual(hits.map((h) => h.pointer), [store.pointer]);

        const got = await call(client, "retrieve_session_from_cascade", { pointer: store.pointer });
        assert.equal(got.isError, undefined, JSON.stringify(got));
        const retrieved = got.structuredContent as {
          verified: boolean;
          record: { body?: string; kind: string; workspace?: string };
        };
        assert.equal(retrieved.verified, true);
        assert.equal(retrieved.record.kind, "note");
        assert.equal(retrieved.record.body, text);
        assert.equal(retrieved.record.workspace, "/work/demo");
        assert.deepEqual(JSON.parse((got.content[0] as { text: string }).text), retrieved);

        const missing = await call(client, "retrieve_session_from_cascade", {
          pointer: `cascade://${"0".repeat(64)}`,
        });
        assert.equal(missing.isError, true);
        assert.equal(errorCode(missing), "NOT_FOUND");
        const bad = await call(client, "retrieve_session_from_cascade", { pointer: "../etc" });
        assert.equal(errorCode(bad), "INVALID_POINTER");
      } finally {
        closeMs = await session.close();
      }
      // The client ends stdin and waits up to 2 s before it would resort to SIGTERM.
      assert.ok(closeMs < 1900, `server exited on stdin EOF (took ${Math.round(closeMs)} ms)`);
      const temps = [];
      for await (const file of filesUnder(`${home}/blobs`)) {
        if (file.includes("/.tmp-")) temps.push(file);
      }
      assert.deepEqual(temps, [], "the server removed its prepared temporary file on exit");
    }),
});

Deno.test({
  name: "stdio e2e: a secret in remember is refused and echoed nowhere",
  ...e2e,
  fn: () =>
    withHome(async (home) => {
      const secret = "ghp_" + "A1b2".repeat(9); // built at runtime: no secret in the source
      const session = await startSession(home, randomKeyHex(), "auto");
      try {
        const { client } = session;
        const refused = await call(client, "remember", {
          title: "deploy token",
          text: `the CI token is ${secret} (rotate monthly)`,
        });
        assert.equal(refused.isError, true);
        assert.equal(errorCode(refused), "SECRET_REFUSED");
        assert.match((refused.content[0] as { text: string }).text, /^SECRET_REFUSED: /);
        const wire = JSON.stringify(refused);
        assert.ok(!wire.includes(secret), "secret not in the result");
        assert.ok(!wire.includes("A1b2A1b2"), "no long part of the secret in the result");

        const after = await call(client, "query_cascade_memories", {});
        assert.equal((after.structuredContent as { total: number }).total, 0, "nothing written");
      } finally {
        await session.close();
      }
      assert.ok(!session.stderr().includes(secret), "secret not in the server's stderr");
      for await (const file of filesUnder(home)) {
        const bytes = await Deno.readFile(file);
        assert.ok(!new TextDecoder().decode(bytes).includes(secret), `secret not in ${file}`);
      }
    }),
});

Deno.test({
  name: "stdio e2e: without a key, a legacy client still lists tools; calls fail KEY_MISSING",
  ...e2e,
  fn: () =>
    withHome(async (home) => {
      const session = await startSession(home, undefined, "legacy");
      try {
        const { client } = session;
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name), [
          "store_session_to_cascade",
          "remember",
          "query_cascade_memories",
          "retrieve_session_from_cascade",
          "estimate_storage_cost",
          "forget_memory",
          "memory_stats",
          "list_sessions",
        ]);
        const r = await call(client, "query_cascade_memories", { query: "x" });
        assert.equal(r.isError, true);
        assert.equal(errorCode(r), "KEY_MISSING");
      } finally {
        await session.close();
      }
    }),
});

Deno.test({
  name: "stdio e2e: the server exits by itself when stdin closes",
  ...e2e,
  fn: () =>
    withHome(async (home) => {
      const child = new Deno.Command(Deno.execPath(), {
        args: serveArgs(home),
        env: serveEnv(home, randomKeyHex()),
        clearEnv: true,
        cwd: ROOT,
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const writer = child.stdin.getWriter();
      const initialize = {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "eof-test", version: "1" },
        },
      };
      await writer.write(new TextEncoder().encode(JSON.stringify(initialize) + "\n"));
      // Read the answer, then close stdin and expect a prompt, clean exit without any signal.
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      const answer = JSON.parse(out.split("\n")[0]);
      assert.equal(answer.result.serverInfo.name, "lumera-memory");
      const closedAt = performance.now();
      await writer.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const status = await Promise.race([
        child.status,
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), 5000);
        }),
      ]);
      clearTimeout(timer);
      if (status === "timeout") {
        child.kill("SIGKILL");
        await child.status;
        assert.fail("the server did not exit within 5 s of stdin EOF");
      }
      while (!(await reader.read()).done) { /* drain */ }
      assert.equal(status.signal, null);
      assert.equal(status.code, 0);
      assert.ok(performance.now() - closedAt < 5000);
    }),
});
