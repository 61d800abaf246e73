/**
 * MCP request framing cost: how long `lumera-memory serve` takes to answer a `ping` whose line
 * is 1–9.5 MiB long (padding in `_meta`). This is the stdio transport alone (the SDK's
 * `StdioServerTransport` read buffer), before any tool runs: it is what a large
 * `store_session_to_cascade` pays on top of the store itself. Past 10 MiB the SDK transport
 * gives up and the server exits (see BENCHMARKS.md).
 *
 * Run: `deno task bench-framing`.
 *
 * @module
 */

import { baseEnv } from "../tests/helpers/permissions.ts";
import { initializeParams, rpcLine, RpcLines, serveArgs } from "./_spawn.ts";
import { ms, out, pct } from "./stats.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";

const home = await Deno.realPath(await Deno.makeTempDir({ prefix: "lumera-bench-framing-" }));
const child = new Deno.Command(Deno.execPath(), {
  args: serveArgs(home),
  env: { ...baseEnv(), LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() },
  clearEnv: true,
  stdin: "piped",
  stdout: "piped",
  stderr: "null",
}).spawn();
const writer = child.stdin.getWriter();
const lines = new RpcLines(child.stdout);
const enc = new TextEncoder();
let id = 0;
async function send(m: Record<string, unknown>): Promise<number> {
  const t = performance.now();
  await writer.write(enc.encode(rpcLine({ id: ++id, ...m })));
  if (await lines.response(id) === undefined) throw new Error("the server closed its output");
  return performance.now() - t;
}
try {
  await send({ method: "initialize", params: initializeParams() });
  out(`MCP request framing: ping with padding, p50 of 5; deno ${Deno.version.deno}`);
  for (const mib of [0.1, 1, 2, 4, 8, 9.5]) {
    const pad = "x".repeat(Math.floor(mib * 1024 * 1024));
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) xs.push(await send({ method: "ping", params: { _meta: { pad } } }));
    out(`  ${String(mib).padStart(4)} MiB request   p50 ${ms(pct(xs, 50)).padStart(8)}`);
  }
} finally {
  await writer.close().catch(() => {});
  await child.status;
  await Deno.remove(home, { recursive: true });
}
