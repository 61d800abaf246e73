/**
 * `lumera-memory import`: archive the agents' own transcripts (Claude Code, Codex, Gemini CLI),
 * incrementally; and `lumera-memory sessions`: list what is archived.
 *
 * `import --hook` is the agents' hook entry point: it reads the hook's JSON from stdin (Claude
 * Code's and Codex's hooks both pass `transcript_path` and `cwd`), imports that one transcript,
 * writes one line to stderr and always exits 0, so a hook never blocks or breaks the agent (a
 * PreCompact hook that exits 2 would block compaction).
 *
 * @module
 */

import { workingDir } from "../../config/home.ts";
import { LumeraError } from "../../errors.ts";
import type { ImportOptions, ImportSummary } from "../../import/types.ts";
import { logLine } from "../../log.ts";
import type { ListSessionsResult } from "../../service/types.ts";
import { isObj } from "../../sources/text.ts";
import { type CliContext, withService } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";
import { progress } from "../progress.ts";
import { readAllStdin } from "../stdin.ts";

/** Options of `import`. */
export interface ImportCommandOptions {
  /** `claude-code`, `codex`, `gemini` or `all`. */
  agent?: string;
  /** A directory (or file) to read instead of the agents' session directories. */
  path?: string;
  /** Transcript files. */
  file?: string[];
  /** Read the hook's JSON from stdin. */
  hook?: boolean;
  /** Only files modified at or after this date. */
  since?: string;
  /** Store nothing. */
  dryRun?: boolean;
  /** Ignore the unchanged-file check. */
  full?: boolean;
  /** Extra tags. */
  tag?: string[];
  /** Import the cm playbook's rules instead of transcripts. */
  cmPlaybook?: boolean;
  /** Import every session cass knows. */
  cass?: boolean;
}

/** Largest hook payload read from stdin. */
const MAX_HOOK_INPUT = 1024 * 1024;

/** The import engine, loaded by `import` only (`sessions` lists the index without it). */
function loadEngine(): Promise<typeof import("../../import/engine.ts")> {
  return import("../../import/engine.ts");
}

/** Runs `import`. */
export async function importCommand(ctx: CliContext, opts: ImportCommandOptions): Promise<number> {
  if (opts.hook === true) return await hookImport(ctx, opts);
  const files = opts.file ?? [];
  if (files.length > 0 && opts.path !== undefined) {
    throw new LumeraError("USAGE", "give --file or --path, not both", {
      hint: "e.g. lumera-memory import --file ~/.claude/projects/x/abc.jsonl",
    });
  }
  if (
    opts.cass === true &&
    (files.length > 0 || opts.path !== undefined || opts.agent || opts.cmPlaybook)
  ) {
    throw new LumeraError("USAGE", "--cass imports what cass knows, on its own", {
      hint: "run it on its own: lumera-memory import --cass",
    });
  }
  if (opts.cmPlaybook === true && (files.length > 0 || opts.path !== undefined || opts.agent)) {
    throw new LumeraError("USAGE", "--cm-playbook imports cm's rules only", {
      hint: "run it on its own: lumera-memory import --cm-playbook",
    });
  }
  const { parseAgents, runImport } = await loadEngine();
  const options: ImportOptions = {
    agents: parseAgents(opts.agent),
    path: opts.path,
    files,
    since: opts.since,
    dryRun: opts.dryRun === true,
    full: opts.full === true,
    tags: opts.tag,
    cwd: workingDir(),
    cmPlaybook: opts.cmPlaybook === true,
    viaCass: opts.cass === true,
  };
  const summary = await withService(ctx, async (s) => {
    const bar = ctx.json ? undefined : progress("importing");
    try {
      return await runImport(s, { ...options, onProgress: (d, t) => bar?.update(d, t) });
    } finally {
      bar?.done();
    }
  });
  if (ctx.json) writeJson(summary);
  else writeLines(describe(summary));
  if (files.length > 0 && summary.refused > 0) return 3;
  return summary.failed > 0 ? 1 : 0;
}

/** `import --hook`: one transcript named by the hook's JSON on stdin; never fails the hook. */
async function hookImport(ctx: CliContext, opts: ImportCommandOptions): Promise<number> {
  let summary: ImportSummary | undefined;
  try {
    const text = await readAllStdin(MAX_HOOK_INPUT);
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      input = undefined;
    }
    const path = isObj(input) ? input.transcript_path : undefined;
    if (typeof path !== "string" || path === "") {
      logLine("lumera-memory: the hook input has no transcript_path; nothing imported");
      if (ctx.json) writeJson({ error: { code: "USAGE", message: "no transcript_path" } });
      return 0;
    }
    const cwd = isObj(input) && typeof input.cwd === "string" ? input.cwd : workingDir();
    const { parseAgents, runImport } = await loadEngine();
    summary = await withService(ctx, (s) =>
      runImport(s, {
        agents: parseAgents(opts.agent),
        files: [path],
        tags: opts.tag,
        cwd,
        full: opts.full === true,
      }));
  } catch (err) {
    const e = err instanceof LumeraError ? err : undefined;
    logLine(`lumera-memory: session not archived: ${e ? `${e.code}: ${e.message}` : "error"}`);
    if (ctx.json) writeJson({ error: { code: e?.code ?? "INTERNAL", message: e?.message ?? "" } });
    return 0;
  }
  if (ctx.json) writeJson(summary);
  logLine(`lumera-memory: ${hookLine(summary)}`);
  return 0;
}

function hookLine(s: ImportSummary): string {
  if (s.refused > 0) {
    const f = s.refusals[0]?.findings[0];
    return `session NOT archived: it carries a secret${
      f ? ` (${f.rule} at ${f.location}, ${f.preview})` : ""
    }`;
  }
  if (s.failed > 0) return `session not archived: ${s.failures[0]?.reason ?? "failed"}`;
  if (s.imported > 0) return "session archived";
  if (s.updated > 0) return "session archived (new version)";
  if (s.skipped > 0) return `session not archived: ${s.skips[0]?.reason ?? "skipped"}`;
  return "session already archived";
}

/** The human summary of an import. */
export function describe(s: ImportSummary): string[] {
  const verb = s.dry_run ? "Dry run, would import" : "Imported";
  const lines = [
    `${verb} ${s.imported} new session${
      s.imported === 1 ? "" : "s"
    }, ${s.updated} updated, ${s.unchanged} unchanged, ${s.refused} refused, ${s.failed} failed, ${s.skipped} skipped`,
    `  ${s.files} file${s.files === 1 ? "" : "s"}, ${
      formatBytes(s.bytes_read)
    } read, ${s.memories} memor${s.memories === 1 ? "y" : "ies"} ${
      s.dry_run ? "to write" : "written"
    }, ${(s.elapsed_ms / 1000).toFixed(1)} s`,
  ];
  if (s.cascade_cost !== undefined) {
    const c = s.cascade_cost;
    const lume = (u: number) => `${(u / 1_000_000).toFixed(6)} LUME`;
    lines.push(
      `  Uploading them to Lumera Cascade (one-time, default fee parameters, gas on top): ${
        lume(c.batched_fee_ulume)
      } batched into ${c.segments} segment${c.segments === 1 ? "" : "s"} (${
        formatBytes(c.segment_bytes)
      }), ${lume(c.separate_fee_ulume)} as one upload each (${c.ratio}x more)`,
    );
  }
  if (s.refusals.length > 0) {
    lines.push("Refused (a secret or personal data was found; nothing of these was stored):");
    for (const r of s.refusals) {
      const f = r.findings.map((x) => `${x.rule} at ${x.location} (${x.preview})`).join("; ");
      lines.push(`  ${r.file}: ${f}`);
    }
  }
  if (s.failures.length > 0) {
    lines.push("Failed:");
    for (const f of s.failures) lines.push(`  ${f.file}: ${f.code}: ${f.reason}`);
  }
  if (s.skips.length > 0) {
    lines.push("Skipped:");
    for (const f of s.skips) lines.push(`  ${f.file}: ${f.reason}`);
  }
  const { malformed, oversized, torn } = s.lines;
  if (malformed + oversized + torn > 0) {
    lines.push(
      `Damaged lines skipped: ${malformed} malformed, ${oversized} oversized, ${torn} torn last line${
        torn === 1 ? "" : "s"
      } (files listed with --json)`,
    );
  }
  return lines;
}

/** Options of `sessions`. */
export interface SessionsCommandOptions {
  /** Agent. */
  agent?: string;
  /** Workspace. */
  workspace?: string;
  /** Git branch. */
  branch?: string;
  /** Active at or after. */
  since?: string;
  /** Started before. */
  until?: string;
  /** Page size. */
  limit?: number;
  /** Next page. */
  cursor?: string;
  /** Every workspace. */
  allWorkspaces?: boolean;
}

/** Runs `sessions`: the archived sessions, newest first. */
export async function sessionsCommand(
  ctx: CliContext,
  opts: SessionsCommandOptions,
): Promise<number> {
  const r = await withService(ctx, (s) =>
    s.listSessions({
      agent: opts.agent,
      workspace: opts.workspace,
      branch: opts.branch,
      since: opts.since,
      until: opts.until,
      limit: opts.limit,
      cursor: opts.cursor,
      all_workspaces: opts.allWorkspaces === true,
      cwd: workingDir(),
    }));
  if (ctx.json) writeJson(r);
  else writeLines(describeSessions(r));
  return 0;
}

function describeSessions(r: ListSessionsResult): string[] {
  const lines: string[] = [];
  if (r.workspace_scope) {
    lines.push(`(workspace ${r.workspace_scope}; --all-workspaces for every workspace)`);
  }
  if (r.sessions.length === 0) return [...lines, "No sessions."];
  lines.push(`${r.total} session${r.total === 1 ? "" : "s"}:`);
  for (const s of r.sessions) {
    const when = (s.ended_at ?? s.started_at).slice(0, 16).replace("T", " ");
    lines.push("");
    lines.push(`${s.pointer}${s.pointers.length > 1 ? ` (+${s.pointers.length - 1} parts)` : ""}`);
    lines.push(
      `  ${when}  ${s.tool_name}  ${s.message_count} messages${
        s.git_branch ? `  ${s.git_branch}` : ""
      }${s.versions > s.pointers.length ? `  ${s.versions} versions` : ""}`,
    );
    if (s.workspace) lines.push(`  ${s.workspace}`);
    lines.push(`  ${s.title ?? s.summary}`);
  }
  if (r.next_cursor) lines.push("", `More: --cursor ${r.next_cursor}`);
  return lines;
}
