/**
 * `lumera-memory export` and `import-archive`: one portable, encrypted archive file.
 *
 * @module
 */

import { exportArchive, importArchive } from "../../service/lifecycle/archive.ts";
import type { ForgetInput } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";

/** Options of `export`. */
export interface ExportOptions {
  /** Archive path. */
  out: string;
  /** Only this tag. */
  tag?: string;
  /** Only this workspace. */
  workspace?: string;
  /** Only this session. */
  session?: string;
}

/** Runs `export`. */
export async function exportCommand(ctx: CliContext, o: ExportOptions): Promise<number> {
  const filter: ForgetInput = {};
  if (o.tag !== undefined) filter.tag = o.tag;
  if (o.workspace !== undefined) filter.workspace = o.workspace;
  if (o.session !== undefined) filter.session_id = o.session;
  const r = await withService(ctx, (s) => exportArchive(s, o.out, filter));
  if (ctx.json) writeJson(r);
  else {writeLines([
      `Wrote ${r.memories} memories to ${r.path} (${formatBytes(r.bytes)}, encrypted).`,
    ]);}
  return 0;
}

/** Runs `import-archive`. */
export async function importArchiveCommand(ctx: CliContext, file: string): Promise<number> {
  const r = await withService(ctx, (s) => importArchive(s, file));
  if (ctx.json) writeJson(r);
  else {
    writeLines([
      `Archive checked: ${r.entries} entries. Imported ${r.imported}; ${r.already} already here; ${r.forgotten} skipped as forgotten.`,
    ]);
  }
  return 0;
}
