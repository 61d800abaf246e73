/**
 * Claude Code transcripts (`~/.claude/projects/<path-slug>/<session-uuid>.jsonl`), one raw record
 * at a time:
 *
 * - user text → `user`; `tool_result` blocks → `tool` (bounded, `[error]`-prefixed when
 *   `is_error`); assistant `text` and `tool_use` blocks → one `assistant` message per API message
 *   (records split over the same `message.id` are merged); the summary Claude Code writes after
 *   `/compact` (`isCompactSummary`) → `system`;
 * - `summary` records give the session's summary (the one whose `leafUuid` is in this file wins);
 * - `system`, `file-history-snapshot`, meta (`isMeta`) and sidechain (subagent) records are
 *   skipped; thinking blocks are dropped (large, rarely useful in a memory, and where file
 *   contents and command output are echoed verbatim);
 * - session facts: `sessionId`, `cwd`, the last non-empty `gitBranch`, the first real model, and
 *   token usage from `message.usage` (counted once per API message).
 *
 * @module
 */

import type { TokenUsage, ToolCall } from "../../record/schema.ts";
import { isObj, isoOrUndefined, type Obj, strOf } from "../text.ts";
import {
  addTokens,
  type AgentMapper,
  boundedResult,
  type MappedSpan,
  message,
  MessageBuffer,
  nonBlank,
  type SessionFacts,
  textOf,
  titleOf,
  tokens,
  toolCall,
} from "./mapping.ts";

/** User text that Claude Code or a slash command injected: not a real prompt. */
const CLAUDE_INJECTED =
  /^\s*(<command-name>|<command-message>|<command-args>|<local-command-stdout>|<local-command-stderr>|<system-reminder>|<user-prompt-submit-hook>|Caveat: The messages below|\[Request interrupted by user)/;

/** Record uuids remembered to match summaries to this file (bounded). */
const MAX_REMEMBERED_UUIDS = 200_000;

/** True when a raw record looks like a Claude Code transcript line. */
export function looksLikeClaudeCode(r: Obj): boolean {
  return (r.type === "user" || r.type === "assistant") && isObj(r.message) ||
    r.type === "summary" && typeof r.leafUuid === "string";
}

/** The Claude Code mapper. */
export class ClaudeCodeMapper implements AgentMapper {
  /** The agent. */
  readonly agent = "claude-code" as const;
  #facts: SessionFacts = {};
  #buffer = new MessageBuffer();
  #usage: TokenUsage = {};
  #uuids = new Set<string>();
  #summaries: { text: string; leaf?: string }[] = [];
  /** message.id → index in #buffer, to merge split assistant records. */
  #byMessageId = new Map<string, number>();
  #usageIds = new Set<string>();

  /** Messages waiting to be taken. */
  get bufferedMessages(): number {
    return this.#buffer.length;
  }

  /** Characters waiting to be taken. */
  get bufferedChars(): number {
    return this.#buffer.chars;
  }

  /** Session facts so far. */
  facts(): SessionFacts {
    const own = this.#summaries.find((s) => s.leaf !== undefined && this.#uuids.has(s.leaf));
    const chosen = own ?? this.#summaries[0];
    return chosen ? { ...this.#facts, summary: chosen.text } : { ...this.#facts };
  }

  /** Maps one raw record. */
  push(raw: unknown): void {
    if (!isObj(raw)) return;
    const r = raw;
    const uuid = strOf(r.uuid);
    if (uuid && this.#uuids.size < MAX_REMEMBERED_UUIDS) this.#uuids.add(uuid);
    if (r.type === "summary") {
      const s = strOf(r.summary);
      if (s && s.trim() !== "") this.#summaries.push({ text: s.trim(), leaf: strOf(r.leafUuid) });
      return;
    }
    // Session facts come from the first record that has them, whatever its type.
    const ts = isoOrUndefined(r.timestamp);
    const f = this.#facts;
    f.firstTimestamp ??= ts;
    f.sessionId ??= strOf(r.sessionId);
    f.workspace ??= strOf(r.cwd);
    if (r.type !== "user" && r.type !== "assistant") return;
    if (r.isSidechain === true || r.isMeta === true) return;
    const branch = nonBlank(r.gitBranch);
    if (branch !== undefined) f.gitBranch = branch;
    const msg = r.message;
    if (!isObj(msg)) return;
    if (r.type === "user") this.#user(r, msg, ts);
    else this.#assistant(msg, ts);
  }

  /** Hands over the messages mapped so far (assistant messages that carried only thinking go). */
  take(_final: boolean): MappedSpan {
    const messages = this.#buffer.take().filter((m) =>
      m.role !== "assistant" || m.text !== "" || (m.tool_calls?.length ?? 0) > 0
    );
    const usage = this.#usage;
    this.#usage = {};
    this.#byMessageId.clear();
    this.#usageIds.clear();
    return { messages, usage };
  }

  #user(r: Obj, msg: Obj, ts: string | undefined): void {
    const content = msg.content;
    if (typeof content === "string") {
      this.#userText(r, content, ts);
      return;
    }
    if (!Array.isArray(content)) return;
    const texts: string[] = [];
    for (const b of content) {
      if (!isObj(b)) continue;
      if (b.type === "tool_result") {
        let text = textOf(b.content);
        if (b.is_error === true) text = `[error] ${text}`;
        this.#buffer.push(message("tool", boundedResult(text), ts));
      } else if (b.type === "text" && typeof b.text === "string") {
        texts.push(b.text);
      } else if (b.type === "image") {
        texts.push("[image]");
      }
    }
    if (texts.length > 0) this.#userText(r, texts.join("\n"), ts);
  }

  #userText(r: Obj, text: string, ts: string | undefined): void {
    if (text.trim() === "") return;
    if (r.isCompactSummary === true) {
      // The summary Claude Code writes after /compact: context, not a prompt.
      this.#buffer.push(message("system", text, ts));
      return;
    }
    this.#buffer.push(message("user", text, ts));
    if (this.#facts.title === undefined && !CLAUDE_INJECTED.test(text)) {
      this.#facts.title = titleOf(text);
    }
  }

  #assistant(msg: Obj, ts: string | undefined): void {
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
    const model = nonBlank(msg.model);
    if (model !== undefined && model !== "<synthetic>") this.#facts.model ??= model;
    const id = strOf(msg.id);
    this.#countUsage(id, msg.usage);
    const text = texts.filter((t) => t.trim() !== "").join("\n\n");
    const existing = id !== undefined ? this.#byMessageId.get(id) : undefined;
    const held = existing !== undefined ? this.#buffer.at(existing) : undefined;
    if (held !== undefined) {
      this.#buffer.extend(held, text, calls);
      return;
    }
    const m = message("assistant", text, ts);
    if (calls.length > 0) m.tool_calls = calls;
    const index = this.#buffer.push(m);
    if (id !== undefined) this.#byMessageId.set(id, index);
  }

  /** Usage is repeated on every record of a split API message: count it once per id. */
  #countUsage(id: string | undefined, usage: unknown): void {
    if (!isObj(usage)) return;
    if (id !== undefined) {
      if (this.#usageIds.has(id)) return;
      this.#usageIds.add(id);
    }
    addTokens(this.#usage, "input_tokens", tokens(usage.input_tokens));
    addTokens(this.#usage, "output_tokens", tokens(usage.output_tokens));
    addTokens(this.#usage, "cache_read_tokens", tokens(usage.cache_read_input_tokens));
    addTokens(this.#usage, "cache_creation_tokens", tokens(usage.cache_creation_input_tokens));
  }
}
