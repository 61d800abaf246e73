/**
 * Concurrency: four processes — two MCP servers (`main.ts serve` under its least-privilege
 * flags) and two CLI store loops (one `main.ts store` process per memory) — store memories
 * into one data home at the same time. Expect 0 errors, 0 lost (every acknowledged pointer
 * retrieves the record that was sent, the index counts exactly what was stored) and
 * `verify --read-data` clean.
 *
 * CI size: 40 memories per process (about 10 s on 2 cores). The full size, 250 per
 * process, runs with `LUMERA_RELIABILITY_FULL=1` (`deno task test-reliability-full`).
 */

import assert from "node:assert/strict";
import { openMemoryService } from "../../src/service/memory_service.ts";
import { rng, session } from "../../bench/corpus.ts";
import { runMain } from "../helpers/permissions.ts";
import {
  FULL,
  keyedHome,
  messageTexts,
  RawMcp,
  removeHome,
  report,
  structured,
  within,
} from "./_helpers.ts";

const PER_PROCESS = FULL ? 250 : 40;
const e2e = { sanitizeOps: false, sanitizeResources: false };

/** What a worker stored: pointer → the session id it sent. */
type Acked = Map<string, string>;

interface WorkerResult {
  acked: Acked;
  errors: string[];
}

/** A generated session of 2–6 KiB, unique to worker `w`, item `i`. */
function sessionFor(w: number, i: number, rand: () => number) {
  const s = session(w * 100_000 + i, 2_000 + Math.floor(rand() * 4_000), rand);
  return { ...s, session_id: `w${w}-i${i}` };
}

async function mcpWorker(w: number, home: string, key: string, n: number): Promise<WorkerResult> {
  const acked: Acked = new Map();
  const errors: string[] = [];
  const rand = rng(1000 + w);
  const server = RawMcp.start({ home, key });
  try {
    await server.initialize();
    for (let i = 0; i < n; i++) {
      // Alternate the two storing tools; query now and then while others write.
      const r = i % 2 === 0
        ? await server.callTool("store_session_to_cascade", { record: sessionFor(w, i, rand) })
        : await server.callTool("remember", {
          title: `w${w}-i${i}`,
          text: `note ${i} from worker ${w}: the refresh handler races the login`,
          tags: ["concurrency", `w${w}`],
        });
      if (r.error || r.result?.isError) {
        errors.push(`mcp w${w} i${i}: ${messageTexts(r).join(" ").slice(0, 200)}`);
        continue;
      }
      const s = structured(r) as { pointer: string; session_id: string; deduplicated: boolean };
      if (s.deduplicated) errors.push(`mcp w${w} i${i}: unexpected dedup`);
      acked.set(s.pointer, i % 2 === 0 ? `w${w}-i${i}` : s.session_id);
      if (i % 10 === 9) {
        const q = await server.callTool("query_cascade_memories", { query: "refresh", limit: 5 });
        if (q.error || q.result?.isError) {
          errors.push(`mcp w${w} query: ${messageTexts(q).join(" ")}`);
        }
      }
    }
  } finally {
    const status = await server.close();
    if (status.code !== 0) errors.push(`mcp w${w} exited with ${status.code}`);
  }
  return { acked, errors };
}

async function cliWorker(w: number, home: string, key: string, n: number): Promise<WorkerResult> {
  const acked: Acked = new Map();
  const errors: string[] = [];
  const rand = rng(2000 + w);
  const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
  for (let i = 0; i < n; i++) {
    const record = sessionFor(w, i, rand);
    const r = await runMain(["store", "--file", "-", "--json", "--tag", "cli"], env, {
      stdin: JSON.stringify(record),
    });
    if (r.code !== 0) {
      errors.push(
        `cli w${w} i${i}: exit ${r.code}: ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 200)}`,
      );
      continue;
    }
    const s = JSON.parse(r.stdout) as { pointer: string; deduplicated: boolean };
    if (s.deduplicated) errors.push(`cli w${w} i${i}: unexpected dedup`);
    acked.set(s.pointer, record.session_id);
  }
  return { acked, errors };
}

Deno.test({
  name:
    `concurrency: 2 MCP servers + 2 CLI loops store ${PER_PROCESS} each into one home: 0 errors, 0 lost, verify clean`,
  ...e2e,
  fn: async () => {
    const { home, key } = await keyedHome("lumera-conc-");
    try {
      const started = performance.now();
      const results = await within(
        FULL ? 600_000 : 120_000,
        "concurrent stores",
        () =>
          Promise.all([
            mcpWorker(0, home, key, PER_PROCESS),
            cliWorker(1, home, key, PER_PROCESS),
            mcpWorker(2, home, key, PER_PROCESS),
            cliWorker(3, home, key, PER_PROCESS),
          ]),
      );
      const seconds = (performance.now() - started) / 1000;
      const errors = results.flatMap((r) => r.errors);
      assert.deepEqual(errors, [], "every store succeeded");
      const acked = new Map<string, string>();
      for (const r of results) for (const [p, s] of r.acked) acked.set(p, s);
      assert.equal(acked.size, 4 * PER_PROCESS, "every store got its own pointer");

      // 0 lost: every acknowledged pointer retrieves the record that was sent.
      const svc = await openMemoryService({
        home,
        env: (n) => (n === "LUMERA_MEMORY_KEY" ? key : undefined),
      });
      try {
        // stats counts exactly; a query's total stops at its window of 250 (total_capped).
        assert.equal(svc.stats().memories, 4 * PER_PROCESS, "the index holds every store");
        for (const [pointer, sessionId] of acked) {
          const got = await svc.retrieve(pointer);
          assert.equal(got.record.session_id, sessionId);
        }
      } finally {
        svc.close();
      }

      const verify = await runMain(["verify", "--read-data", "--json"], {
        LUMERA_MEMORY_HOME: home,
        LUMERA_MEMORY_KEY: key,
      });
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      const v = JSON.parse(verify.stdout) as { ok: boolean; checked: number; problems: unknown[] };
      assert.deepEqual(v.problems, []);
      assert.equal(v.checked, 4 * PER_PROCESS);
      assert.ok(v.ok);
      // Informational: how long four writers took together.
      report(
        `concurrency: ${4 * PER_PROCESS} stores by 4 processes in ${seconds.toFixed(1)} s`,
      );
    } finally {
      await removeHome(home);
    }
  },
});

Deno.test({
  name:
    "regression: the same content stored by 4 servers at once leaves no orphan blob (verify clean)",
  ...e2e,
  fn: async () => {
    const { home, key } = await keyedHome("lumera-conc-dup-");
    const servers = [0, 1, 2, 3].map(() => RawMcp.start({ home, key }));
    try {
      await Promise.all(servers.map((s) => s.initialize()));
      const rand = rng(5);
      const records = Array.from({ length: 30 }, (_, i) => sessionFor(9, i, rand));
      const pointers = new Set<string>();
      for (const record of records) {
        // Every server stores the same record at the same moment.
        const rs = await Promise.all(
          servers.map((s) => s.callTool("store_session_to_cascade", { record })),
        );
        for (const r of rs) pointers.add(String(structured(r)?.pointer));
      }
      assert.equal(pointers.size, records.length, "one pointer per content");
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
    try {
      const verify = await runMain(["verify", "--json"], {
        LUMERA_MEMORY_HOME: home,
        LUMERA_MEMORY_KEY: key,
      });
      const v = JSON.parse(verify.stdout) as { problems: { kind: string }[] };
      const orphans = v.problems.filter((p) => p.kind === "orphan").length;
      assert.equal(orphans, 0, `${orphans} orphan blobs after concurrent duplicate stores`);
    } finally {
      await removeHome(home);
    }
  },
});
