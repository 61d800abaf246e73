/**
 * Benchmarks for the foundation's targets, measured in one run on this machine:
 *  - store of a 1 MiB session (in process: normalize → scan → seal → put → index), target ≤ 50 ms;
 *  - query over 10,000 memories (text + filters), p50 target ≤ 5 ms;
 *  - MCP server start to first response (`serve` spawned under its documented flags), target
 *    ≤ 300 ms, printed with the ratio to a bare Deno process answering one line (the floor).
 *
 * The generated corpus (Zipf-distributed text) lives in `corpus.ts`, shared with the other
 * benchmarks (`peers.ts`, `cold_start.ts`, `scale.ts`, `micro.ts`) and the reliability tests.
 *
 * Run: `deno task bench` (add `--quick` for a smaller, faster run).
 *
 * @module
 */

import { openMemoryService } from "../src/service/memory_service.ts";
import { rng, session } from "./corpus.ts";
import { SCALE_QUERIES } from "./scale_queries.ts";
import { out, pct } from "./stats.ts";
import { ENV_FLAG } from "../tests/helpers/permissions.ts";
import { initializeParams, rpcLine, RpcLines, serveArgs } from "./_spawn.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";

const quick = Deno.args.includes("--quick");
const N_MEMORIES = quick ? 2_000 : 10_000;
const encoder = new TextEncoder();

async function benchStore(home: string, keyHex: string) {
  const service = await openMemoryService({
    home,
    env: (n) => (n === "LUMERA_MEMORY_KEY" ? keyHex : undefined),
  });
  const rand = rng(7);
  const times: number[] = [];
  const runs = quick ? 8 : 20;
  for (let i = 0; i < runs + 2; i++) {
    const record = session(1_000_000 + i, 1024 * 1024, rand);
    const t = performance.now();
    await service.store({ kind: "record", record });
    if (i >= 2) times.push(performance.now() - t); // two warm-up runs
  }
  service.close();
  return times;
}

async function benchQuery(home: string, keyHex: string) {
  const service = await openMemoryService({
    home,
    env: (n) => (n === "LUMERA_MEMORY_KEY" ? keyHex : undefined),
  });
  const rand = rng(42);
  const fill = performance.now();
  for (let i = 0; i < N_MEMORIES; i++) {
    await service.store({
      kind: "record",
      record: session(i, 2_000 + Math.floor(rand() * 4_000), rand),
    });
  }
  const fillMs = performance.now() - fill;
  const times: number[] = [];
  for (let r = 0; r < (quick ? 25 : 60); r++) {
    for (const q of SCALE_QUERIES) {
      const t = performance.now();
      service.query(q);
      times.push(performance.now() - t);
    }
  }
  service.close();
  return { times, fillMs };
}

async function firstResponseMs(args: string[], env: Record<string, string>): Promise<number> {
  const t = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(encoder.encode(
    rpcLine({ id: 1, method: "initialize", params: initializeParams("2025-06-18") }),
  ));
  const lines = new RpcLines(child.stdout);
  const line = await lines.response(1);
  const ms = performance.now() - t;
  if (line === undefined) throw new Error("no response");
  await w.close();
  await lines.cancel();
  await child.status;
  return ms;
}

async function benchServerStart(home: string, keyHex: string) {
  const env = {
    LUMERA_MEMORY_HOME: home,
    LUMERA_MEMORY_KEY: keyHex,
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
  };
  const floorScript = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    floorScript,
    `const r = Deno.stdin.readable.getReader(); await r.read();
     Deno.stdout.writeSync(new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"result":{}}\\n'));`,
  );
  const serve: number[] = [];
  const floor: number[] = [];
  const runs = quick ? 3 : 7;
  for (let i = 0; i < runs + 1; i++) {
    const s = await firstResponseMs(serveArgs(home), env);
    const f = await firstResponseMs(["run", "--quiet", ENV_FLAG, floorScript], env);
    if (i > 0) {
      serve.push(s);
      floor.push(f);
    }
  }
  await Deno.remove(floorScript);
  return { serve, floor };
}

const home = await Deno.makeTempDir({ prefix: "lumera-memory-bench-" });
const keyHex = randomKeyHex();
try {
  out(
    `lumera-memory bench (${
      quick ? "quick" : "full"
    }), deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
  );
  const store = await benchStore(`${home}/store`, keyHex);
  out(
    `store 1 MiB session     p50 ${pct(store, 50).toFixed(1)} ms  p99 ${
      pct(store, 99).toFixed(1)
    } ms  (target p50 ≤ 50 ms) ${pct(store, 50) <= 50 ? "OK" : "MISS"}`,
  );
  const { times, fillMs } = await benchQuery(`${home}/query`, keyHex);
  out(
    `fill ${N_MEMORIES} memories      ${(fillMs / 1000).toFixed(1)} s (${
      (fillMs / N_MEMORIES).toFixed(2)
    } ms per store of a 2-6 KiB session)`,
  );
  out(
    `query at ${N_MEMORIES}        p50 ${pct(times, 50).toFixed(2)} ms  p99 ${
      pct(times, 99).toFixed(2)
    } ms  (target p50 ≤ 5 ms) ${pct(times, 50) <= 5 ? "OK" : "MISS"}`,
  );
  const { serve, floor } = await benchServerStart(`${home}/query`, keyHex);
  const s50 = pct(serve, 50);
  const f50 = pct(floor, 50);
  out(
    `server start → 1st resp p50 ${s50.toFixed(0)} ms  (bare deno floor ${
      f50.toFixed(0)
    } ms, ratio ${(s50 / f50).toFixed(2)}x) (target ≤ 300 ms) ${s50 <= 300 ? "OK" : "MISS"}`,
  );
} finally {
  await Deno.remove(home, { recursive: true });
}
