/**
 * Query shapes at scale on an index alone (no blobs): builds (once, kept at `--db=PATH`) an index
 * of N generated 2–6 KiB sessions the way `scale.ts` stores them, then times each of the scale
 * bench's query shapes. For working on the query planner without refilling a store each time.
 *
 * Run: `deno run --allow-read --allow-write --allow-env bench/query_shapes.ts --n=100000
 * --db=/tmp/idx-100k.db` (the first run fills the index: about 2 minutes per 100,000). Add
 * `--rank-all` to time the same shapes ranking every match instead of the newest 250.
 *
 * @module
 */

import { openIndexDb } from "../src/index/db.ts";
import { MemoryIndex } from "../src/index/memory_index.ts";
import { rng, session } from "./corpus.ts";
import { generatedEntry } from "./index_entry.ts";
import { SCALE_QUERIES } from "./scale_queries.ts";
import { ms, out, pct } from "./stats.ts";

const arg = (name: string) =>
  Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg("n") ?? 100_000);
const path = arg("db") ?? `/tmp/lumera-query-shapes-${N}.db`;
const runs = Number(arg("runs") ?? 30);
const rankAll = Deno.args.includes("--rank-all");

const db = await openIndexDb(path);
const index = new MemoryIndex(db);
let n = index.count();
if (n < N) {
  const rand = rng(42);
  // Replay the generator up to n so a resumed fill adds the same records.
  for (let i = 0; i < n; i++) session(i, 2_000 + Math.floor(rand() * 4_000), rand);
  const t0 = performance.now();
  while (n < N) {
    index.insert(generatedEntry(n, rand));
    n++;
    if (n % 10_000 === 0) out(`  … ${n} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}
const all: number[] = [];
for (const q of SCALE_QUERIES) {
  const xs: number[] = [];
  let total = 0;
  for (let r = 0; r < runs + 2; r++) {
    const t = performance.now();
    const res = index.query(rankAll ? { ...q, rank_all: true } : q);
    const dt = performance.now() - t;
    total = res.total;
    if (r >= 2) xs.push(dt);
  }
  all.push(...xs);
  out(
    `${JSON.stringify(q).padEnd(60)} p50 ${ms(pct(xs, 50)).padStart(8)}  p99 ${
      ms(pct(xs, 99)).padStart(8)
    }  total ${total}`,
  );
}
out(
  `all shapes at ${n}${rankAll ? " (rank_all)" : ""}: p50 ${ms(pct(all, 50))}  p99 ${
    ms(pct(all, 99))
  }`,
);
db.close();
