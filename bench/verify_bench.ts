/**
 * `verify --read-data` over N memories against the floor of reading their bytes.
 *
 * Fills a store with N generated sessions (2–6 KiB each), then times, in the same run:
 *  - reading every blob file, synchronously (the floor: what any check must at least do), and
 *  - `verify({ readData: true })`: every blob read, hash-checked, decrypted, authenticated,
 *    decompressed, parsed, schema-checked and its keyed content id recomputed.
 * Prints both and the ratio (target ≤ 2×), once with a warm page cache (reading is then a memory
 * copy, so the ratio shows the CPU cost of verifying) and once from disk, dropping the page cache
 * before each pass (needs root; skipped otherwise).
 *
 * Run: `deno task bench-verify` (N=10000) or with `--quick` (N=2000).
 *
 * @module
 */

import { openMemoryService } from "../src/service/memory_service.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";
import { out } from "./stats.ts";

const quick = Deno.args.includes("--quick");
const N = quick ? 2_000 : 10_000;

function canDropPageCache(): boolean {
  try {
    dropPageCache();
    return true;
  } catch {
    return false;
  }
}

function dropPageCache(): void {
  new Deno.Command("sync").outputSync();
  Deno.writeTextFileSync("/proc/sys/vm/drop_caches", "3\n");
}

const home = await Deno.makeTempDir({ prefix: "lumera-memory-verify-bench-" });
const key = randomKeyHex();
const env = (n: string) => (n === "LUMERA_MEMORY_KEY" ? key : undefined);
try {
  const s = await openMemoryService({ home, env });
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words = "cache login race token refresh session retry timeout index query deploy rollback"
    .split(" ");
  for (let i = 0; i < N; i++) {
    const messages = [];
    const target = 2000 + Math.floor(rand() * 4000);
    for (let size = 0; size < target;) {
      const text = Array.from({ length: 30 }, () =>
        words[Math.floor(rand() * words.length)]).join(" ") + ` step ${size}`;
      messages.push({ role: "assistant", text });
      size += text.length;
    }
    await s.store({
      kind: "record",
      record: {
        session_id: `v-${i}`,
        timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        tool_name: "codex",
        summary: `verify bench ${i}`,
        messages,
      },
    });
  }
  const paths: string[] = [];
  for await (const d of Deno.readDir(`${home}/blobs`)) {
    for await (const f of Deno.readDir(`${home}/blobs/${d.name}`)) {
      paths.push(`${home}/blobs/${d.name}/${f.name}`);
    }
  }
  const readAll = () => {
    let bytes = 0;
    for (const p of paths) bytes += Deno.readFileSync(p).byteLength;
    return bytes;
  };
  const measure = async (dropCaches: boolean) => {
    // Interleaved runs; the minimum of each is the least disturbed by other work on the machine.
    let read = Infinity;
    let verify = Infinity;
    for (let r = 0; r < 5; r++) {
      if (dropCaches) dropPageCache();
      let t = performance.now();
      readAll();
      read = Math.min(read, performance.now() - t);
      if (dropCaches) dropPageCache();
      t = performance.now();
      const v = await s.verify({ readData: true });
      verify = Math.min(verify, performance.now() - t);
      if (!v.ok || v.read_data !== N) throw new Error("verify found problems");
    }
    return { read, verify };
  };
  const bytes = readAll();
  out(`${N} memories, ${(bytes / 1048576).toFixed(1)} MiB of blobs (min of 5 interleaved runs)`);
  const report = (label: string, m: { read: number; verify: number }) => {
    out(
      `${label}: read all blob bytes ${m.read.toFixed(0)} ms, verify --read-data ${
        m.verify.toFixed(0)
      } ms, ` +
        `ratio ${(m.verify / m.read).toFixed(2)}x (target ≤ 2x) ${
          m.verify / m.read <= 2 ? "OK" : "MISS"
        }`,
    );
  };
  report("warm page cache", await measure(false));
  if (canDropPageCache()) report("cold (page cache dropped)", await measure(true));
  else out("cold: skipped (needs root to write /proc/sys/vm/drop_caches)");
  s.close();
} finally {
  await Deno.remove(home, { recursive: true });
}
