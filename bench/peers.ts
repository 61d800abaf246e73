/**
 * Side by side with the reference MCP memory server (`@modelcontextprotocol/server-memory`, the
 * knowledge-graph server from the MCP project, version pinned in deno.json): the same N notes
 * stored and the same searches issued through MCP stdio by the same client (the SDK's stdio
 * client, legacy `initialize` handshake for both), one call per note as an agent makes them.
 *
 * - lumera-memory: `remember {title, text, tags}`, then `query_cascade_memories {query}` (its
 *   default page of 10 ranked hits); run as documented (`main.ts serve` under its least-privilege
 *   flags, so every note is scanned, encrypted, fsynced and indexed).
 * - reference: `create_entities` with one entity per note (name = title, entityType "note",
 *   observations = [text]), then `search_nodes {query}` (every matching entity); run under Node as
 *   npm ships it (`npx @modelcontextprotocol/server-memory`; installed with npm into a temporary
 *   folder) — the target is measured against this one — and, for comparison, the same code under
 *   Deno (the runtime lumera-memory uses). Without `npm`/`node` on the PATH, or with `--no-node`,
 *   only the Deno-hosted run is made and no target verdict is printed.
 *
 * Prints per server: store total and p50/p99 per call, search total and p50/p99, store+search
 * total, the ratio to lumera-memory, and the peak RSS of the server process (VmHWM).
 *
 * Run: `deno task bench-peers` (N = 1,000 and 10,000; about 10 minutes),
 *      `deno task bench-peers --quick` (N = 1,000), `--n=5000` for another size,
 *      `--no-node` to skip the reference under Node.
 *
 * @module
 */

import { note, rng, searchWords } from "./corpus.ts";
import { connect, type Connected, finish, type ServerSpec, timedCall } from "./mcp_client.ts";
import { bytes, ms, out, pct, sum } from "./stats.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";
import { baseEnv } from "../tests/helpers/permissions.ts";
import { referenceDenoSpec, serveArgs } from "./_spawn.ts";

const args = Deno.args;
const quick = args.includes("--quick");
const withNode = !args.includes("--no-node") && await hasNodeAndNpm();
const nArg = args.find((a) => a.startsWith("--n="));
const SIZES = nArg ? [Number(nArg.slice(4))] : quick ? [1_000] : [1_000, 10_000];
const SEARCHES = 200;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** True when `node` and `npm` run (the reference server is a Node program installed by npm). */
async function hasNodeAndNpm(): Promise<boolean> {
  for (const cmd of ["node", "npm"]) {
    try {
      const r = await new Deno.Command(cmd, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
      if (!r.success) return false;
    } catch {
      return false;
    }
  }
  return true;
}

interface Measured {
  label: string;
  store: number[];
  search: number[];
  hits: number;
  rss?: number;
}

function lumeraSpec(home: string): ServerSpec {
  return {
    label: "lumera-memory",
    command: Deno.execPath(),
    args: serveArgs(home),
    env: { ...baseEnv(), LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() },
  };
}

/** Installs the pinned reference server with npm into `dir` and returns its Node launch. */
async function referenceNodeSpec(dir: string, installDir: string): Promise<ServerSpec> {
  const config = JSON.parse(await Deno.readTextFile(CONFIG));
  const pinned = String(config.imports["@modelcontextprotocol/server-memory"]).replace(/^npm:/, "");
  const npm = await new Deno.Command("npm", {
    args: ["install", "--silent", "--no-audit", "--no-fund", "--prefix", installDir, pinned],
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!npm.success) throw new Error(`npm install ${pinned} failed`);
  return {
    label: "reference (node)",
    command: "node",
    args: [`${installDir}/node_modules/@modelcontextprotocol/server-memory/dist/index.js`],
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      MEMORY_FILE_PATH: `${dir}/memory.jsonl`,
    },
  };
}

type Driver = {
  store: (c: Connected, i: number, n: ReturnType<typeof note>) => Promise<number>;
  search: (c: Connected, word: string) => Promise<{ ms: number; hits: number }>;
};

const LUMERA: Driver = {
  store: async (c, _i, n) =>
    (await timedCall(c, "remember", { title: n.title, text: n.text, tags: n.tags })).ms,
  search: async (c, word) => {
    const { ms, result } = await timedCall(c, "query_cascade_memories", { query: word });
    return { ms, hits: (result.structuredContent as { hits: unknown[] }).hits.length };
  },
};

const REFERENCE_DRIVER: Driver = {
  store: async (c, _i, n) =>
    (await timedCall(c, "create_entities", {
      entities: [{ name: n.title, entityType: "note", observations: [n.text] }],
    })).ms,
  search: async (c, word) => {
    const { ms, result } = await timedCall(c, "search_nodes", { query: word });
    return { ms, hits: (result.structuredContent as { entities: unknown[] }).entities.length };
  },
};

async function run(spec: ServerSpec, driver: Driver, n: number): Promise<Measured> {
  const c = await connect(spec);
  try {
    const rand = rng(12345);
    const store: number[] = [];
    for (let i = 0; i < n; i++) store.push(await driver.store(c, i, note(i, rand)));
    const search: number[] = [];
    let hits = 0;
    for (const word of searchWords(SEARCHES)) {
      const r = await driver.search(c, word);
      search.push(r.ms);
      hits += r.hits;
    }
    return { label: spec.label, store, search, hits, rss: await finish(c) };
  } catch (err) {
    await c.client.close().catch(() => {});
    throw new Error(`${spec.label}: ${(err as Error).message}\n${c.stderr().slice(-2000)}`);
  }
}

function row(m: Measured, base: Measured): string {
  const total = sum(m.store) + sum(m.search);
  const baseTotal = sum(base.store) + sum(base.search);
  return [
    m.label.padEnd(18),
    `store ${(sum(m.store) / 1000).toFixed(1).padStart(6)} s`,
    `p50 ${ms(pct(m.store, 50)).padStart(8)}`,
    `p99 ${ms(pct(m.store, 99)).padStart(8)}`,
    `| search ${(sum(m.search) / 1000).toFixed(2).padStart(6)} s`,
    `p50 ${ms(pct(m.search, 50)).padStart(8)}`,
    `p99 ${ms(pct(m.search, 99)).padStart(8)}`,
    `hits/search ${(m.hits / m.search.length).toFixed(1).padStart(6)}`,
    `| total ${(total / 1000).toFixed(1).padStart(6)} s`,
    `(${(total / baseTotal).toFixed(2)}x lumera)`,
    `| peak RSS ${bytes(m.rss ?? NaN)}`,
  ].join("  ");
}

const work = await Deno.makeTempDir({ prefix: "lumera-bench-peers-" });
try {
  out(
    `peers bench: N notes stored one call each, then ${SEARCHES} searches, one SDK stdio client; deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
  );
  let nodeSpec: ((dir: string) => ServerSpec) | undefined;
  if (withNode) {
    const installDir = `${work}/node-install`;
    const spec = await referenceNodeSpec(`${work}/probe`, installDir);
    nodeSpec = (dir) => ({
      ...spec,
      env: { ...spec.env, MEMORY_FILE_PATH: `${dir}/memory.jsonl` },
    });
  }
  for (const n of SIZES) {
    const dir = (name: string) => Deno.makeTempDir({ dir: work, prefix: `${n}-${name}-` });
    const lumera = await run(lumeraSpec(await dir("lumera")), LUMERA, n);
    const results = [lumera];
    results.push(await run(referenceDenoSpec(await dir("ref-deno")), REFERENCE_DRIVER, n));
    if (nodeSpec) results.push(await run(nodeSpec(await dir("ref-node")), REFERENCE_DRIVER, n));
    out(`N = ${n}`);
    for (const m of results) out("  " + row(m, lumera));
    for (const m of results.slice(1)) {
      const speedup = (sum(m.store) + sum(m.search)) / (sum(lumera.store) + sum(lumera.search));
      const mem = (m.rss ?? NaN) / (lumera.rss ?? NaN);
      const shipped = m.label === "reference (node)";
      const verdict = !shipped || n < 10_000
        ? ""
        : speedup >= 10 && mem >= 1
        ? " — target met"
        : " — target MISSED";
      out(
        `  lumera-memory vs ${m.label}: ${speedup.toFixed(2)}x faster for store+search; ` +
          `peak RSS ${mem >= 1 ? `${mem.toFixed(2)}x lower` : `${(1 / mem).toFixed(2)}x higher`}` +
          (shipped
            ? ` (target at 10k, against the reference as npm ships it: ≥ 10x faster, no worse memory)${verdict}`
            : " (same code hosted on Deno, for comparison)"),
      );
    }
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
