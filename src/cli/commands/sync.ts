/**
 * `lumera-memory sync`: batch pending memories into segments per the policy (or now, with
 * `--now`), upload them to Lumera Cascade, then upload a fresh restore manifest. Prints what it
 * did: segments, bytes, fees paid, what is left.
 *
 * @module
 */

import { loadConfig } from "../../config/config_file.ts";
import { readEnv } from "../../config/home.ts";
import { DEFAULT_BATCH_POLICY } from "../../config/remote_config.ts";
import { type ErrorCode, EXIT_CODE_FOR, LumeraError } from "../../errors.ts";
import type { SyncReport } from "../../remote/sync_engine.ts";
import { type CliContext, homeOf, withService } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";

/** Options of `sync`. */
export interface SyncCommandOptions {
  /** Batch every pending memory now. */
  now?: boolean;
  /** Plan only. */
  dryRun?: boolean;
  /** Queue rejected uploads again. */
  retryRejected?: boolean;
  /** Seconds to keep polling until uploads finalize (default 300). */
  wait?: number;
}

/** The error raised when a command needs the remote and none is configured. */
export function noRemoteError(home: string): LumeraError {
  return new LumeraError("USAGE", `no Cascade remote is configured in ${home}/config.json`, {
    hint:
      'add {"remote": {"backend": "cascade", "network": "testnet"}} (see the README\'s Cascade backend section)',
  });
}

/** Runs `sync`. */
export async function syncCommand(ctx: CliContext, opts: SyncCommandOptions): Promise<number> {
  const home = homeOf(ctx);
  const { remote } = await loadConfig(home);
  if (remote === undefined && opts.dryRun !== true) throw noRemoteError(home);
  const report = await withService(ctx, async (service) => {
    const { SyncEngine } = await import("../../remote/sync_engine.ts");
    const { remoteFactory } = await import("../../remote/open_remote.ts");
    const engine = new SyncEngine({
      service,
      remote: remote === undefined
        ? () => Promise.reject(noRemoteError(home))
        : remoteFactory(remote, readEnv),
      policy: remote?.batch ?? DEFAULT_BATCH_POLICY,
    });
    return await engine.sync({
      now: opts.now === true,
      dryRun: opts.dryRun === true,
      retryRejected: opts.retryRejected === true,
      waitMs: (opts.wait ?? 300) * 1000,
    });
  });
  render(ctx, report);
  // Work left behind an error: exit with that error's code (7 for the remote, 4 for a missing
  // mnemonic…); otherwise 0, even if uploads are still being finalized (the next sync goes on).
  const stuck = report.errors.length > 0 &&
    report.remaining.uploads + report.remaining.rejected > 0;
  return stuck ? EXIT_CODE_FOR[report.errors[0].code as ErrorCode] ?? 7 : 0;
}

function ulume(n: number): string {
  return `${n.toLocaleString("en-US")} ulume (${(n / 1e6).toFixed(6)} LUME)`;
}

function render(ctx: CliContext, r: SyncReport): void {
  if (ctx.json) return writeJson(r);
  const lines: string[] = [];
  const segs = `${r.segments_built} segment${r.segments_built === 1 ? "" : "s"}`;
  if (r.dry_run) {
    lines.push(
      r.flush === "none"
        ? `dry run: ${r.pending_before.memories} memories pending (${
          formatBytes(r.pending_before.bytes)
        }); the batching policy would not flush yet (use --now)`
        : `dry run: would batch ${r.memories_batched} memories into ${segs} (${
          formatBytes(r.bytes_built)
        }), about ${ulume(r.estimated_fee_ulume ?? 0)} in action fees plus gas`,
    );
  } else {
    if (r.segments_built > 0) {
      lines.push(
        `batched ${r.memories_batched} memories into ${segs} (${formatBytes(r.bytes_built)})`,
      );
    } else if (r.pending_before.memories > 0 && r.flush === "none") {
      lines.push(
        `${r.pending_before.memories} memories pending (${
          formatBytes(r.pending_before.bytes)
        }); not enough to batch yet (use --now)`,
      );
    }
    lines.push(
      `registered ${r.registered}, uploaded ${r.uploaded}, finalized ${r.finalized}` +
        (r.manifests_built > 0 ? ` (manifests built: ${r.manifests_built})` : "") +
        `; paid ${ulume(r.fees_paid_ulume)}`,
    );
    if (r.abandoned > 0) lines.push(`${r.abandoned} segment(s) dropped (a member was forgotten)`);
  }
  if (r.missing_blobs > 0) lines.push(`${r.missing_blobs} memories skipped: blob not on disk`);
  for (const e of r.errors.slice(0, 10)) {
    lines.push(`error on upload ${e.upload} [${e.code}]: ${e.message}`);
  }
  const left = r.remaining;
  lines.push(
    `left: ${left.uploads} upload(s) in flight, ${left.pending_memories} memories pending, ${left.rejected} rejected` +
      (left.rejected > 0 ? " (fix the cause, then sync --retry-rejected)" : ""),
  );
  writeLines(lines);
}
