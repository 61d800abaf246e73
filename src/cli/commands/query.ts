/**
 * `lumera-memory query`: searches the local index (never the blob store).
 *
 * @module
 */

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
    }));
  render(ctx, result);
  return 0;
}

function render(ctx: CliContext, r: QueryResult): void {
  if (ctx.json) return writeJson(r);
  if (r.hits.length === 0) return writeLines(["No matching memories."]);
  const lines: string[] = [`${r.total} match${r.total === 1 ? "" : "es"}:`];
  for (const h of r.hits) {
    lines.push("");
    lines.push(`${h.pointer}`);
    lines.push(
      `  ${h.timestamp.slice(0, 16).replace("T", " ")}  ${h.tool_name}  ${h.kind}  ${
        formatBytes(h.stored_bytes)
      }${h.tags.length ? `  [${h.tags.join(", ")}]` : ""}`,
    );
    lines.push(`  ${h.title ?? h.summary}`);
    if (h.snippet) lines.push(`  … ${h.snippet.replace(/\s+/g, " ")}`);
  }
  if (r.next_cursor) lines.push("", `More: --cursor ${r.next_cursor}`);
  writeLines(lines);
}
