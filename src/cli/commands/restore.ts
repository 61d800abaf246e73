/**
 * `lumera-memory restore`: rebuild the index from the newest manifest on Lumera Cascade (a new
 * machine needs only the key and the paying account); blobs are fetched when retrieved, or all
 * at once with `--fetch-all`.
 *
 * @module
 */

import { loadConfig } from "../../config/config_file.ts";
import { readEnv } from "../../config/home.ts";
import type { RestoreReport } from "../../remote/restore.ts";
import { type CliContext, homeOf, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";
import { noRemoteError } from "./sync.ts";

/** Runs `restore`. */
export async function restoreCommand(
  ctx: CliContext,
  opts: { fetchAll?: boolean },
): Promise<number> {
  const home = homeOf(ctx);
  const { remote } = await loadConfig(home);
  if (remote === undefined) throw noRemoteError(home);
  const report = await withService(ctx, async (service) => {
    const { restoreFromRemote } = await import("../../remote/restore.ts");
    const { remoteFactory } = await import("../../remote/open_remote.ts");
    const client = await remoteFactory(remote, readEnv)();
    return await restoreFromRemote(service, client, { fetchAll: opts.fetchAll === true });
  });
  render(ctx, report);
  return 0;
}

function render(ctx: CliContext, r: RestoreReport): void {
  if (ctx.json) return writeJson(r);
  const lines = [
    `manifest #${r.manifest.seq} (action ${r.manifest.action_id}, ${r.manifest.created_at})`,
    `${r.restored} memories restored, ${r.already_indexed} already here, ${r.forgotten} forgotten, ${r.tombstones} tombstones, ${r.segments} segments`,
  ];
  if (r.invalid > 0) lines.push(`${r.invalid} manifest entries were unusable and skipped`);
  if (r.skipped_manifests > 0) {
    lines.push(`${r.skipped_manifests} newer manifest(s) could not be opened with this key`);
  }
  lines.push(
    r.fetched === undefined
      ? "blobs are fetched from Cascade when retrieved (or now: restore --fetch-all)"
      : `${r.fetched} blobs fetched (${r.downloads} segment downloads)`,
  );
  writeLines(lines);
}
