/**
 * Gemini CLI sessions (`~/.gemini/tmp/<project>/chats/session-*.json[l]`). Two shapes:
 *
 * - **JSONL** (current): a metadata line `{sessionId, projectHash, startTime, lastUpdated, …}`,
 *   then message records `{id, timestamp, type, content, toolCalls?, tokens?, model?}`. A message
 *   is appended again whenever it changes (same `id`: the last copy wins, in its first place);
 *   `{$set: {…}}` updates the metadata (and may replace the whole message list); `{$rewindTo: id}`
 *   drops that message and everything after it.
 * - **JSON** (older): one document `{sessionId, projectHash, startTime, lastUpdated, messages}`.
 *
 * Mapping: `user` → `user`; `gemini`/`model` → `assistant` with its tool calls (name and bounded
 * input summary), each call's result → a bounded `tool` message; `error` → `system` (prefixed
 * `[error]`); `info` and `warning` are UI notices and are skipped; thoughts are dropped. Usage
 * comes from each message's `tokens`.
 *
 * Because messages can change after they were written, the whole session is held (in its
 * compact, bounded form) until the end of the input.
 *
 * @module
 */

import type { Message, TokenUsage } from "../../record/schema.ts";
import { isObj, isoOrUndefined, type Obj, strOf } from "../text.ts";
import {
  addTokens,
  type AgentMapper,
  boundedResult,
  type MappedSpan,
  message,
  nonBlank,
  type SessionFacts,
  textOf,
  titleOf,
  tokens,
  toolCall,
} from "./mapping.ts";

/** True when a raw record looks like a Gemini session (document or metadata line). */
export function looksLikeGemini(r: Obj): boolean {
  return typeof r.sessionId === "string" && typeof r.projectHash === "string";
}

interface Mapped {
  messages: Message[];
  usage: TokenUsage;
  model?: string;
  user?: string;
}

/** The Gemini CLI mapper. */
export class GeminiMapper implements AgentMapper {
  /** The agent. */
  readonly agent = "gemini" as const;
  #facts: SessionFacts = {};
  /** Message id → its mapped form, in first-seen order. */
  #byId = new Map<string, Mapped>();
  #anonymous = 0;
  #projectHash: string | undefined;

  /** Nothing is handed over before the end: messages may still change. */
  get bufferedMessages(): number {
    return 0;
  }

  /** Nothing is handed over before the end: messages may still change. */
  get bufferedChars(): number {
    return 0;
  }

  /** The project hash (or short id) the session file names, when seen. */
  get projectHash(): string | undefined {
    return this.#projectHash;
  }

  /** Session facts so far. */
  facts(): SessionFacts {
    const f = { ...this.#facts };
    for (const m of this.#byId.values()) {
      if (f.title === undefined && m.user !== undefined) f.title = titleOf(m.user);
      if (f.model === undefined && m.model !== undefined) f.model = m.model;
      if (f.title !== undefined && f.model !== undefined) break;
    }
    return f;
  }

  /** Maps one raw record (a metadata line, a message, `$set` or `$rewindTo`). */
  push(raw: unknown): void {
    if (!isObj(raw)) return;
    if (typeof raw.$rewindTo === "string") {
      this.#rewind(raw.$rewindTo);
      return;
    }
    if (isObj(raw.$set)) {
      this.#metadata(raw.$set);
      return;
    }
    if (typeof raw.id === "string" && typeof raw.type === "string") {
      this.#message(raw, raw.id);
      return;
    }
    if (typeof raw.sessionId === "string") {
      this.#metadata(raw);
      return;
    }
    if (typeof raw.type === "string" && "content" in raw) {
      this.#message(raw, `#${this.#anonymous++}`);
    }
  }

  /** At the end, hands over every message and the usage; before it, nothing. */
  take(final: boolean): MappedSpan {
    if (!final) return { messages: [], usage: {} };
    const messages: Message[] = [];
    const usage: TokenUsage = {};
    for (const m of this.#byId.values()) {
      messages.push(...m.messages);
      for (const [k, v] of Object.entries(m.usage) as [keyof TokenUsage, number][]) {
        addTokens(usage, k, v);
      }
    }
    this.#byId.clear();
    return { messages, usage };
  }

  #metadata(meta: Obj): void {
    const f = this.#facts;
    const id = strOf(meta.sessionId);
    if (id !== undefined) f.sessionId = id;
    this.#projectHash ??= strOf(meta.projectHash);
    f.firstTimestamp ??= isoOrUndefined(meta.startTime);
    const summary = nonBlank(meta.summary);
    if (summary !== undefined) f.summary = summary;
    if (Array.isArray(meta.directories) && typeof meta.directories[0] === "string") {
      f.workspace ??= meta.directories[0];
    }
    if (Array.isArray(meta.messages) && meta.messages.length > 0) {
      // The whole history, rewritten.
      this.#byId.clear();
      for (const m of meta.messages) {
        if (isObj(m)) this.#message(m, strOf(m.id) ?? `#${this.#anonymous++}`);
      }
    }
  }

  #rewind(id: string): void {
    if (!this.#byId.has(id)) {
      this.#byId.clear();
      return;
    }
    let found = false;
    for (const key of [...this.#byId.keys()]) {
      if (key === id) found = true;
      if (found) this.#byId.delete(key);
    }
  }

  #message(r: Obj, id: string): void {
    const ts = isoOrUndefined(r.timestamp);
    this.#facts.firstTimestamp ??= ts;
    const mapped: Mapped = { messages: [], usage: {} };
    const text = textOf(r.content);
    switch (r.type) {
      case "user":
        if (text.trim() !== "") {
          mapped.messages.push(message("user", text, ts));
          if (!text.trimStart().startsWith("/")) mapped.user = text;
        }
        break;
      case "gemini":
      case "model": {
        const calls = Array.isArray(r.toolCalls) ? r.toolCalls.filter(isObj) : [];
        if (text.trim() !== "" || calls.length > 0) {
          const m = message("assistant", text.trim() === "" ? "" : text, ts);
          if (calls.length > 0) m.tool_calls = calls.map((c) => toolCall(c.name, c.args));
          mapped.messages.push(m);
        }
        for (const c of calls) {
          const result = toolResultText(c);
          if (result !== undefined) {
            mapped.messages.push(message("tool", result, isoOrUndefined(c.timestamp) ?? ts));
          }
        }
        mapped.model = nonBlank(r.model);
        const t = r.tokens;
        if (isObj(t)) {
          addTokens(mapped.usage, "input_tokens", tokens(t.input));
          addTokens(mapped.usage, "output_tokens", tokens(t.output));
          addTokens(mapped.usage, "cache_read_tokens", tokens(t.cached));
          addTokens(mapped.usage, "reasoning_tokens", tokens(t.thoughts));
        }
        break;
      }
      case "error":
        if (text.trim() !== "") mapped.messages.push(message("system", `[error] ${text}`, ts));
        break;
      default:
        // info, warning: UI notices.
        break;
    }
    this.#byId.set(id, mapped);
  }
}

/** A tool call's result as bounded text: function responses, text parts, or the display text. */
function toolResultText(call: Obj): string | undefined {
  const parts: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string") parts.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObj(v)) {
      if (typeof v.text === "string") parts.push(v.text);
      const fr = v.functionResponse;
      if (isObj(fr)) {
        const resp = fr.response;
        if (isObj(resp)) {
          const out = resp.output ?? resp.error ?? resp.content;
          if (typeof out === "string") parts.push(out);
          else if (out !== undefined) collect(out);
        } else if (typeof resp === "string") parts.push(resp);
      }
    }
  };
  collect(call.result);
  if (parts.length === 0 && typeof call.resultDisplay === "string") parts.push(call.resultDisplay);
  if (parts.length === 0) return undefined;
  let text = parts.join("\n");
  const status = strOf(call.status);
  if (status === "error") text = `[error] ${text}`;
  else if (status === "cancelled") text = `[cancelled] ${text}`;
  return boundedResult(text);
}
