/**
 * `lumera-memory query`: searches the local index (never the blob store).
 *
 * @module
 */

import { workingDir } from "../../config/home.ts";
import type { RecordKind } from "../../record/schema.ts";
import type { QueryResult } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";

/** Options of `query`. */
export interface QueryCommandOptions {
  /** Exact tags (all required). */
  tag?: string[];
  /** Agent / tool name. */
  agent?: string;
  /** Workspace. */
  workspace?: string;
  /** Kind of memory. */
  kind?: string;
  /** ISO date/time lower bound. */
  since?: string;
  /** ISO date/time upper bound (exclusive). */
  until?: string;
  /** Page size. */
  limit?: number;
  /** Cursor from a previous page. */
  cursor?: string;
  /** Git branch. */
  branch?: string;
  /** Search every workspace, not only the current one. */
  allWorkspaces?: boolean;
  /** Include older versions of sessions. */
  allVersions?: boolean;
  /** Rank every match, not only the newest 250. */
  rankAll?: boolean;
}

/** Runs `query`. */
export async function queryCommand(
  ctx: CliContext,
  words: string[],
  opts: QueryCommandOptions,
): Promise<number> {
  const result = await withService(ctx, (s) =>
    s.query({
      text: words.join(" "),
      tags: opts.tag,
      agent: opts.agent,
      workspace: opts.workspace,
      kind: opts.kind as RecordKind | undefined,
      since: opts.since,
      until: opts.until,
      limit: opts.limit,
      cursor: opts.cursor,
      branch: opts.branch,
      all_workspaces: opts.allWorkspaces === true,
      all_versions: opts.allVersions === true,
      rank_all: opts.rankAll === true,
      cwd: workingDir(),
    }));
  render(ctx, result);
  return 0;
}

function render(ctx: CliContext, r: QueryResult): void {
  if (ctx.json) return writeJson(r);
  const scope = r.workspace_scope
    ? [`(workspace ${r.workspace_scope}; --all-workspaces to search every workspace)`]
    : [];
  if (r.hits.length === 0) return writeLines([...scope, "No matching memories."]);
  const count = `${r.total}${r.total_capped ? "+" : ""}`;
  const lines: string[] = [...scope, `${count} match${r.total === 1 ? "" : "es"}:`];
  for (const h of r.hits) {
    lines.push("");
    lines.push(`${h.pointer}`);
    lines.push(
      `  ${h.timestamp.slice(0, 16).replace("T", " ")}  ${h.tool_name}  ${h.kind}  ${
        formatBytes(h.stored_bytes)
      }${h.tags.length ? `  [${h.tags.join(", ")}]` : ""}${
        h.remote.state === "local-only"
          ? ""
          : `  cascade: ${h.remote.state}${h.remote.action_id ? ` #${h.remote.action_id}` : ""}`
      }`,
    );
    lines.push(`  ${h.title ?? h.summary}`);
    if (h.snippet) lines.push(`  … ${h.snippet.replace(/\s+/g, " ")}`);
  }
  if (r.next_cursor) lines.push("", `More: --cursor ${r.next_cursor}`);
  writeLines(lines);
}
