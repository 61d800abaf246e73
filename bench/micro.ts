/**
 * Micro benchmarks of the steps of a store, each alone, in process:
 *
 * - scan: `scanText` over Zipf text of 1 KiB, 100 KiB and 1 MiB (with code-like lines and
 *   placeholders that look like credentials but are not), and `scanRecord` of a 100 KiB session;
 * - seal / open (DEFLATE + AES-256-GCM) of 1 KiB, 100 KiB and 1 MiB record JSON;
 * - index insert (one transaction per memory, FTS row included) and query, on an on-disk SQLite
 *   index without blobs, at 10,000 and 100,000 memories (1,000,000 with `--1m`: about 15 minutes
 *   and ~8 GB of index, not part of the published figures).
 *
 * Run: `deno task bench-micro` (about 2 minutes), `--quick` (index at 10,000 only).
 *
 * @module
 */

import { open, seal } from "../src/crypto/envelope.ts";
import { deriveKeyRing } from "../src/crypto/keys.ts";
import { openIndexDb } from "../src/index/db.ts";
import { MemoryIndex } from "../src/index/memory_index.ts";
import { canonicalJson, normalizeRecord } from "../src/record/schema.ts";
import { scanRecord, scanText } from "../src/scan/mod.ts";
import { rng, sentence, session, VOCAB } from "./corpus.ts";
import { generatedEntry } from "./index_entry.ts";
import { bytes, ms, out, pct } from "./stats.ts";

const args = Deno.args;
const quick = args.includes("--quick");
const SIZES = args.includes("--1m")
  ? [10_000, 100_000, 1_000_000]
  : quick
  ? [10_000]
  : [10_000, 100_000];

function time<T>(runs: number, fn: () => T): number[] {
  const xs: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    fn();
    if (i >= 2) xs.push(performance.now() - t);
  }
  return xs;
}

async function timeAsync(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    await fn();
    if (i >= 2) xs.push(performance.now() - t);
  }
  return xs;
}

/** Realistic agent text: prose, paths, commands, and harmless look-alikes of credentials. */
function text(targetBytes: number, rand: () => number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const kind = i % 6;
    const line = kind === 0
      ? `$ npm test -- --grep "${VOCAB[200 + (i % 500)]}"`
      : kind === 1
      ? `src/${VOCAB[300 + (i % 700)]}/handler_${i % 13}.ts:${i * 3}: ${sentence(rand, 8)}`
      : kind === 2
      ? `export API_KEY=\${API_KEY}  # from the environment, see README`
      : sentence(rand, 14);
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n").slice(0, targetBytes);
}

const rand = rng(5);
out(`micro bench; deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`);

// Scan.
for (const size of [1024, 100 * 1024, 1024 * 1024]) {
  const t = text(size, rand);
  const xs = time(size > 200_000 ? 15 : 100, () => scanText(t));
  const p50 = pct(xs, 50);
  out(
    `scan text ${bytes(size).padStart(9)}      p50 ${ms(p50).padStart(8)}  p99 ${
      ms(pct(xs, 99)).padStart(8)
    }  ${(size / 1024 / 1024 / (p50 / 1000)).toFixed(0)} MiB/s`,
  );
}
const session100k = normalizeRecord(session(1, 100 * 1024, rand));
{
  const xs = time(50, () => scanRecord(session100k));
  out(
    `scan record 100 KiB session   p50 ${ms(pct(xs, 50)).padStart(8)}  p99 ${
      ms(pct(xs, 99)).padStart(8)
    }`,
  );
}

// Seal / open.
const keys = await deriveKeyRing(crypto.getRandomValues(new Uint8Array(32)));
for (const size of [1024, 100 * 1024, 1024 * 1024]) {
  const record = normalizeRecord(session(2, size, rand));
  const plain = new TextEncoder().encode(canonicalJson(record));
  let sealed = await seal(keys, plain);
  const runs = size > 200_000 ? 20 : 100;
  const s = await timeAsync(runs, async () => (sealed = await seal(keys, plain)));
  const o = await timeAsync(runs, () => open(keys, sealed, 16 * 1024 * 1024));
  out(
    `seal/open ${bytes(plain.length).padStart(9)} JSON  seal p50 ${
      ms(pct(s, 50)).padStart(8)
    }  open p50 ${ms(pct(o, 50)).padStart(8)}  sealed ${bytes(sealed.length)} (${
      (100 * sealed.length / plain.length).toFixed(0)
    }%)`,
  );
}

// Index insert / query, without blobs.
const QUERIES = [
  { text: "login race" },
  { text: `${VOCAB[120]} ${VOCAB[400]}` },
  { text: `${VOCAB[900]}`, tags: ["db"] },
  { tags: ["auth"], limit: 20 },
  { text: `${VOCAB[2000]} ${VOCAB[2500]} ${VOCAB[3000]}` },
];
const dir = await Deno.makeTempDir({ prefix: "lumera-bench-micro-" });
try {
  const db = await openIndexDb(`${dir}/index.db`);
  const index = new MemoryIndex(db);
  const irand = rng(11);
  let n = 0;
  for (const target of SIZES) {
    const inserts: number[] = [];
    const started = performance.now();
    while (n < target) {
      const entry = generatedEntry(n, irand);
      const t = performance.now();
      index.insert(entry);
      inserts.push(performance.now() - t);
      n++;
    }
    const fillS = (performance.now() - started) / 1000;
    const queries: number[] = [];
    const byShape: number[][] = QUERIES.map(() => []);
    for (let r = 0; r < 60; r++) {
      QUERIES.forEach((q, i) => {
        const t = performance.now();
        index.query(q);
        const dt = performance.now() - t;
        queries.push(dt);
        byShape[i].push(dt);
      });
    }
    const dbBytes = (await Deno.stat(`${dir}/index.db`)).size +
      await Deno.stat(`${dir}/index.db-wal`).then((s) => s.size, () => 0);
    out(
      `index at ${String(target).padStart(7)}  insert p50 ${
        ms(pct(inserts, 50)).padStart(8)
      }  p99 ${ms(pct(inserts, 99)).padStart(8)}  query p50 ${
        ms(pct(queries, 50)).padStart(8)
      }  p99 ${ms(pct(queries, 99)).padStart(8)}  ${bytes(dbBytes / target)}/memory  (filled in ${
        fillS.toFixed(0)
      } s)`,
    );
    out(
      `  query p50 by shape: ${
        QUERIES.map((q, i) => `${JSON.stringify(q)} ${ms(pct(byShape[i], 50))}`).join(" · ")
      }`,
    );
  }
  db.close();
} finally {
  await Deno.remove(dir, { recursive: true });
}
