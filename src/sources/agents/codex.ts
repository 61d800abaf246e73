/**
 * Codex CLI rollouts (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`), one raw record
 * (`{timestamp, type, payload}`) at a time:
 *
 * - `session_meta` gives the id, the cwd and `git.branch`; `turn_context` the model (and the cwd
 *   when the meta has none);
 * - `response_item` `message` (user/assistant), `function_call` / `custom_tool_call` /
 *   `local_shell_call` (tool calls) and their `*_output` (tool results, bounded) become messages;
 * - `event_msg` `user_message` / `agent_message` duplicate the response items and are only used
 *   while a rollout has shown no response-item message (older versions wrote only events);
 *   `token_count` events give the usage (their running totals);
 * - developer/system instructions and injected `<environment_context>` / `<user_instructions>`
 *   turns are configuration, not conversation, and are skipped; reasoning is dropped (Codex
 *   stores it encrypted anyway).
 *
 * @module
 */

import type { Message, TokenUsage } from "../../record/schema.ts";
import { isObj, isoOrUndefined, type Obj, strOf } from "../text.ts";
import {
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

/** User turns Codex injects (environment, AGENTS.md): configuration, not conversation. */
const CODEX_INJECTED =
  /^\s*(<environment_context>|<user_instructions>|<permissions instructions>|# AGENTS\.md instructions)/;

const CODEX_TYPES = new Set(["session_meta", "response_item", "event_msg", "turn_context"]);

/** True when a raw record looks like a Codex rollout line. */
export function looksLikeCodex(r: Obj): boolean {
  return typeof r.type === "string" && CODEX_TYPES.has(r.type) && isObj(r.payload);
}

type Totals = Required<TokenUsage>;

function zeroTotals(): Totals {
  return {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_creation_tokens: 0,
    reasoning_tokens: 0,
  };
}

/** The Codex mapper. */
export class CodexMapper implements AgentMapper {
  /** The agent. */
  readonly agent = "codex" as const;
  #facts: SessionFacts = {};
  #buffer = new MessageBuffer();
  /** Messages taken from event_msg records while no response-item message was seen. */
  #fromEvents = new Set<Message>();
  #sawResponseMessage = false;
  #eventTitle: string | undefined;
  #lastWasToolOutput = false;
  /** The running token totals, now and at the last take. */
  #totals = zeroTotals();
  #takenTotals = zeroTotals();

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
    const f = { ...this.#facts };
    if (!this.#sawResponseMessage) f.title ??= this.#eventTitle;
    return f;
  }

  /** Hands over the messages mapped so far and the tokens counted since the last take. */
  take(_final: boolean): MappedSpan {
    const messages = this.#buffer.take();
    const usage: TokenUsage = {};
    for (const k of Object.keys(this.#totals) as (keyof Totals)[]) {
      const d = this.#totals[k] - this.#takenTotals[k];
      if (d > 0) usage[k] = d;
    }
    this.#takenTotals = { ...this.#totals };
    this.#fromEvents.clear();
    return { messages, usage };
  }

  /** Maps one raw record. */
  push(raw: unknown): void {
    if (!isObj(raw)) return;
    const r = raw;
    const p = r.payload;
    if (!isObj(p)) return;
    const ts = isoOrUndefined(r.timestamp) ?? isoOrUndefined(p.timestamp);
    const f = this.#facts;
    f.firstTimestamp ??= ts;

    if (r.type === "session_meta") {
      f.sessionId ??= strOf(p.id);
      f.workspace ??= strOf(p.cwd);
      if (isObj(p.git)) f.gitBranch ??= nonBlank(p.git.branch);
      return;
    }
    if (r.type === "turn_context") {
      f.workspace ??= strOf(p.cwd);
      f.model ??= nonBlank(p.model);
      return;
    }
    if (r.type === "event_msg") {
      this.#event(p, ts);
      return;
    }
    if (r.type !== "response_item") return;

    switch (p.type) {
      case "message": {
        const role = p.role;
        if (role !== "user" && role !== "assistant") return; // developer/system instructions
        const text = textOf(p.content);
        if (text.trim() === "") return;
        if (role === "user" && CODEX_INJECTED.test(text)) return;
        if (!this.#sawResponseMessage) {
          // Newer rollouts: events duplicate the response items; drop what they added.
          this.#sawResponseMessage = true;
          if (this.#fromEvents.size > 0) {
            this.#buffer.filter((m) => !this.#fromEvents.has(m));
            this.#fromEvents.clear();
          }
        }
        this.#buffer.push(message(role, text, ts));
        if (role === "user") f.title ??= titleOf(text);
        this.#lastWasToolOutput = false;
        return;
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
        const last = this.#buffer.at(-1);
        if (last !== undefined && last.role === "assistant" && !this.#lastWasToolOutput) {
          this.#buffer.extend(last, "", [call]);
        } else {
          const m = message("assistant", "", ts);
          m.tool_calls = [call];
          this.#buffer.push(m);
        }
        this.#lastWasToolOutput = false;
        return;
      }
      case "function_call_output":
      case "custom_tool_call_output":
      case "local_shell_call_output": {
        this.#buffer.push(message("tool", codexOutput(p.output), ts));
        this.#lastWasToolOutput = true;
        return;
      }
      default:
        // reasoning (dropped on purpose), web_search_call, etc.
        return;
    }
  }

  #event(p: Obj, ts: string | undefined): void {
    if (p.type === "token_count") {
      const info = p.info;
      const total = isObj(info) ? info.total_token_usage : undefined;
      if (isObj(total)) {
        // Running totals: input includes the cached part.
        const t = this.#totals;
        t.input_tokens = Math.max(t.input_tokens, tokens(total.input_tokens));
        t.cache_read_tokens = Math.max(t.cache_read_tokens, tokens(total.cached_input_tokens));
        t.output_tokens = Math.max(t.output_tokens, tokens(total.output_tokens));
        t.reasoning_tokens = Math.max(
          t.reasoning_tokens,
          tokens(total.reasoning_output_tokens),
        );
      }
      return;
    }
    if (this.#sawResponseMessage) return;
    const text = strOf(p.message);
    if (text === undefined || text.trim() === "") return;
    let m: Message | undefined;
    if (p.type === "user_message" && !CODEX_INJECTED.test(text)) {
      m = message("user", text, ts);
      this.#eventTitle ??= titleOf(text);
    } else if (p.type === "agent_message") {
      m = message("assistant", text, ts);
    }
    if (m === undefined) return;
    this.#buffer.push(m);
    this.#fromEvents.add(m);
    this.#lastWasToolOutput = false;
  }
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
  return boundedResult(text);
}
