/**
 * `lumera-memory stats`: counts, sizes and time range of the store.
 *
 * @module
 */

import type { StatsGroup } from "../../service/types.ts";
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
    ]);
  }
  return 0;
}
