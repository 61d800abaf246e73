/**
 * `lumera-memory demo`: the whole flow on the embedded default, in a throwaway home with a fresh
 * key — store the bundled example sessions, refuse one carrying a secret, search, retrieve and
 * compare, verify every blob, estimate the Cascade cost.
 *
 * @module
 */

import { readEnv } from "../../config/home.ts";
import { generateMasterKey } from "../../crypto/keys.ts";
import { keysDir, writeKeyFile } from "../../crypto/key_file.ts";
import { LumeraError } from "../../errors.ts";
import { estimateCascadeFee } from "../../estimate/cascade_fee.ts";
import { canonicalJson } from "../../record/schema.ts";
import { openMemoryService } from "../../service/memory_service.ts";
import { exampleRecords } from "../../sources/mod.ts";
import type { CliContext } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";

/** Options of `demo`. */
export interface DemoOptions {
  /** Keep the demo home afterwards (it is removed by default). */
  keep?: boolean;
}

/** Runs the demo; exits non-zero if any step does not hold. */
export async function demoCommand(ctx: CliContext, opts: DemoOptions): Promise<number> {
  const home = ctx.home ?? await Deno.makeTempDir({ prefix: "lumera-memory-demo-" });
  const say = (line: string) => {
    if (!ctx.json) writeLines([line]);
  };
  const master = generateMasterKey();
  await writeKeyFile(keysDir(home), master);
  master.fill(0);
  // The demo always uses its own fresh key, never the user's.
  const env = (name: string) =>
    name === "LUMERA_MEMORY_KEY" || name === "LUMERA_MEMORY_KEY_FILE" ||
      name === "LUMERA_MEMORY_PASSPHRASE"
      ? undefined
      : readEnv(name);
  const service = await openMemoryService({ home, env });
  const report: Record<string, unknown> = { home };
  try {
    say(`Demo home: ${home} (fresh key)`);
    const examples = exampleRecords();
    const stored = [];
    let totalSealed = 0;
    for (const record of examples) {
      const r = await service.store({ kind: "record", record });
      stored.push(r);
      totalSealed += r.stored_bytes;
      say(
        `  stored ${r.pointer}  ${record.tool_name.padEnd(11)} ${record.title ?? record.summary}`,
      );
    }
    report.stored = stored;

    const fakeToken = ["ghp", "_", "Zx9".repeat(12)].join("");
    let refused: LumeraError | undefined;
    try {
      await service.store({
        kind: "note",
        title: "deploy notes",
        text: `remember to export GITHUB_TOKEN=${fakeToken} before deploying`,
      });
    } catch (err) {
      if (!(err instanceof LumeraError) || err.code !== "SECRET_REFUSED") throw err;
      refused = err;
    }
    if (!refused) {
      throw new LumeraError("INTERNAL", "demo: a note carrying a token was not refused");
    }
    say(`  refused a note carrying a token: ${refused.message}`);
    report.refused = { code: refused.code, details: refused.details };

    const query = service.query({ text: "login race", limit: 5 });
    say(`Search "login race": ${query.total} match(es)`);
    for (const h of query.hits) say(`  ${h.pointer}  ${h.snippet ?? h.summary}`);
    report.query = query;
    if (query.hits.length === 0) throw new LumeraError("INTERNAL", "demo: search found nothing");

    const pointer = query.hits[0].pointer;
    const back = await service.retrieve(pointer);
    const original = examples[stored.findIndex((s) => s.pointer === pointer)];
    const roundTrip = original !== undefined &&
      canonicalJson(back.record) === canonicalJson(original);
    if (!roundTrip) {
      throw new LumeraError("INTEGRITY", "demo: retrieved record differs from the stored one");
    }
    say(`Retrieved ${pointer}: hash and authentication verified, identical to what was stored`);
    report.retrieved = { pointer, round_trip: roundTrip };

    const verify = await service.verify({ readData: true });
    say(
      `Verify: ${verify.checked} memories, ${verify.read_data} decrypted, ${
        verify.ok ? "all intact" : "PROBLEMS"
      }`,
    );
    report.verify = verify;
    if (!verify.ok) throw new LumeraError("INTEGRITY", "demo: verify found problems");

    const estimate = estimateCascadeFee({ bytes: totalSealed });
    say(
      `Cascade cost for these ${stored.length} sealed sessions (${
        formatBytes(totalSealed)
      }, one upload): ` +
        `${estimate.fee_ulume.toLocaleString("en-US")} ulume, once (default fee parameters)`,
    );
    report.estimate = estimate;
  } finally {
    service.close();
    if (!opts.keep && ctx.home === undefined) await Deno.remove(home, { recursive: true });
  }
  if (opts.keep || ctx.home !== undefined) say(`Kept the demo home: ${home}`);
  if (ctx.json) writeJson(report);
  return 0;
}
