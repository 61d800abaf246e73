/**
 * `lumera-memory forget` and `prune`: remove memories (dry run unless `--yes`).
 *
 * @module
 */

import type { ForgetInput, ForgetResult } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";

/** Options of `forget`. */
export interface ForgetOptions {
  /** A pointer. */
  pointer?: string;
  /** A session id. */
  session?: string;
  /** An exact tag. */
  tag?: string;
  /** A workspace. */
  workspace?: string;
  /** Older than a duration or date. */
  olderThan?: string;
  /** Only expired memories. */
  expired?: boolean;
  /** Actually remove. */
  yes?: boolean;
}

function render(ctx: CliContext, verb: string, r: ForgetResult): void {
  if (ctx.json) return writeJson(r);
  const lines = r.items.map((i) =>
    `  ${i.pointer}  ${i.timestamp.slice(0, 16).replace("T", " ")}  ${i.tool_name}  ${i.session_id}`
  );
  if (r.matched > r.items.length) lines.push(`  …and ${r.matched - r.items.length} more`);
  if (r.dry_run) {
    writeLines([
      r.matched === 0
        ? "Nothing matches."
        : `Would ${verb} ${r.matched} memor${r.matched === 1 ? "y" : "ies"} (dry run):`,
      ...lines,
      ...(r.matched > 0 ? ["Run again with --yes to remove them."] : []),
    ]);
  } else {
    writeLines([
      `${verb === "forget" ? "Forgot" : "Pruned"} ${r.forgotten} memor${
        r.forgotten === 1 ? "y" : "ies"
      }: index rows and local blobs removed, tombstones recorded.`,
      ...lines,
    ]);
  }
}

/** Runs `forget`. */
export async function forgetCommand(ctx: CliContext, o: ForgetOptions): Promise<number> {
  const input: ForgetInput = {
    pointer: o.pointer,
    session_id: o.session,
    tag: o.tag,
    workspace: o.workspace,
    older_than: o.olderThan,
    expired: o.expired,
  };
  for (const k of Object.keys(input) as (keyof ForgetInput)[]) {
    if (input[k] === undefined) delete input[k];
  }
  const r = await withService(ctx, (s) => s.forget(input, { confirm: o.yes === true }));
  render(ctx, "forget", r);
  return 0;
}

/** Runs `prune`: expired memories and/or those older than a cutoff. */
export async function pruneCommand(
  ctx: CliContext,
  o: { olderThan?: string; yes?: boolean },
): Promise<number> {
  const r = await withService(ctx, async (s) => {
    const expired = await s.forget({ expired: true }, { confirm: o.yes === true });
    if (o.olderThan === undefined) return expired;
    const old = await s.forget({ older_than: o.olderThan }, { confirm: o.yes === true });
    return {
      dry_run: old.dry_run,
      matched: expired.matched + old.matched,
      forgotten: expired.forgotten + old.forgotten,
      items: [...expired.items, ...old.items].slice(0, 100),
    };
  });
  render(ctx, "prune", r);
  return 0;
}
