/**
 * `lumera-memory retrieve <pointer>`: get → verify hash → open, then print the record.
 *
 * @module
 */

import { LumeraError } from "../../errors.ts";
import type { MessageRange, RetrieveResult } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";

/** Runs `retrieve`. */
export async function retrieveCommand(
  ctx: CliContext,
  pointer: string,
  messages?: string,
): Promise<number> {
  const range = messages === undefined ? undefined : parseRange(messages);
  const result = await withService(ctx, (s) => s.retrieve(pointer, range));
  render(ctx, result);
  return 0;
}

/** `FROM:TO`, `FROM:` or `:TO` (0-based, TO exclusive). */
function parseRange(value: string): MessageRange {
  const m = /^(\d{0,9}):(\d{0,9})$/.exec(value.trim());
  if (m === null || (m[1] === "" && m[2] === "")) {
    throw new LumeraError("USAGE", "--messages must be FROM:TO, e.g. 0:20", {
      hint: "0-based message indexes; TO is exclusive and may be left out",
    });
  }
  const range: MessageRange = {};
  if (m[1] !== "") range.from = Number(m[1]);
  if (m[2] !== "") range.to = Number(m[2]);
  return range;
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
  if (r.message_range) {
    const { from, to, total } = r.message_range;
    lines.push(`Messages ${from}–${to} of ${total}:`);
  }
  for (const m of rec.messages ?? []) {
    lines.push("", `— ${m.role}${m.timestamp ? ` ${m.timestamp}` : ""}`, m.text);
    for (const c of m.tool_calls ?? []) {
      lines.push(`  ↳ ${c.name}${c.input_summary ? `: ${c.input_summary}` : ""}`);
    }
  }
  writeLines(lines);
}
