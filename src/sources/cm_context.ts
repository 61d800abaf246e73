/**
 * `cm context "<task>" --json` snapshots as memory records of kind `context`.
 *
 * cm (cass_memory_system) answers a task description with the playbook rules, anti-patterns and
 * history snippets relevant to it. It has no session export: a cm record is that snapshot,
 * rendered as readable text in `body`. Only named, readable fields of the envelope are used
 * (rule text, category, counts, snippet text and provenance); everything else (embeddings,
 * scores, internal state) is dropped.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { MAX_SHORT_TEXT, MAX_SUMMARY_CHARS } from "../record/limits.ts";
import { type MemoryRecord, normalizeRecord } from "../record/schema.ts";
import { runSourceCommand, type RunSourceOptions } from "./run_command.ts";
import {
  cleanForMessage,
  compactIso,
  hasControlChars,
  isObj,
  isoOrUndefined,
  type Obj,
  oneLine,
  slugify,
  strOf,
  truncate,
} from "./text.ts";

/** Longest task description accepted for `cm context`, in characters. */
export const MAX_CM_TASK_CHARS = 1000;

/** At most this many items of each list (rules, anti-patterns, history…) go into the body. */
export const MAX_CM_ITEMS_PER_LIST = 50;

/** Longest rule text kept per bullet, in characters. */
const MAX_BULLET_CHARS = 2000;

/** Longest history snippet kept, in characters (cm itself cuts them to 300). */
const MAX_SNIPPET_CHARS = 1000;

const LISTS = [
  "relevantBullets",
  "antiPatterns",
  "historySnippets",
  "deprecatedWarnings",
  "suggestedCassQueries",
] as const;

/** Options of {@link recordFromCmContext}. */
export interface CmContextOptions {
  /** Passed to cm as `--workspace`, and recorded as the record's workspace. */
  workspace?: string;
  /** Aborting stops cm. */
  signal?: AbortSignal;
  /** Time limit (default 60 s). */
  timeoutMs?: number;
  /** Extra child environment (tests put a stand-in `cm` on PATH). */
  env?: Record<string, string>;
}

/**
 * Turns a parsed `cm context --json` envelope into a `context` record.
 *
 * - `success: false` → `SOURCE_FAILED` with cm's message (one line, ≤ 300 characters).
 * - Any other shape than the documented `{success: true, timestamp, data: {task,
 *   relevantBullets[], antiPatterns[], historySnippets[], …}}` → `SOURCE_FAILED`.
 * - `session_id` is `cm-context-<task slug>-<envelope time, compact>`: readable and
 *   deterministic for the same snapshot (no content hash).
 * - `timestamp` is the envelope's, else `now`. `summary` is the task, `body` the readable
 *   rendering, tags `cm` and `context`, `source: {kind: "cm", ref: task}`.
 */
export function cmContextToRecord(
  envelope: unknown,
  now: Date = new Date(),
  workspace?: string,
): MemoryRecord {
  if (!isObj(envelope)) throw badShape("expected a JSON object envelope");
  if (envelope.success === false) {
    const err = isObj(envelope.error) ? envelope.error : {};
    const message = strOf(err.message);
    const hint = strOf(err.hint);
    throw new LumeraError(
      "SOURCE_FAILED",
      `\`cm context\` failed: ${message ? cleanForMessage(message) : "no error message"}`,
      { hint: hint ? cleanForMessage(hint) : "run `cm doctor` to check cm's setup" },
    );
  }
  if (envelope.success !== true) throw badShape("`success` must be true or false");
  const data = envelope.data;
  if (!isObj(data)) throw badShape("`data` must be an object");
  const task = strOf(data.task);
  if (task === undefined || task.trim() === "") throw badShape("`data.task` must be a string");
  for (const key of LISTS) {
    if (data[key] !== undefined && data[key] !== null && !Array.isArray(data[key])) {
      throw badShape(`\`data.${key}\` must be an array`);
    }
  }

  const timestamp = isoOrUndefined(envelope.timestamp) ?? now.toISOString();
  const slug = slugify(task) || "task";
  const record: Obj = {
    schema_version: 1,
    kind: "context",
    session_id: `cm-context-${slug}-${compactIso(timestamp)}`,
    timestamp,
    tool_name: "cm",
    success: true,
    title: truncate(oneLine(task), 200),
    summary: truncate(task.trim(), MAX_SUMMARY_CHARS),
    body: renderBody(task.trim(), data),
    tags: ["cm", "context"],
    source: { kind: "cm", ref: truncate(task.trim(), MAX_SHORT_TEXT) },
  };
  if (workspace !== undefined && workspace !== "") record.workspace = workspace;
  return normalizeRecord(record);
}

/**
 * Runs `cm context <task> --json [--workspace P]` and returns the snapshot as a record.
 *
 * The task must be non-empty, at most {@link MAX_CM_TASK_CHARS} characters, free of control
 * characters, and must not start with `-` (cm would read it as an option); violations are
 * `USAGE` errors. The workspace, when given, has the same restrictions. Errors of the run are
 * those of {@link runSourceCommand}; output that is not JSON is `SOURCE_FAILED`.
 */
export async function recordFromCmContext(
  task: string,
  options: CmContextOptions = {},
): Promise<MemoryRecord> {
  const t = validateArg(task, "task", MAX_CM_TASK_CHARS);
  const args = ["context", t, "--json"];
  let workspace: string | undefined;
  if (options.workspace !== undefined) {
    workspace = validateArg(options.workspace, "workspace", MAX_SHORT_TEXT);
    args.push("--workspace", workspace);
  }
  const stdout = await runSourceCommand(
    "cm",
    args,
    {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      env: options.env,
    } satisfies RunSourceOptions,
  );
  let envelope: unknown;
  try {
    envelope = JSON.parse(stdout);
  } catch {
    throw new LumeraError("SOURCE_FAILED", "`cm context --json` did not print JSON", {
      hint:
        "unset CM_OUTPUT_FORMAT and TOON_DEFAULT_FORMAT (they switch cm to TOON output) and check `cm --version`",
    });
  }
  return cmContextToRecord(envelope, new Date(), workspace);
}

function validateArg(value: unknown, what: string, max: number): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new LumeraError("USAGE", `the cm ${what} must be a non-empty string`);
  }
  const v = value.trim();
  if (v.length > max) {
    throw new LumeraError(
      "USAGE",
      `the cm ${what} is too long (${v.length} characters, limit ${max})`,
    );
  }
  if (v.startsWith("-")) {
    throw new LumeraError("USAGE", `the cm ${what} must not start with "-"`, {
      hint: what === "workspace" ? "pass the path as ./-name" : "rephrase it to start with a word",
    });
  }
  if (hasControlChars(v)) {
    throw new LumeraError("USAGE", `the cm ${what} must not contain control characters`);
  }
  return v;
}

function badShape(what: string): LumeraError {
  return new LumeraError(
    "SOURCE_FAILED",
    `\`cm context\` returned an unexpected JSON shape: ${what}`,
    {
      hint: "check that cm is a supported version (`cm --version`)",
    },
  );
}

function listOf(data: Obj, key: (typeof LISTS)[number]): unknown[] {
  const v = data[key];
  return Array.isArray(v) ? v.slice(0, MAX_CM_ITEMS_PER_LIST) : [];
}

function countOf(data: Obj, key: (typeof LISTS)[number]): number {
  const v = data[key];
  return Array.isArray(v) ? v.length : 0;
}

function more(data: Obj, key: (typeof LISTS)[number]): string[] {
  const extra = countOf(data, key) - MAX_CM_ITEMS_PER_LIST;
  return extra > 0 ? [`- … ${extra} more not shown`] : [];
}

/** The readable body: task, rules, anti-patterns, history, warnings, suggested queries. */
function renderBody(task: string, data: Obj): string {
  const parts: string[] = [`Task: ${task}`];

  const bullets = listOf(data, "relevantBullets").map(renderBullet).filter(isString);
  parts.push(section("Relevant rules", bullets, more(data, "relevantBullets")));

  const anti = listOf(data, "antiPatterns").map(renderBullet).filter(isString);
  parts.push(section("Anti-patterns", anti, more(data, "antiPatterns")));

  const history = listOf(data, "historySnippets").map(renderSnippet).filter(isString);
  parts.push(section("History", history, more(data, "historySnippets")));

  const warnings = listOf(data, "deprecatedWarnings")
    .map((w) => typeof w === "string" ? `- ${truncate(oneLine(w), MAX_BULLET_CHARS)}` : undefined)
    .filter(isString);
  if (warnings.length > 0) parts.push(section("Deprecated warnings", warnings, []));

  const queries = listOf(data, "suggestedCassQueries")
    .map((q) => typeof q === "string" ? `- ${truncate(oneLine(q), 300)}` : undefined)
    .filter(isString);
  if (queries.length > 0) parts.push(section("Suggested cass queries", queries, []));

  if (data.degraded !== undefined && data.degraded !== null && data.degraded !== false) {
    parts.push("Note: cm reported degraded context (history search was partly unavailable).");
  }
  return parts.join("\n\n");
}

function section(title: string, lines: string[], tail: string[]): string {
  if (lines.length === 0) return `${title}: none`;
  return [`${title} (${lines.length}):`, ...lines, ...tail].join("\n");
}

function isString(v: string | undefined): v is string {
  return v !== undefined;
}

/** `- [category] rule text (id b-1; helpful 3, harmful 0)` */
function renderBullet(b: unknown): string | undefined {
  if (typeof b === "string") return `- ${truncate(oneLine(b), MAX_BULLET_CHARS)}`;
  if (!isObj(b)) return undefined;
  const content = strOf(b.content) ?? strOf(b.text);
  if (content === undefined || content.trim() === "") return undefined;
  const category = strOf(b.category);
  const prefix = category ? `[${truncate(oneLine(category), 40)}] ` : "";
  const meta: string[] = [];
  const id = strOf(b.id);
  if (id) meta.push(`id ${truncate(oneLine(id), 64)}`);
  const counts: string[] = [];
  if (typeof b.helpfulCount === "number") counts.push(`helpful ${b.helpfulCount}`);
  if (typeof b.harmfulCount === "number") counts.push(`harmful ${b.harmfulCount}`);
  if (counts.length > 0) meta.push(counts.join(", "));
  const suffix = meta.length > 0 ? ` (${meta.join("; ")})` : "";
  return `- ${prefix}${truncate(oneLine(content), MAX_BULLET_CHARS)}${suffix}`;
}

/** `- claude-code · /path/session.jsonl:42 (2026-03-01T…)` then the snippet, indented. */
function renderSnippet(h: unknown): string | undefined {
  if (!isObj(h)) return undefined;
  const snippet = strOf(h.snippet);
  if (snippet === undefined || snippet.trim() === "") return undefined;
  const agent = strOf(h.agent) ?? "unknown agent";
  const path = strOf(h.source_path) ?? strOf(h.sessionPath);
  const line = typeof h.line_number === "number" ? `:${h.line_number}` : "";
  const when = isoOrUndefined(h.created_at);
  let head = `- ${truncate(oneLine(agent), 64)}`;
  if (path) head += ` · ${truncate(oneLine(path), 300)}${line}`;
  if (when) head += ` (${when})`;
  return `${head}\n  ${truncate(oneLine(snippet), MAX_SNIPPET_CHARS)}`;
}
