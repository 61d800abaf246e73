/**
 * Child process for the crash-safety test: stores generated sessions one by one into the data
 * home named by `LUMERA_MEMORY_HOME` (key in `LUMERA_MEMORY_KEY`) and prints `<session id>
 * <pointer>` on stdout after each store has returned — an acknowledged store. It runs until it
 * is killed.
 *
 * Usage: deno run --allow-read=<home> --allow-write=<home> --allow-env=… _store_loop.ts <prefix> <seed>
 *
 * @module
 */

import { openMemoryService } from "../../src/service/memory_service.ts";
import { rng, session } from "../../bench/corpus.ts";

const [prefix = "loop", seedArg = "1"] = Deno.args;
const rand = rng(Number(seedArg));
const service = await openMemoryService();
const encoder = new TextEncoder();
for (let i = 0;; i++) {
  // Mostly small sessions, now and then a large one, so kills land in every step of a store.
  const r = rand();
  const size = r < 0.1 ? 400_000 + Math.floor(rand() * 600_000) : r < 0.3 ? 60_000 : 3_000;
  const record = { ...session(i, size, rand), session_id: `${prefix}-${i}` };
  const result = await service.store({ kind: "record", record });
  Deno.stdout.writeSync(encoder.encode(`${record.session_id} ${result.pointer}\n`));
}
