/**
 * The store at scale, in process, through the real service (normalize → scan → seal → durable
 * blob write → index): fills one data home with generated 2–6 KiB sessions (Zipf text, see
 * `corpus.ts`) and, at 10,000 and 100,000 memories, measures
 *
 * - store p50/p99 of the 2–6 KiB sessions stored since the previous checkpoint,
 * - query p50/p99 over 10 query shapes (free text, tags, agent, time, workspace, FTS garbage),
 * - store of a 100 KiB session p50/p99 (20 runs; target p50 ≤ 10 ms at 100k),
 * - index bytes per memory (index.db after a checkpoint) and blob bytes per memory (apparent
 *   size and disk blocks actually allocated).
 *
 * Targets from issue 7 at 100k: query p50 ≤ 5 ms and p99 ≤ 25 ms; 100 KiB store p50 ≤ 10 ms.
 *
 * Run: `deno task bench-scale` (100,000 memories: about 6 minutes on 2 cores),
 *      `deno task bench-scale --quick` (10,000), `--max=N` for another size. 1,000,000 is possible
 *      with `--max=1000000` but takes about an hour and a million blob files; it is not part of
 *      the published figures.
 *
 * @module
 */

import { openMemoryService } from "../src/service/memory_service.ts";
import { rng, session } from "./corpus.ts";
import { SCALE_QUERIES } from "./scale_queries.ts";
import { bytes, ms, out, pct } from "./stats.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";

const args = Deno.args;
const maxArg = args.find((a) => a.startsWith("--max="));
const MAX = maxArg ? Number(maxArg.slice(6)) : args.includes("--quick") ? 10_000 : 100_000;
const CHECKPOINTS = [10_000, 100_000, 1_000_000].filter((c) => c <= MAX);
if (!CHECKPOINTS.includes(MAX)) CHECKPOINTS.push(MAX);

const QUERIES = SCALE_QUERIES;

async function sizes(home: string, count: number) {
  let blobApparent = 0;
  let blobAllocated = 0;
  for await (const fan of Deno.readDir(`${home}/blobs`)) {
    if (!fan.isDirectory) continue;
    for await (const e of Deno.readDir(`${home}/blobs/${fan.name}`)) {
      if (!e.isFile) continue;
      const st = await Deno.stat(`${home}/blobs/${fan.name}/${e.name}`);
      blobApparent += st.size;
      blobAllocated += (st.blocks ?? 0) * 512;
    }
  }
  let db = 0;
  for (const f of ["index.db", "index.db-wal", "index.db-shm"]) {
    db += await Deno.stat(`${home}/${f}`).then((s) => s.size, () => 0);
  }
  return {
    db: db / count,
    blobApparent: blobApparent / count,
    blobAllocated: blobAllocated / count,
  };
}

const work = await Deno.makeTempDir({ prefix: "lumera-bench-scale-" });
const home = `${work}/home`;
const key = randomKeyHex();
const env = (n: string) => (n === "LUMERA_MEMORY_KEY" ? key : undefined);
try {
  out(
    `scale bench: in-process store up to ${MAX} memories (2-6 KiB sessions); deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
  );
  let service = await openMemoryService({ home, env });
  const rand = rng(42);
  let stored = 0;
  let from = 0;
  const started = performance.now();
  for (const checkpoint of CHECKPOINTS) {
    const storeTimes: number[] = [];
    const fillStart = performance.now();
    while (stored < checkpoint) {
      const record = session(stored, 2_000 + Math.floor(rand() * 4_000), rand);
      const t = performance.now();
      await service.store({ kind: "record", record });
      storeTimes.push(performance.now() - t);
      stored++;
      if (stored % 10_000 === 0 && stored !== checkpoint) {
        Deno.stderr.writeSync(new TextEncoder().encode(`  … ${stored} memories\n`));
      }
    }
    const fillS = (performance.now() - fillStart) / 1000;

    const queryTimes: number[] = [];
    const byShape: number[][] = QUERIES.map(() => []);
    for (let r = 0; r < 50; r++) {
      QUERIES.forEach((q, i) => {
        const t = performance.now();
        service.query(q);
        const dt = performance.now() - t;
        queryTimes.push(dt);
        byShape[i].push(dt);
      });
    }

    const big: number[] = [];
    const bigRand = rng(checkpoint);
    for (let i = 0; i < 22; i++) {
      const record = session(10_000_000 + checkpoint + i, 100 * 1024, bigRand);
      const t = performance.now();
      await service.store({ kind: "record", record });
      if (i >= 2) big.push(performance.now() - t);
    }
    const count = stored + 22 * (CHECKPOINTS.indexOf(checkpoint) + 1);

    service.close(); // checkpoints the WAL, so index.db is its steady size
    const s = await sizes(home, count);
    service = await openMemoryService({ home, env });

    const q50 = pct(queryTimes, 50);
    const q99 = pct(queryTimes, 99);
    const b50 = pct(big, 50);
    out(`at ${checkpoint} memories (filled ${checkpoint - from} in ${fillS.toFixed(0)} s):`);
    out(
      `  store 2-6 KiB session   p50 ${ms(pct(storeTimes, 50))}  p99 ${
        ms(pct(storeTimes, 99))
      }  (stores ${from + 1}..${checkpoint})`,
    );
    out(
      `  query                   p50 ${ms(q50)}  p99 ${ms(q99)}  (target p50 ≤ 5 ms, p99 ≤ 25 ms) ${
        q50 <= 5 && q99 <= 25 ? "OK" : "MISS"
      }`,
    );
    out(
      `  query p50 by shape      ${
        QUERIES.map((q, i) => `${JSON.stringify(q).slice(0, 40)} ${ms(pct(byShape[i], 50))}`)
          .join(" · ")
      }`,
    );
    out(
      `  store 100 KiB session   p50 ${ms(b50)}  p99 ${ms(pct(big, 99))}  (target p50 ≤ 10 ms) ${
        b50 <= 10 ? "OK" : "MISS"
      }`,
    );
    out(
      `  bytes per memory        index ${bytes(s.db)}  blobs ${bytes(s.blobApparent)} (on disk ${
        bytes(s.blobAllocated)
      })`,
    );
    from = checkpoint;
  }
  service.close();
  out(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await Deno.remove(work, { recursive: true });
}
