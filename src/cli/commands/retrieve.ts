/**
 * `lumera-memory retrieve <pointer>`: get → verify hash → open, then print the record.
 *
 * @module
 */

import type { RetrieveResult } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";

/** Runs `retrieve`. */
export async function retrieveCommand(ctx: CliContext, pointer: string): Promise<number> {
  const result = await withService(ctx, (s) => s.retrieve(pointer));
  render(ctx, result);
  return 0;
}

function render(ctx: CliContext, r: RetrieveResult): void {
  if (ctx.json) return writeJson(r);
  const rec = r.record;
  const lines = [
    `${r.pointer}  (verified: hash and authentication tag, key ${r.key_id})`,
    `${rec.kind} ${rec.session_id} by ${rec.tool_name} at ${rec.timestamp}${
      rec.workspace ? ` in ${rec.workspace}` : ""
    }`,
  ];
  if (rec.title) lines.push(`Title: ${rec.title}`);
  lines.push(`Summary: ${rec.summary}`);
  if (rec.tags.length) lines.push(`Tags: ${rec.tags.join(", ")}`);
  if (rec.body) lines.push("", rec.body);
  for (const m of rec.messages ?? []) {
    lines.push("", `— ${m.role}${m.timestamp ? ` ${m.timestamp}` : ""}`, m.text);
    for (const c of m.tool_calls ?? []) {
      lines.push(`  ↳ ${c.name}${c.input_summary ? `: ${c.input_summary}` : ""}`);
    }
  }
  writeLines(lines);
}
