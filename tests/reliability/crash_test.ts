/**
 * Crash safety: a process storing memories one by one is killed with SIGKILL at random points,
 * again and again, on the same data home. Two kinds of child alternate: a store loop on the
 * service (`_store_loop.ts`, which prints each acknowledged pointer) and the real MCP server
 * (`main.ts serve`) with store calls in flight (acknowledged = its response arrived).
 *
 * After all kills: every acknowledged store retrieves the record that was sent; `verify` finds
 * no index row without its blob (only orphan blobs, which a crash may leave); the SQLite index
 * passes `PRAGMA integrity_check`; after `reindex`, `verify --read-data` is clean.
 *
 * CI size: 50 kills (about 8 s on 2 cores). `LUMERA_RELIABILITY_FULL=1`
 * (`deno task test-reliability-full`) runs 200.
 */

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openMemoryService } from "../../src/service/memory_service.ts";
import { rng, session } from "../../bench/corpus.ts";
import { baseEnv, ENV_FLAG, runMain } from "../helpers/permissions.ts";
import { listFiles } from "../helpers/home.ts";
import { FULL, keyedHome, RawMcp, removeHome, report, structured } from "./_helpers.ts";

const KILLS = FULL ? 200 : 50;
const LOOP = new URL("./_store_loop.ts", import.meta.url).pathname;
const e2e = { sanitizeOps: false, sanitizeResources: false };

/** session id → pointer, for every acknowledged store. */
type Acked = Map<string, string>;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs the store loop until its first ack, lets it run `delayMs` more, then SIGKILLs it. */
async function killLoop(home: string, key: string, cycle: number, delayMs: number, acked: Acked) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--allow-read=${home}`,
      `--allow-write=${home}`,
      ENV_FLAG,
      LOOP,
      `c${cycle}`,
      String(cycle + 1),
    ],
    env: { ...baseEnv(), LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let firstAck: () => void = () => {};
  const first = new Promise<void>((r) => (firstAck = r));
  const reading = (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const [sessionId, pointer] = buf.slice(0, nl).split(" ");
        buf = buf.slice(nl + 1);
        acked.set(sessionId, pointer);
        firstAck();
      }
    }
    // A partial last line was never acknowledged: ignore it.
  })();
  const stderr = new Response(child.stderr).text();
  // Kill after the first ack plus a random delay — or after 10 s if nothing was ever acked.
  await Promise.race([first, sleep(10_000)]);
  await sleep(delayMs);
  child.kill("SIGKILL");
  const status = await child.status;
  await reading;
  const err = await stderr;
  assert.equal(status.signal, "SIGKILL", `the store loop ended by itself: ${err.slice(0, 500)}`);
}

/** Starts the MCP server, fires store calls without waiting, SIGKILLs it after `delayMs`. */
async function killServer(home: string, key: string, cycle: number, delayMs: number, acked: Acked) {
  const server = RawMcp.start({ home, key });
  try {
    await server.initialize();
    const rand = rng(10_000 + cycle);
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; performance.now() - started < delayMs || i < 1; i++) {
      const big = rand() < 0.15;
      const record = {
        ...session(i, big ? 300_000 : 3_000, rand),
        session_id: `s${cycle}-${i}`,
      };
      pending.push(
        server.callTool("store_session_to_cascade", { record }, 30_000).then((r) => {
          const p = structured(r)?.pointer;
          if (typeof p === "string" && !r.result?.isError) acked.set(record.session_id, p);
        }, () => {}),
      );
      // Keep a few calls in flight; yield so responses are read.
      if (pending.length % 4 === 0) await sleep(1);
    }
  } finally {
    await server.kill();
  }
}

Deno.test({
  name:
    `crash safety: ${KILLS} SIGKILLs during stores lose no acknowledged memory; verify clean after reindex`,
  ...e2e,
  fn: async () => {
    const { home, key } = await keyedHome("lumera-crash-");
    const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
    try {
      const acked: Acked = new Map();
      const rand = rng(Number(Deno.env.get("LUMERA_CRASH_SEED") ?? Date.now() % 100_000));
      for (let cycle = 0; cycle < KILLS; cycle++) {
        const delay = Math.floor(rand() * 120);
        if (cycle % 3 === 2) await killServer(home, key, cycle, delay, acked);
        else await killLoop(home, key, cycle, delay, acked);
      }
      assert.ok(acked.size >= KILLS, `only ${acked.size} stores were acknowledged`);

      // The SQLite index survived every kill.
      const db = new DatabaseSync(`${home}/index.db`, { readOnly: true });
      try {
        const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
        assert.deepEqual(rows.map((r) => r.integrity_check), ["ok"]);
      } finally {
        db.close();
      }

      // Every acknowledged store is there, whole.
      const svc = await openMemoryService({
        home,
        env: (n) => (n === "LUMERA_MEMORY_KEY" ? key : undefined),
      });
      try {
        for (const [sessionId, pointer] of acked) {
          const got = await svc.retrieve(pointer);
          assert.equal(got.record.session_id, sessionId);
        }
      } finally {
        svc.close();
      }

      // No index row without its blob: only orphans (blobs written just before a kill) remain.
      const before = await runMain(["verify", "--json"], env);
      const v = JSON.parse(before.stdout) as { problems: { kind: string }[]; checked: number };
      const notOrphan = v.problems.filter((p) => p.kind !== "orphan");
      assert.deepEqual(notOrphan, [], "an index row lost its blob or a blob is corrupt");
      assert.ok(v.checked >= acked.size);

      // After reindex (adopts the orphans), a full verify is clean.
      const reindex = await runMain(["reindex", "--json"], env);
      assert.equal(reindex.code, 0, reindex.stdout + reindex.stderr);
      const after = await runMain(["verify", "--read-data", "--json"], env);
      assert.equal(after.code, 0, after.stdout + after.stderr);
      const clean = JSON.parse(after.stdout) as {
        ok: boolean;
        problems: unknown[];
        checked: number;
      };
      assert.deepEqual(clean.problems, []);
      assert.ok(clean.ok);
      const temps = (await listFiles(`${home}/blobs`)).filter((f) => f.includes(".tmp-")).length;
      report(
        `crash: ${KILLS} kills, ${acked.size} acknowledged stores, ${v.problems.length} orphan blobs before reindex, ${clean.checked} memories after, ${temps} stray temp files`,
      );
    } finally {
      await removeHome(home);
    }
  },
});
