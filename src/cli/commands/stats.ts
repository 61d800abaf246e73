/**
 * `lumera-memory stats`: counts, sizes and time range of the store.
 *
 * @module
 */

import type { RemoteStats, StatsGroup } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";

function table(title: string, groups: StatsGroup[]): string[] {
  if (groups.length === 0) return [];
  return [
    `${title}:`,
    ...groups.map((g) =>
      `  ${g.name.padEnd(24)} ${String(g.count).padStart(7)}  ${formatBytes(g.stored_bytes)}`
    ),
  ];
}

/** Runs `stats`. */
export async function statsCommand(ctx: CliContext): Promise<number> {
  const r = await withService(ctx, (s) => s.stats());
  if (ctx.json) writeJson(r);
  else {
    writeLines([
      `${r.memories} memories, ${formatBytes(r.stored_bytes)} sealed (${
        formatBytes(r.record_bytes)
      } of records)`,
      r.oldest ? `from ${r.oldest.slice(0, 10)} to ${r.newest!.slice(0, 10)}` : "empty",
      `${r.expired} expired, ${r.tombstones} tombstones, current key ${r.current_key_id}`,
      ...table("by agent", r.by_agent),
      ...table("by workspace", r.by_workspace),
      ...table("by kind", r.by_kind),
      ...table("by key", r.by_key),
      ...remoteLines(r.remote),
    ]);
  }
  return 0;
}

function remoteLines(r: RemoteStats): string[] {
  if (!r.configured && r.by_state["local-only"] === r.pending_memories && r.paid_ulume === 0) {
    return ["remote: none configured (all memories local-only)"];
  }
  const s = r.by_state;
  const lines = [
    `remote (Lumera Cascade${r.configured ? "" : ", not configured now"}):`,
    `  ${
      s["local-only"]
    } local-only, ${s.registered} registered, ${s.uploaded} uploaded, ${s.finalized} finalized`,
    `  ${r.pending_memories} pending (${formatBytes(r.pending_bytes)}), paid ${
      r.paid_ulume.toLocaleString("en-US")
    } ulume${r.manifest_seq === undefined ? "" : `, manifest #${r.manifest_seq}`}`,
  ];
  const segs = Object.entries(r.segments).map(([k, v]) => `${v} ${k}`).join(", ");
  if (segs) lines.push(`  segments: ${segs}`);
  for (const x of r.rejected) {
    lines.push(
      `  rejected ${x.kind} ${x.upload} [${x.code}]: ${x.message} (sync --retry-rejected)`,
    );
  }
  return lines;
}
