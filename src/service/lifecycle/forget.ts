/**
 * Forgetting: select memories, then (only when confirmed) record tombstones and remove the index
 * rows in one transaction, delete the local blobs, and sweep orphans left by an earlier
 * interrupted run. A crash at any point leaves no index row without its blob; re-running the same
 * forget finishes the job. Copies already uploaded to immutable remote storage are out of reach:
 * see the README.
 *
 * @module
 */

import { LumeraError } from "../../errors.ts";
import { type Selector, sessionKey, type Tombstone } from "../../index/memory_index.ts";
import { parsePointer } from "../../store/pointer.ts";
import { parseCutoff } from "../duration.ts";
import type { LocalMemoryService } from "../memory_service.ts";
import type { ForgetInput, ForgetResult } from "../types.ts";
import { sweepOrphans } from "./sweep.ts";

const MAX_LISTED = 100;

/** Turns forget input into an index selector (validating the pointer and the age). */
export function selectorOf(input: ForgetInput): Selector {
  const sel: Selector = {};
  if (input.pointer !== undefined) {
    parsePointer(input.pointer);
    sel.pointer = input.pointer;
  }
  if (input.session_id !== undefined) sel.sessionId = input.session_id;
  if (input.tag !== undefined) sel.tag = input.tag;
  if (input.workspace !== undefined) sel.workspace = input.workspace;
  if (input.older_than !== undefined) sel.beforeMs = parseCutoff(input.older_than, "older_than");
  if (input.expired === true) sel.expiredAtMs = Date.now();
  if (Object.keys(sel).length === 0) {
    throw new LumeraError(
      "USAGE",
      "forget needs at least one of: pointer, session, tag, workspace, older than, expired",
      { hint: "e.g. lumera-memory forget --tag scratch (a dry run; add --yes to remove)" },
    );
  }
  return sel;
}

/** Forgets what `input` selects; a dry run unless `confirm`. */
export async function forgetMemories(
  service: LocalMemoryService,
  input: ForgetInput,
  confirm: boolean,
): Promise<ForgetResult> {
  const rows = service.index.select(selectorOf(input));
  const items = rows.slice(0, MAX_LISTED).map((r) => ({
    pointer: r.pointer,
    session_id: r.session_id,
    tool_name: r.tool_name,
    timestamp: new Date(r.ts_ms).toISOString(),
  }));
  if (!confirm) return { dry_run: true, matched: rows.length, forgotten: 0, items };
  const tombstones: Tombstone[] = [];
  for (const r of rows) {
    tombstones.push({ kind: "content", value: r.content_id, keyId: r.key_id });
    tombstones.push({ kind: "session", value: sessionKey(r.tool_name, r.session_id) });
  }
  service.index.forget(rows, tombstones);
  for (const r of rows) await service.blobs.delete(parsePointer(r.pointer));
  await sweepOrphans(service);
  return { dry_run: false, matched: rows.length, forgotten: rows.length, items };
}
