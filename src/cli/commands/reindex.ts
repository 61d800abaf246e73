/**
 * `lumera-memory reindex`: rebuild the index from the blobs (a deleted or corrupt `index.db` is
 * recoverable with the key).
 *
 * @module
 */

import { LumeraError } from "../../errors.ts";
import { logLine } from "../../log.ts";
import { reindexFromBlobs } from "../../service/lifecycle/reindex.ts";
import { type CliContext, homeOf, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";
import { progress } from "../progress.ts";

/** Moves an unreadable index aside so a fresh one can be built; returns the new name. */
async function moveAside(home: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const aside = `${home}/index.db.corrupt-${stamp}`;
  await Deno.rename(`${home}/index.db`, aside);
  for (const suffix of ["-wal", "-shm"]) {
    await Deno.rename(`${home}/index.db${suffix}`, `${aside}${suffix}`).catch(() => {});
  }
  return aside;
}

/** Runs `reindex`. */
export async function reindexCommand(ctx: CliContext): Promise<number> {
  let movedTo: string | undefined;
  const run = () =>
    withService(ctx, async (s) => {
      const bar = ctx.json ? undefined : progress("reindexing");
      const r = await reindexFromBlobs(s, (d, t) => bar?.update(d, t));
      bar?.done();
      return r;
    });
  let r;
  try {
    r = await run();
  } catch (err) {
    if (
      !(err instanceof LumeraError && err.code === "INTEGRITY" &&
        /index database/.test(err.message))
    ) {
      throw err;
    }
    movedTo = await moveAside(homeOf(ctx));
    logLine(`the index was unreadable; moved it to ${movedTo} and rebuilding from the blobs`);
    r = await run();
  }
  if (ctx.json) writeJson({ ...r, moved_aside: movedTo ?? null });
  else {
    writeLines([
      `Checked ${r.rows} index rows: dropped ${r.dropped.length} whose blob is missing.`,
      `Adopted ${r.adopted} blobs; removed ${r.removed} forgotten or duplicate copies.`,
      ...(r.leftovers_removed + r.leftovers_kept > 0
        ? [
          `Removed ${r.leftovers_removed} temporary file(s) of interrupted stores${
            r.leftovers_kept > 0 ? `; kept ${r.leftovers_kept} younger than a minute` : ""
          }.`,
        ]
        : []),
      ...(movedTo ? [`The old index was moved to ${movedTo} (tombstones in it are lost).`] : []),
      ...r.unreadable.map((u) => `  unreadable ${u.pointer}: ${u.reason}`),
    ]);
  }
  return r.unreadable.length === 0 ? 0 : 6;
}
