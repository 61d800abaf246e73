/**
 * What every agent reader shares: the agent ids, the mapper contract (one raw record in, canonical
 * messages out), and the bounded helpers that turn raw content into message text, tool calls and
 * titles. The Claude Code and Codex mappers are used both by `import` (reading the agents' own
 * files) and by the `cass export` source, so a transcript maps the same way whichever path it
 * takes.
 *
 * Bounds: a tool call keeps a one-line `input_summary` of at most {@link MAX_TOOL_INPUT_SUMMARY}
 * characters; a tool result keeps its first {@link MAX_TOOL_RESULT_CHARS} characters followed by
 * a `…[truncated: kept N of M characters]` marker; the title is at most {@link MAX_TITLE_CHARS}.
 *
 * @module
 */

import { basename } from "node:path";
import type { Message, TokenUsage, ToolCall } from "../../record/schema.ts";
import { isObj, oneLine, strOf, truncate, truncateMarked } from "../text.ts";

/** Longest `input_summary` of a tool call, in characters. */
export const MAX_TOOL_INPUT_SUMMARY = 500;

/** Characters of a tool result kept before the truncation marker. */
export const MAX_TOOL_RESULT_CHARS = 4000;

/** Longest title (the first real user prompt, on one line), in characters. */
export const MAX_TITLE_CHARS = 200;

/** The agents whose own session files lumera-memory reads. */
export type AgentId = "claude-code" | "codex" | "gemini";

/** The agent ids, in the order `import --agent all` reads them. */
export const AGENT_IDS: readonly AgentId[] = ["claude-code", "codex", "gemini"];

/** Session-level facts a mapper collects while it reads. */
export interface SessionFacts {
  /** The agent's session id. */
  sessionId?: string;
  /** The working directory (workspace). */
  workspace?: string;
  /** The git branch. */
  gitBranch?: string;
  /** The first model seen. */
  model?: string;
  /** The first time on any record. */
  firstTimestamp?: string;
  /** The first real user prompt, one line, bounded. */
  title?: string;
  /** A summary the agent wrote, when it wrote one. */
  summary?: string;
}

/** What {@link AgentMapper.take} hands over. */
export interface MappedSpan {
  /** The messages mapped since the last take, in order. */
  messages: Message[];
  /** Tokens reported over those records. */
  usage: TokenUsage;
}

/**
 * Maps an agent's raw records, one at a time, to canonical messages. Messages accumulate until
 * {@link AgentMapper.take} hands them over, which lets a long transcript be cut into parts
 * without ever holding all of it.
 */
export interface AgentMapper {
  /** The agent this mapper reads. */
  readonly agent: AgentId;
  /** Maps one raw record (anything that is not an object is ignored). */
  push(raw: unknown): void;
  /** The session facts seen so far. */
  facts(): SessionFacts;
  /**
   * Hands over the messages mapped so far and the usage reported with them. `final` is true at
   * the end of the input (end-of-input rules apply).
   */
  take(final: boolean): MappedSpan;
  /** Messages waiting to be taken. */
  readonly bufferedMessages: number;
  /** Characters waiting to be taken (text, tool summaries and a small per-message overhead). */
  readonly bufferedChars: number;
}

/** Per-message overhead in the character estimate (role, timestamp, JSON punctuation). */
export const MESSAGE_OVERHEAD_CHARS = 64;

/** The size estimate of one message, in characters. */
export function messageChars(m: Message): number {
  let n = m.text.length + MESSAGE_OVERHEAD_CHARS;
  for (const c of m.tool_calls ?? []) n += c.name.length + (c.input_summary?.length ?? 0) + 24;
  return n;
}

/**
 * The messages a mapper holds until its next take, with their size estimate kept in step (the
 * `bufferedMessages` / `bufferedChars` of {@link AgentMapper}).
 */
export class MessageBuffer {
  #messages: Message[] = [];
  #chars = 0;

  /** Messages held. */
  get length(): number {
    return this.#messages.length;
  }

  /** Characters held (see {@link messageChars}). */
  get chars(): number {
    return this.#chars;
  }

  /** The held message at `index` (negative counts from the end), if any. */
  at(index: number): Message | undefined {
    return this.#messages.at(index);
  }

  /** Adds a message; returns its index. */
  push(m: Message): number {
    this.#chars += messageChars(m);
    return this.#messages.push(m) - 1;
  }

  /** Appends text (after a blank line) and tool calls to a held message. */
  extend(m: Message, text: string, calls: ToolCall[]): void {
    const before = messageChars(m);
    if (text !== "") m.text = m.text === "" ? text : `${m.text}\n\n${text}`;
    if (calls.length > 0) m.tool_calls = [...(m.tool_calls ?? []), ...calls];
    this.#chars += messageChars(m) - before;
  }

  /** Drops the held messages for which `keep` is false. */
  filter(keep: (m: Message) => boolean): void {
    this.#messages = this.#messages.filter(keep);
    this.#chars = this.#messages.reduce((n, m) => n + messageChars(m), 0);
  }

  /** Hands over the held messages and empties the buffer. */
  take(): Message[] {
    const messages = this.#messages;
    this.#messages = [];
    this.#chars = 0;
    return messages;
  }
}

/** Joins the text of a string or an array of `{type: "text" | "input_text" | …, text}` blocks. */
export function textOf(content: unknown): string {
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
export function titleOf(text: string): string | undefined {
  const t = oneLine(text);
  return t === "" ? undefined : detach(truncate(t, MAX_TITLE_CHARS));
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

/** A tool call by name with the bounded summary of its input. */
export function toolCall(name: unknown, input: unknown): ToolCall {
  const n = typeof name === "string" && name.trim() !== "" ? name : "unknown-tool";
  const call: ToolCall = { name: detach(truncate(n, 200)) };
  const summary = summarizeToolInput(input);
  if (summary !== undefined) call.input_summary = detach(summary);
  return call;
}

/**
 * A copy of `s` that holds only its own characters. A slice of a long string keeps the whole
 * original alive in V8; tool results are cut from strings of tens of kilobytes, so without this a
 * session's bounded text would pin all of its unbounded input in memory.
 */
export function detach(s: string): string {
  return s.length === 0 ? s : JSON.parse(JSON.stringify(s));
}

/** A tool result bounded to {@link MAX_TOOL_RESULT_CHARS} (marked when cut), detached. */
export function boundedResult(text: string): string {
  return text.length <= MAX_TOOL_RESULT_CHARS
    ? text
    : detach(truncateMarked(text, MAX_TOOL_RESULT_CHARS));
}

/** A message with an optional time. */
export function message(role: Message["role"], text: string, timestamp?: string): Message {
  const m: Message = { role, text };
  if (timestamp !== undefined) m.timestamp = timestamp;
  return m;
}

/** A whole number ≥ 0 from an agent's usage field, or 0. */
export function tokens(v: unknown): number {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : 0;
}

/** Adds `n` tokens to `usage[field]` (fields stay absent while nothing was reported). */
export function addTokens(usage: TokenUsage, field: keyof TokenUsage, n: number): void {
  if (n <= 0) return;
  usage[field] = (usage[field] ?? 0) + n;
}

/** A string field, trimmed, or `undefined` when missing or blank. */
export function nonBlank(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}
