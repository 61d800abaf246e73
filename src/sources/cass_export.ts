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
 * Codex stores them encrypted anyway.
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
import {
  type MemoryRecord,
  type Message,
  normalizeRecord,
  type ToolCall,
} from "../record/schema.ts";
import { runSourceCommand } from "./run_command.ts";
import {
  hasControlChars,
  isObj,
  isoOrUndefined,
  type Obj,
  oneLine,
  strOf,
  truncate,
  truncateMarked,
} from "./text.ts";

/** Longest `input_summary` of a tool call, in characters. */
export const MAX_TOOL_INPUT_SUMMARY = 500;

/** Characters of a tool result kept before the truncation marker. */
export const MAX_TOOL_RESULT_CHARS = 4000;

/** Longest title (the first real user prompt, on one line), in characters. */
export const MAX_TITLE_CHARS = 200;

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
    ? readClaudeCode(records)
    : agent === "codex"
    ? readCodex(records)
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

const CODEX_TYPES = new Set(["session_meta", "response_item", "event_msg", "turn_context"]);

function detectAgent(records: Obj[]): CassAgent {
  if (
    records.some((r) => typeof r.type === "string" && CODEX_TYPES.has(r.type) && isObj(r.payload))
  ) {
    return "codex";
  }
  if (records.some((r) => (r.type === "user" || r.type === "assistant") && isObj(r.message))) {
    return "claude-code";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** Joins the text of a string or an array of `{type: "text" | "input_text" | …, text}` blocks. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const b of content) {
    if (typeof b === "string") parts.push(b);
    else if (isObj(b)) {
      const t = strOf(b.text);
      if (t !== undefined) parts.push(t);
      else if (b.type === "image" || b.type === "input_image") parts.push("[image]");
    }
  }
  return parts.join("\n");
}

/** A title candidate: one line, bounded. */
function titleOf(text: string): string | undefined {
  const t = oneLine(text);
  return t === "" ? undefined : truncate(t, MAX_TITLE_CHARS);
}

/** A bounded one-line summary of a tool's input. Shell commands are shown as the command. */
export function summarizeToolInput(input: unknown): string | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input === "string") {
    const s = oneLine(input);
    return s === "" ? undefined : truncate(s, MAX_TOOL_INPUT_SUMMARY);
  }
  if (isObj(input)) {
    const cmd = input.command;
    if (typeof cmd === "string") return truncate(oneLine(cmd), MAX_TOOL_INPUT_SUMMARY);
    if (Array.isArray(cmd) && cmd.every((c) => typeof c === "string")) {
      // Codex shell calls: ["bash", "-lc", "<script>"] → the script.
      const argv = cmd as string[];
      const shown = argv.length === 3 && /^(ba|z|)sh$/.test(basename(argv[0])) && argv[1] === "-lc"
        ? argv[2]
        : argv.join(" ");
      return truncate(oneLine(shown), MAX_TOOL_INPUT_SUMMARY);
    }
  }
  let json: string;
  try {
    json = JSON.stringify(input, (_k, v) => typeof v === "string" ? truncate(v, 120) : v);
  } catch {
    return undefined;
  }
  if (json === undefined || json === "{}") return undefined;
  return truncate(oneLine(json), MAX_TOOL_INPUT_SUMMARY);
}

function toolCall(name: unknown, input: unknown): ToolCall {
  const n = typeof name === "string" && name.trim() !== "" ? name : "unknown-tool";
  const call: ToolCall = { name: truncate(n, 200) };
  const summary = summarizeToolInput(input);
  if (summary !== undefined) call.input_summary = summary;
  return call;
}

function message(role: Message["role"], text: string, timestamp?: string): Message {
  const m: Message = { role, text };
  if (timestamp !== undefined) m.timestamp = timestamp;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Claude Code

/** User text that Claude Code or a slash command injected: not a real prompt. */
const CLAUDE_INJECTED =
  /^\s*(<command-name>|<command-message>|<command-args>|<local-command-stdout>|<local-command-stderr>|<system-reminder>|<user-prompt-submit-hook>|Caveat: The messages below|\[Request interrupted by user)/;

function readClaudeCode(records: Obj[]): Extracted {
  const out: Extracted = { messages: [] };
  const uuids = new Set<string>();
  const summaries: { text: string; leaf?: string }[] = [];
  /** message.id → index in out.messages, to merge split assistant records. */
  const byMessageId = new Map<string, number>();

  for (const r of records) {
    const uuid = strOf(r.uuid);
    if (uuid) uuids.add(uuid);
    if (r.type === "summary") {
      const s = strOf(r.summary);
      if (s && s.trim() !== "") summaries.push({ text: s.trim(), leaf: strOf(r.leafUuid) });
      continue;
    }
    // Session facts come from the first record that has them, whatever its type.
    const ts = isoOrUndefined(r.timestamp);
    out.timestamp ??= ts;
    out.sessionId ??= strOf(r.sessionId);
    out.workspace ??= strOf(r.cwd);

    if (r.type !== "user" && r.type !== "assistant") continue;
    if (r.isSidechain === true || r.isMeta === true) continue;
    const msg = r.message;
    if (!isObj(msg)) continue;

    if (r.type === "user") {
      readClaudeUser(r, msg, ts, out);
    } else {
      readClaudeAssistant(msg, ts, out, byMessageId);
    }
  }
  // Drop assistant messages that carried only thinking.
  out.messages = out.messages.filter((m) =>
    m.role !== "assistant" || m.text !== "" || (m.tool_calls?.length ?? 0) > 0
  );
  const own = summaries.find((s) => s.leaf !== undefined && uuids.has(s.leaf));
  const chosen = own ?? summaries[0];
  if (chosen) out.summary = chosen.text;
  return out;
}

function readClaudeUser(r: Obj, msg: Obj, ts: string | undefined, out: Extracted): void {
  const content = msg.content;
  if (typeof content === "string") {
    pushClaudeUserText(r, content, ts, out);
    return;
  }
  if (!Array.isArray(content)) return;
  const texts: string[] = [];
  for (const b of content) {
    if (!isObj(b)) continue;
    if (b.type === "tool_result") {
      let text = textOf(b.content);
      if (b.is_error === true) text = `[error] ${text}`;
      out.messages.push(message("tool", truncateMarked(text, MAX_TOOL_RESULT_CHARS), ts));
    } else if (b.type === "text" && typeof b.text === "string") {
      texts.push(b.text);
    } else if (b.type === "image") {
      texts.push("[image]");
    }
  }
  if (texts.length > 0) pushClaudeUserText(r, texts.join("\n"), ts, out);
}

function pushClaudeUserText(r: Obj, text: string, ts: string | undefined, out: Extracted): void {
  if (text.trim() === "") return;
  if (r.isCompactSummary === true) {
    // The summary Claude Code writes after /compact: context, not a prompt.
    out.messages.push(message("system", text, ts));
    return;
  }
  out.messages.push(message("user", text, ts));
  if (out.title === undefined && !CLAUDE_INJECTED.test(text)) out.title = titleOf(text);
}

function readClaudeAssistant(
  msg: Obj,
  ts: string | undefined,
  out: Extracted,
  byMessageId: Map<string, number>,
): void {
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  const content = msg.content;
  if (typeof content === "string") texts.push(content);
  else if (Array.isArray(content)) {
    for (const b of content) {
      if (!isObj(b)) continue;
      if (b.type === "text" && typeof b.text === "string") texts.push(b.text);
      else if (b.type === "tool_use" || b.type === "server_tool_use") {
        calls.push(toolCall(b.name, b.input));
      }
      // thinking / redacted_thinking: dropped on purpose (see the module doc).
    }
  }
  const text = texts.filter((t) => t.trim() !== "").join("\n\n");
  const id = strOf(msg.id);
  const existing = id !== undefined ? byMessageId.get(id) : undefined;
  if (existing !== undefined) {
    const m = out.messages[existing];
    if (text !== "") m.text = m.text === "" ? text : `${m.text}\n\n${text}`;
    if (calls.length > 0) m.tool_calls = [...(m.tool_calls ?? []), ...calls];
    return;
  }
  const m = message("assistant", text, ts);
  if (calls.length > 0) m.tool_calls = calls;
  out.messages.push(m);
  if (id !== undefined) byMessageId.set(id, out.messages.length - 1);
}

// ---------------------------------------------------------------------------------------------
// Codex

/** User turns Codex injects (environment, AGENTS.md): configuration, not conversation. */
const CODEX_INJECTED =
  /^\s*(<environment_context>|<user_instructions>|<permissions instructions>|# AGENTS\.md instructions)/;

function readCodex(records: Obj[]): Extracted {
  const out: Extracted = { messages: [] };
  const fallback: Message[] = [];
  let fallbackTitle: string | undefined;
  let sawResponseMessage = false;
  let lastWasToolOutput = false;

  for (const r of records) {
    const p = r.payload;
    if (!isObj(p)) continue;
    const ts = isoOrUndefined(r.timestamp) ?? isoOrUndefined(p.timestamp);
    out.timestamp ??= ts;

    if (r.type === "session_meta") {
      out.sessionId ??= strOf(p.id);
      out.workspace ??= strOf(p.cwd);
      continue;
    }
    if (r.type === "turn_context") {
      out.workspace ??= strOf(p.cwd);
      continue;
    }
    if (r.type === "event_msg") {
      const text = strOf(p.message);
      if (text === undefined || text.trim() === "") continue;
      if (p.type === "user_message" && !CODEX_INJECTED.test(text)) {
        fallback.push(message("user", text, ts));
        fallbackTitle ??= titleOf(text);
      } else if (p.type === "agent_message") {
        fallback.push(message("assistant", text, ts));
      }
      continue;
    }
    if (r.type !== "response_item") continue;

    switch (p.type) {
      case "message": {
        const role = p.role;
        if (role !== "user" && role !== "assistant") continue; // developer/system instructions
        const text = textOf(p.content);
        if (text.trim() === "") continue;
        if (role === "user" && CODEX_INJECTED.test(text)) continue;
        sawResponseMessage = true;
        out.messages.push(message(role, text, ts));
        if (role === "user") out.title ??= titleOf(text);
        lastWasToolOutput = false;
        break;
      }
      case "function_call":
      case "custom_tool_call":
      case "local_shell_call": {
        const input = p.type === "function_call"
          ? parseArguments(p.arguments)
          : p.type === "custom_tool_call"
          ? p.input
          : isObj(p.action)
          ? p.action
          : undefined;
        const name = p.type === "local_shell_call" ? "local_shell" : p.name;
        const call = toolCall(name, input);
        const last = out.messages[out.messages.length - 1];
        if (last !== undefined && last.role === "assistant" && !lastWasToolOutput) {
          last.tool_calls = [...(last.tool_calls ?? []), call];
        } else {
          const m = message("assistant", "", ts);
          m.tool_calls = [call];
          out.messages.push(m);
        }
        lastWasToolOutput = false;
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output":
      case "local_shell_call_output": {
        out.messages.push(message("tool", codexOutput(p.output), ts));
        lastWasToolOutput = true;
        break;
      }
      default:
        // reasoning (dropped on purpose), web_search_call, etc.
        break;
    }
  }
  if (!sawResponseMessage && fallback.length > 0) {
    // Older rollouts: only event messages carry the conversation.
    out.messages = [...out.messages, ...fallback].sort((a, b) =>
      (a.timestamp ?? "").localeCompare(b.timestamp ?? "")
    );
    out.title ??= fallbackTitle;
  }
  return out;
}

/** `arguments` is a JSON string; parse it so shell commands can be summarized. */
function parseArguments(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Tool output: a string, often JSON `{output, metadata: {exit_code}}`; bounded and marked. */
function codexOutput(v: unknown): string {
  let text: string;
  if (typeof v === "string") {
    text = v;
    const parsed = v.trimStart().startsWith("{") ? parseArguments(v) : undefined;
    if (isObj(parsed) && typeof parsed.output === "string") {
      text = parsed.output;
      const meta = parsed.metadata;
      if (isObj(meta) && typeof meta.exit_code === "number" && meta.exit_code !== 0) {
        text = `[exit ${meta.exit_code}] ${text}`;
      }
    }
  } else if (isObj(v) && typeof v.content === "string") {
    text = v.content;
  } else {
    text = textOf(v);
  }
  return truncateMarked(text, MAX_TOOL_RESULT_CHARS);
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
