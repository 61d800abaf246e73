/**
 * Sessions exported by `cass export <path> --format json` as canonical `session` records.
 *
 * cass prints a JSON array of the raw records of one session file. Two formats are read:
 *
 * - **Claude Code** transcripts (`{type: "user" | "assistant" | "summary" | …, message, …}`):
 *   user text → `user`; `tool_result` blocks → `tool`; assistant `text` and `tool_use` blocks →
 *   one `assistant` message per API message (records split over the same `message.id` are
 *   merged); `summary` records give the record's summary. `system`, `file-history-snapshot`,
 *   meta (`isMeta`) and sidechain (subagent) records are skipped.
 * - **Codex** rollouts (`{timestamp, type, payload}`): `session_meta` gives the id and cwd;
 *   `response_item` `message` (user/assistant), `function_call` / `custom_tool_call` (tool calls)
 *   and their `*_output` (tool results) become messages. `event_msg` `user_message` /
 *   `agent_message` duplicate the response items and are only used when a rollout has no
 *   response-item messages (older versions). Developer/system instructions and injected
 *   `<environment_context>` / `<user_instructions>` turns are skipped: they are configuration,
 *   not conversation.
 *
 * Anything else falls back to a generic reading of `{role, content}` records (`tool_name`
 * `unknown`).
 *
 * Thinking / reasoning blocks are dropped: they are large, add little to a searchable memory,
 * often echo file contents and command output verbatim (so they are where secrets hide), and
 * Codex stores them encrypted anyway. The Claude Code and Codex mappings are the ones `import`
 * uses (`src/sources/agents/`); this source keeps the record's original shape (no branch, model,
 * usage or counts).
 *
 * Bounds: a tool call keeps a one-line `input_summary` of at most {@link MAX_TOOL_INPUT_SUMMARY}
 * characters; a tool result keeps its first {@link MAX_TOOL_RESULT_CHARS} characters followed by
 * a `…[truncated: kept N of M characters]` marker; the title is at most {@link MAX_TITLE_CHARS}.
 *
 * @module
 */

import { basename } from "node:path";
import { LumeraError } from "../errors.ts";
import { MAX_SHORT_TEXT, MAX_SUMMARY_CHARS } from "../record/limits.ts";
import { type MemoryRecord, type Message, normalizeRecord } from "../record/schema.ts";
import { ClaudeCodeMapper } from "./agents/claude_code.ts";
import { CodexMapper, looksLikeCodex } from "./agents/codex.ts";
import {
  type AgentMapper,
  MAX_TITLE_CHARS,
  MAX_TOOL_INPUT_SUMMARY,
  MAX_TOOL_RESULT_CHARS,
  message,
  summarizeToolInput,
  textOf,
  titleOf,
} from "./agents/mapping.ts";
import { runSourceCommand } from "./run_command.ts";
import {
  hasControlChars,
  isObj,
  isoOrUndefined,
  type Obj,
  strOf,
  truncate,
  truncateMarked,
} from "./text.ts";

export { MAX_TITLE_CHARS, MAX_TOOL_INPUT_SUMMARY, MAX_TOOL_RESULT_CHARS, summarizeToolInput };

/** Longest path accepted by {@link recordFromCassExport}. */
const MAX_PATH_CHARS = 4096;

/** The agents this reader recognizes, as they appear in `tool_name`. */
export type CassAgent = "claude-code" | "codex" | "unknown";

/** Options of {@link recordFromCassExport}. */
export interface CassExportOptions {
  /** Aborting stops cass. */
  signal?: AbortSignal;
  /** Time limit (default 60 s). */
  timeoutMs?: number;
  /** Extra child environment (tests put a stand-in `cass` on PATH). */
  env?: Record<string, string>;
}

/** What a format reader extracts from the raw records. */
interface Extracted {
  sessionId?: string;
  timestamp?: string;
  workspace?: string;
  summary?: string;
  title?: string;
  messages: Message[];
}

/**
 * Turns the parsed output of `cass export <path> --format json` (a JSON array of raw session
 * records) into a `session` record. `sourcePath` is the exported file, recorded as
 * `source.ref` and used as the session id fallback.
 *
 * Throws `SOURCE_FAILED` when the output is not an array, or holds no message or no timestamp;
 * `INVALID_RECORD` / `TOO_LARGE` from normalization.
 */
export function cassExportToRecord(exported: unknown, sourcePath: string): MemoryRecord {
  if (!Array.isArray(exported)) {
    throw new LumeraError(
      "SOURCE_FAILED",
      "`cass export` returned an unexpected JSON shape: expected an array of session records",
      { hint: "check that cass is a supported version (`cass --version`)" },
    );
  }
  const records = exported.filter(isObj);
  const agent = detectAgent(records);
  const x = agent === "claude-code"
    ? readWith(new ClaudeCodeMapper(), records)
    : agent === "codex"
    ? readWith(new CodexMapper(), records)
    : readGeneric(records);

  if (x.messages.length === 0) {
    throw new LumeraError(
      "SOURCE_FAILED",
      agent === "unknown"
        ? "`cass export` returned records in a format lumera-memory does not read"
        : "`cass export` returned a session without messages",
      { hint: "pick another session (`cass sessions --json` lists them)" },
    );
  }
  const timestamp = x.timestamp ?? x.messages.find((m) => m.timestamp)?.timestamp;
  if (timestamp === undefined) {
    throw new LumeraError("SOURCE_FAILED", "`cass export` returned a session without timestamps", {
      hint: "pick another session (`cass sessions --json` lists them)",
    });
  }
  const fileId = basename(sourcePath).replace(/\.jsonl?$/i, "");
  const title = x.title;
  const summary = x.summary ?? title ?? `${agent} session`;
  const record: Obj = {
    schema_version: 1,
    kind: "session",
    session_id: truncate(x.sessionId ?? (fileId || "unknown-session"), MAX_SHORT_TEXT),
    timestamp,
    tool_name: agent,
    success: true,
    summary: truncate(summary, MAX_SUMMARY_CHARS),
    tags: ["cass", agent],
    messages: x.messages,
    source: { kind: "cass", ref: truncate(sourcePath, MAX_SHORT_TEXT) },
  };
  if (title !== undefined) record.title = title;
  if (x.workspace !== undefined) record.workspace = truncate(x.workspace, MAX_SHORT_TEXT);
  return normalizeRecord(record);
}

/**
 * Runs `cass export <path> --format json` and returns the session as a record.
 *
 * The path must be non-empty, free of control characters, and must not start with `-` (cass
 * would read it as an option; pass `./-name`); violations are `USAGE` errors. Errors of the run
 * are those of {@link runSourceCommand}; output that is not JSON is `SOURCE_FAILED`.
 */
export async function recordFromCassExport(
  path: string,
  options: CassExportOptions = {},
): Promise<MemoryRecord> {
  if (typeof path !== "string" || path.trim() === "") {
    throw new LumeraError("USAGE", "a session file path is required for `cass export`");
  }
  if (path.startsWith("-")) {
    throw new LumeraError("USAGE", 'the session path must not start with "-"', {
      hint: "pass it as ./-name",
    });
  }
  if (path.length > MAX_PATH_CHARS || hasControlChars(path) || path.includes("\n")) {
    throw new LumeraError("USAGE", "the session path is too long or contains control characters");
  }
  const stdout = await runSourceCommand("cass", ["export", path, "--format", "json"], {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    env: options.env,
  });
  let exported: unknown;
  try {
    exported = JSON.parse(stdout);
  } catch {
    throw new LumeraError("SOURCE_FAILED", "`cass export --format json` did not print JSON", {
      hint: "check that cass is a supported version (`cass --version`)",
    });
  }
  return cassExportToRecord(exported, path);
}

// ---------------------------------------------------------------------------------------------
// Detection

function detectAgent(records: Obj[]): CassAgent {
  if (records.some(looksLikeCodex)) return "codex";
  if (records.some((r) => (r.type === "user" || r.type === "assistant") && isObj(r.message))) {
    return "claude-code";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Claude Code and Codex: the same mappers `import` uses (src/sources/agents)

function readWith(mapper: AgentMapper, records: Obj[]): Extracted {
  for (const r of records) mapper.push(r);
  const { messages } = mapper.take(true);
  const f = mapper.facts();
  const out: Extracted = { messages };
  if (f.sessionId !== undefined) out.sessionId = f.sessionId;
  if (f.firstTimestamp !== undefined) out.timestamp = f.firstTimestamp;
  if (f.workspace !== undefined) out.workspace = f.workspace;
  if (f.summary !== undefined) out.summary = f.summary;
  if (f.title !== undefined) out.title = f.title;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generic fallback

const ROLES = new Set(["user", "assistant", "tool", "system"]);

function readGeneric(records: Obj[]): Extracted {
  const out: Extracted = { messages: [] };
  for (const r of records) {
    const m = isObj(r.message) ? r.message : r;
    const role = strOf(m.role);
    if (role === undefined || !ROLES.has(role)) continue;
    const text = textOf(m.content ?? m.text);
    if (text.trim() === "") continue;
    const ts = isoOrUndefined(r.timestamp ?? m.timestamp);
    out.timestamp ??= ts;
    out.sessionId ??= strOf(r.sessionId) ?? strOf(r.session_id);
    out.workspace ??= strOf(r.cwd);
    const bounded = role === "tool" ? truncateMarked(text, MAX_TOOL_RESULT_CHARS) : text;
    out.messages.push(message(role as Message["role"], bounded, ts));
    if (role === "user") out.title ??= titleOf(text);
  }
  return out;
}
