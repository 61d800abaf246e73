/**
 * Store statistics from the index alone.
 *
 * @module
 */

import type { MemoryIndex } from "../../index/memory_index.ts";
import type { StatsGroup, StatsResult } from "../types.ts";

function groups(index: MemoryIndex, column: string): StatsGroup[] {
  return index.db.prepare(
    `SELECT coalesce(${column}, '(none)') AS name, count(*) AS count,
       coalesce(sum(stored_bytes), 0) AS stored_bytes
     FROM memories GROUP BY 1 ORDER BY count DESC, name LIMIT 50`,
  ).all() as unknown as StatsGroup[];
}

/** Counts, sizes and time range of the store, grouped by agent, workspace, kind and key. */
export function storeStats(
  index: MemoryIndex,
  currentKeyId: string,
): Omit<StatsResult, "remote"> {
  const totals = index.db.prepare(
    `SELECT count(*) AS n, coalesce(sum(stored_bytes), 0) AS sb, coalesce(sum(record_bytes), 0) AS rb,
       min(ts_ms) AS oldest, max(ts_ms) AS newest,
       sum(CASE WHEN expires_ms IS NOT NULL AND expires_ms <= ? THEN 1 ELSE 0 END) AS expired
     FROM memories`,
  ).get(Date.now()) as {
    n: number;
    sb: number;
    rb: number;
    oldest: number | null;
    newest: number | null;
    expired: number | null;
  };
  const result: Omit<StatsResult, "remote"> = {
    memories: totals.n,
    stored_bytes: totals.sb,
    record_bytes: totals.rb,
    expired: totals.expired ?? 0,
    tombstones: index.tombstoneCount(),
    current_key_id: currentKeyId,
    by_agent: groups(index, "tool_name"),
    by_workspace: groups(index, "workspace"),
    by_kind: groups(index, "kind"),
    by_key: groups(index, "key_id"),
  };
  if (totals.oldest !== null) result.oldest = new Date(totals.oldest).toISOString();
  if (totals.newest !== null) result.newest = new Date(totals.newest).toISOString();
  return result;
}
