/**
 * Reads one agent transcript file into canonical `session` records, streaming: the file is read
 * line by line (see `jsonl.ts`), each raw record is mapped as it comes (see the agent mappers),
 * and a session too long for one record is cut into parts of at most {@link PART_MAX_CHARS}
 * characters or {@link PART_MAX_MESSAGES} messages. Memory use stays bounded by one part,
 * whatever the size of the file (Gemini's older single-document files are read whole, up to
 * {@link MAX_INPUT_BYTES}).
 *
 * Parts are cut at the same places every time the same content is read, so when a session grows
 * only its last part changes: earlier parts are stored once and deduplicated afterwards.
 *
 * Bounds (documented in the README): tool results keep 4,000 characters, tool inputs a one-line
 * summary of 500 (see `mapping.ts`), any other message {@link MAX_MESSAGE_CHARS}; each cut is
 * marked `…[truncated: kept N of M characters]`.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { sha256Hex } from "../../crypto/hex.ts";
import { LumeraError } from "../../errors.ts";
import { MAX_INPUT_BYTES, MAX_SHORT_TEXT, MAX_SUMMARY_CHARS } from "../../record/limits.ts";
import {
  type MemoryRecord,
  type Message,
  normalizeRecord,
  type SessionCounts,
} from "../../record/schema.ts";
import { isObj, type Obj, truncate, truncateMarked } from "../text.ts";
import { ClaudeCodeMapper, looksLikeClaudeCode } from "./claude_code.ts";
import { CodexMapper, looksLikeCodex } from "./codex.ts";
import { GeminiMapper, looksLikeGemini } from "./gemini.ts";
import { emptyJsonlStats, type JsonlStats, readJsonl } from "./jsonl.ts";
import {
  type AgentId,
  type AgentMapper,
  detach,
  type MappedSpan,
  messageChars,
  type SessionFacts,
} from "./mapping.ts";

/** Largest part of a session, in characters of message text (≈ 1–3 MiB as JSON). */
export const PART_MAX_CHARS = 1_000_000;

/** Most messages in one part. */
export const PART_MAX_MESSAGES = 5_000;

/** Longest user, assistant or system message kept whole, in characters. */
export const MAX_MESSAGE_CHARS = 256 * 1024;

/** What reading a transcript saw. */
export interface TranscriptStats extends JsonlStats {
  /** The agent the file was read as. */
  agent?: AgentId;
  /** Records (session parts) produced. */
  records: number;
  /** Messages produced. */
  messages: number;
}

/** A fresh, zeroed {@link TranscriptStats}. */
export function emptyTranscriptStats(): TranscriptStats {
  return { ...emptyJsonlStats(), records: 0, messages: 0 };
}

/** Options of {@link readTranscript}. */
export interface TranscriptOptions {
  /** The agent that wrote the file; detected from its name and content when absent. */
  agent?: AgentId;
  /** A workspace to match against a Gemini project hash (e.g. the hook's cwd). */
  workspaceHint?: string;
  /** Longest JSONL line kept, in bytes. */
  maxLineBytes?: number;
  /** Part size bound in characters (default {@link PART_MAX_CHARS}). */
  partChars?: number;
  /** Part size bound in messages (default {@link PART_MAX_MESSAGES}). */
  partMessages?: number;
  /** Counters to update. */
  stats?: TranscriptStats;
  /** Aborting stops the read. */
  signal?: AbortSignal;
}

/** Makes the mapper of an agent. */
export function mapperFor(agent: AgentId): AgentMapper {
  switch (agent) {
    case "claude-code":
      return new ClaudeCodeMapper();
    case "codex":
      return new CodexMapper();
    case "gemini":
      return new GeminiMapper();
  }
}

/** Detects the agent of one raw record, if it is recognizable. */
export function agentOfRecord(r: unknown): AgentId | undefined {
  if (!isObj(r)) return undefined;
  if (looksLikeCodex(r)) return "codex";
  if (looksLikeGemini(r)) return "gemini";
  if (looksLikeClaudeCode(r)) return "claude-code";
  return undefined;
}

/** The agent a file name points at, when it is unambiguous. */
export function agentOfPath(path: string): AgentId | undefined {
  const name = basename(path);
  if (/^rollout-.*\.jsonl$/.test(name)) return "codex";
  if (/^session-.*\.jsonl?$/.test(name) && basename(dirname(path)) === "chats") return "gemini";
  return undefined;
}

/**
 * Reads the transcript at `path` and yields its records (one per part, in order). Yields nothing
 * for a transcript without any message. Throws `NOT_FOUND` (no such file), `USAGE` (not a
 * regular file), `SOURCE_FAILED` (not a transcript lumera-memory reads), `TOO_LARGE` (an older
 * Gemini document over 64 MiB); permission errors propagate.
 */
export async function* readTranscript(
  path: string,
  options: TranscriptOptions = {},
): AsyncGenerator<MemoryRecord> {
  const stats = options.stats ?? emptyTranscriptStats();
  const file = await openTranscript(path);
  try {
    const info = await file.stat();
    if (!info.isFile) {
      throw new LumeraError("USAGE", `${path} is not a regular file`, {
        hint: "pass the path of a transcript file",
      });
    }
    const mtime = info.mtime ?? new Date(0);
    let agent = options.agent ?? agentOfPath(path);
    const legacyGemini = path.endsWith(".json") && (agent === undefined || agent === "gemini");
    if (legacyGemini) {
      if (info.size > MAX_INPUT_BYTES) {
        throw new LumeraError(
          "TOO_LARGE",
          `${basename(path)} is larger than ${MAX_INPUT_BYTES} bytes (64 MiB)`,
          { hint: "Gemini CLI's older session documents are read whole; this one is too big" },
        );
      }
      agent = "gemini";
    }
    if (agent === undefined) agent = await sniffAgent(file, path);
    stats.agent = agent;
    const mapper = mapperFor(agent);
    const builder = new PartBuilder(agent, mapper, path, mtime, options, stats);

    if (legacyGemini) {
      const bytes = new Uint8Array(info.size);
      let off = 0;
      while (off < bytes.length) {
        const n = await file.read(bytes.subarray(off));
        if (n === null) break;
        off += n;
      }
      stats.bytes += off;
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder().decode(bytes.subarray(0, off)));
      } catch {
        doc = undefined;
      }
      if (!isObj(doc)) {
        throw new LumeraError("SOURCE_FAILED", `${basename(path)} is not a Gemini CLI session`, {
          hint: "Gemini CLI session files are JSON documents with sessionId and messages",
        });
      }
      stats.lines++;
      const { messages, ...meta } = doc;
      mapper.push(meta);
      if (Array.isArray(messages)) { for (const m of messages) mapper.push(m); }
    } else {
      for await (
        const batch of readJsonl(file, {
          maxLineBytes: options.maxLineBytes,
          stats,
          signal: options.signal,
        })
      ) {
        for (const value of batch) {
          mapper.push(value);
          const part = builder.maybeCut();
          if (part !== undefined) yield part;
        }
      }
    }
    if (agent === "gemini") await builder.resolveGeminiWorkspace(mapper as GeminiMapper);
    for (const part of builder.finish()) yield part;
  } finally {
    file.close();
  }
}

async function openTranscript(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LumeraError("NOT_FOUND", `transcript not found: ${path}`, {
        hint: "check the path; it is resolved relative to the current directory",
        cause: err,
      });
    }
    if (err instanceof Deno.errors.IsADirectory) {
      throw new LumeraError("USAGE", `${path} is a directory, not a transcript`, {
        hint: "pass a transcript file, or the directory with --path",
        cause: err,
      });
    }
    throw err;
  }
}

/** Reads the first lines to recognize the format, then rewinds. */
async function sniffAgent(file: Deno.FsFile, path: string): Promise<AgentId> {
  const sniff = emptyJsonlStats();
  let found: AgentId | undefined;
  let seen = 0;
  outer: for await (const batch of readJsonl(file, { stats: sniff, maxLineBytes: 1 << 20 })) {
    for (const v of batch) {
      found = agentOfRecord(v);
      if (found !== undefined || ++seen >= 200) break outer;
    }
    if (sniff.bytes >= 4 << 20) break;
  }
  await file.seek(0, Deno.SeekMode.Start);
  if (found === undefined) {
    throw new LumeraError(
      "SOURCE_FAILED",
      `${basename(path)} is not a Claude Code, Codex or Gemini CLI transcript`,
      { hint: "lumera-memory reads those three agents' session files; pass --agent to force one" },
    );
  }
  return found;
}

/** Cuts mapped messages into parts and turns each into a record. */
class PartBuilder {
  readonly #agent: AgentId;
  readonly #mapper: AgentMapper;
  readonly #path: string;
  readonly #mtime: Date;
  readonly #maxChars: number;
  readonly #maxMessages: number;
  readonly #stats: TranscriptStats;
  readonly #hint?: string;
  #part = 1;
  #workspace?: string;

  constructor(
    agent: AgentId,
    mapper: AgentMapper,
    path: string,
    mtime: Date,
    options: TranscriptOptions,
    stats: TranscriptStats,
  ) {
    this.#agent = agent;
    this.#mapper = mapper;
    this.#path = path;
    this.#mtime = mtime;
    this.#maxChars = options.partChars ?? PART_MAX_CHARS;
    this.#maxMessages = options.partMessages ?? PART_MAX_MESSAGES;
    this.#stats = stats;
    this.#hint = options.workspaceHint;
  }

  /** A part, when the mapper holds a full one. */
  maybeCut(): MemoryRecord | undefined {
    const m = this.#mapper;
    if (m.bufferedChars < this.#maxChars && m.bufferedMessages < this.#maxMessages) return;
    const span = m.take(false);
    if (span.messages.length === 0) return;
    return this.#record(span, m.facts());
  }

  /** The remaining parts at the end of the input. */
  finish(): MemoryRecord[] {
    const facts = this.#mapper.facts();
    const span = this.#mapper.take(true);
    const out: MemoryRecord[] = [];
    // Cut what is left (all of a Gemini session) by the same bounds.
    let chunk: Message[] = [];
    let chars = 0;
    const flush = (last: boolean) => {
      if (chunk.length === 0) return;
      out.push(this.#record({ messages: chunk, usage: last ? span.usage : {} }, facts));
      chunk = [];
      chars = 0;
    };
    for (const msg of span.messages) {
      const c = messageChars(msg);
      if (chunk.length > 0 && (chars + c > this.#maxChars || chunk.length >= this.#maxMessages)) {
        flush(false);
      }
      chunk.push(msg);
      chars += c;
    }
    flush(true);
    return out;
  }

  /** Gemini files do not name their workspace: find it from the project directory. */
  async resolveGeminiWorkspace(mapper: GeminiMapper): Promise<void> {
    if (mapper.facts().workspace !== undefined) return;
    // tmp/<project>/chats/session-….jsonl → tmp/<project>/.project_root (newer Gemini CLI).
    const projectDir = dirname(dirname(this.#path));
    try {
      const root = (await Deno.readTextFile(join(projectDir, ".project_root"))).trim();
      if (root !== "" && root.length <= MAX_SHORT_TEXT && !root.includes("\n")) {
        this.#workspace = root;
        return;
      }
    } catch {
      // older layout or unreadable: try the hint
    }
    const hash = mapper.projectHash;
    if (this.#hint !== undefined && hash !== undefined && /^[0-9a-f]{64}$/.test(hash)) {
      if ((await sha256Hex(new TextEncoder().encode(this.#hint))) === hash) {
        this.#workspace = this.#hint;
      }
    }
  }

  #record(span: MappedSpan, facts: SessionFacts): MemoryRecord {
    const messages = span.messages.map(boundMessage);
    const times = messages.map((m) => m.timestamp).filter((t): t is string => t !== undefined);
    const first = times.length ? times.reduce((a, b) => (a < b ? a : b)) : undefined;
    const last = times.length ? times.reduce((a, b) => (a > b ? a : b)) : undefined;
    const part = this.#part++;
    const timestamp =
      (part === 1 ? facts.firstTimestamp ?? first : first ?? facts.firstTimestamp) ??
        this.#mtime.toISOString();
    const fileId = basename(this.#path).replace(/\.jsonl?$/i, "");
    const title = facts.title;
    const summary = facts.summary ?? title ?? `${this.#agent} session`;
    const record: Obj = {
      schema_version: 1,
      kind: "session",
      session_id: truncate(facts.sessionId ?? (fileId || "unknown-session"), MAX_SHORT_TEXT),
      timestamp,
      tool_name: this.#agent,
      success: true,
      summary: truncate(summary, MAX_SUMMARY_CHARS),
      tags: [this.#agent],
      messages,
      counts: countsOf(messages),
      // The file name, not the path: the same session read from another place (a copy, a moved
      // home) is the same content, and home paths stay out of records.
      source: { kind: "transcript", ref: truncate(basename(this.#path), MAX_SHORT_TEXT) },
    };
    if (title !== undefined) record.title = title;
    const workspace = facts.workspace ?? this.#workspace;
    if (workspace !== undefined) record.workspace = truncate(workspace, MAX_SHORT_TEXT);
    if (facts.gitBranch !== undefined) record.git_branch = truncate(facts.gitBranch, 200);
    if (facts.model !== undefined) record.model = truncate(facts.model, 200);
    if (first !== undefined) record.started_at = first;
    if (last !== undefined) record.ended_at = last;
    if (part > 1) record.part = part;
    if (Object.keys(span.usage).length > 0) record.usage = span.usage;
    this.#stats.records++;
    this.#stats.messages += messages.length;
    return normalizeRecord(record);
  }
}

function boundMessage(m: Message): Message {
  if (m.text.length <= MAX_MESSAGE_CHARS) return m;
  return { ...m, text: detach(truncateMarked(m.text, MAX_MESSAGE_CHARS)) };
}

function countsOf(messages: Message[]): SessionCounts {
  const c: SessionCounts = {
    messages: messages.length,
    user: 0,
    assistant: 0,
    tool_results: 0,
    tool_calls: 0,
  };
  for (const m of messages) {
    if (m.role === "user") c.user++;
    else if (m.role === "assistant") c.assistant++;
    else if (m.role === "tool") c.tool_results++;
    c.tool_calls += m.tool_calls?.length ?? 0;
  }
  return c;
}
