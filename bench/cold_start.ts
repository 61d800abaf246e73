/**
 * Cold start: spawn → first tool result, `lumera-memory serve` (under its documented
 * least-privilege flags, with a key and an existing store) against the floor — a minimal Deno MCP
 * server with one `echo` tool on the same SDK (`echo_server.ts`) — printed as a ratio (target
 * ≤ 1.3×). The reference memory server is timed the same way for comparison.
 *
 * Each run writes `initialize`, `notifications/initialized` and one `tools/call` at once and
 * stops the clock when the tool result arrives. Servers alternate run by run; one warm-up each.
 *
 * Run: `deno task bench-cold` (15 runs each; `--quick`: 5).
 *
 * @module
 */

import { openMemoryService } from "../src/service/memory_service.ts";
import { rng, session } from "./corpus.ts";
import { ms, out, pct } from "./stats.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";
import { baseEnv, ENV_FLAG } from "../tests/helpers/permissions.ts";
import { initializeParams, referenceDenoSpec, rpcLine, RpcLines, serveArgs } from "./_spawn.ts";

const quick = Deno.args.includes("--quick");
const RUNS = quick ? 5 : 15;
const ECHO = new URL("./echo_server.ts", import.meta.url).pathname;
const encoder = new TextEncoder();

interface Target {
  label: string;
  args: string[];
  env: Record<string, string>;
  tool: { name: string; arguments: Record<string, unknown> };
}

/** Spawns, sends the handshake and one tool call, returns ms until the tool result arrives. */
async function firstToolResult(t: Target): Promise<number> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: t.args,
    env: t.env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(encoder.encode(
    rpcLine({ id: 1, method: "initialize", params: initializeParams() }) +
      rpcLine({ method: "notifications/initialized" }) +
      rpcLine({ id: 2, method: "tools/call", params: t.tool }),
  ));
  const lines = new RpcLines(child.stdout);
  const line = await lines.response(2);
  const elapsed = performance.now() - started;
  await lines.cancel();
  await w.close().catch(() => {});
  await child.status;
  if (line === undefined) throw new Error(`${t.label}: no tool result`);
  const r = JSON.parse(line);
  if (r.error || r.result?.isError) {
    throw new Error(`${t.label}: the tool call failed: ${line.slice(0, 300)}`);
  }
  return elapsed;
}

const work = await Deno.realPath(await Deno.makeTempDir({ prefix: "lumera-bench-cold-" }));
try {
  // A store with some memories, so `serve` opens a real index.
  const home = `${work}/home`;
  const key = randomKeyHex();
  const svc = await openMemoryService({
    home,
    env: (n) => (n === "LUMERA_MEMORY_KEY" ? key : undefined),
  });
  const rand = rng(3);
  for (let i = 0; i < 200; i++) {
    await svc.store({ kind: "record", record: session(i, 3_000, rand) });
  }
  svc.close();
  const refDir = `${work}/ref`;
  await Deno.mkdir(refDir);

  const env = { ...baseEnv(), LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
  const reference = referenceDenoSpec(refDir);
  const targets: Target[] = [
    {
      label: "echo floor",
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        `--allow-read=${home}`,
        `--allow-write=${home}`,
        ENV_FLAG,
        ECHO,
      ],
      env,
      tool: { name: "echo", arguments: { text: "hi" } },
    },
    {
      label: "lumera query",
      args: serveArgs(home),
      env,
      tool: { name: "query_cascade_memories", arguments: { query: "login race" } },
    },
    {
      label: "lumera estimate",
      args: serveArgs(home),
      env,
      tool: { name: "estimate_storage_cost", arguments: { bytes: 1024 } },
    },
    {
      label: "reference search",
      args: reference.args,
      env: reference.env,
      tool: { name: "search_nodes", arguments: { query: "login race" } },
    },
  ];
  const times = new Map<string, number[]>(targets.map((t) => [t.label, []]));
  for (let i = 0; i < RUNS + 1; i++) {
    for (const t of targets) {
      const elapsed = await firstToolResult(t);
      if (i > 0) times.get(t.label)!.push(elapsed);
    }
  }
  const floor = pct(times.get("echo floor")!, 50);
  out(
    `cold start: spawn → first tool result, p50 of ${RUNS} runs; deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
  );
  for (const t of targets) {
    const xs = times.get(t.label)!;
    const p50 = pct(xs, 50);
    const target = t.label.startsWith("lumera")
      ? `  (target ≤ 1.3x) ${p50 / floor <= 1.3 ? "OK" : "MISS"}`
      : "";
    out(
      `  ${t.label.padEnd(17)} p50 ${ms(p50).padStart(7)}  min ${
        ms(Math.min(...xs)).padStart(7)
      }  ratio to echo floor ${(p50 / floor).toFixed(2)}x${target}`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
