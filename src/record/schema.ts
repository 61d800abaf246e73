/**
 * The canonical memory record (schema version 1) and its default-deny normalization.
 *
 * Every source (record file, cm, cass, MCP note, bundled examples) maps into this one shape.
 * Fields the schema does not name are dropped, never passed through. The seed's seven fields
 * (`session_id`, `timestamp`, `tool_name`, `success`, `summary`, `tags`, `schema_version`) are the
 * minimum; richer content is carried in named, typed fields.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import {
  MAX_MESSAGES,
  MAX_RECORD_BYTES,
  MAX_SHORT_TEXT,
  MAX_SUMMARY_CHARS,
  MAX_TAG_LENGTH,
  MAX_TAGS,
} from "./limits.ts";

/** The schema version this build writes. */
export const SCHEMA_VERSION = 1;

/** What kind of memory a record is. */
export type RecordKind = "session" | "note" | "context";

/** The record kinds, for validation and schemas. */
export const RECORD_KINDS: readonly RecordKind[] = ["session", "note", "context"];

/** Who wrote a message. */
export type MessageRole = "user" | "assistant" | "tool" | "system";

/** The message roles, for validation and schemas. */
export const MESSAGE_ROLES: readonly MessageRole[] = ["user", "assistant", "tool", "system"];

/** A tool call an assistant made, by name, with a bounded summary of its input. */
export interface ToolCall {
  /** Tool name, e.g. `Bash`. */
  name: string;
  /** Bounded, scanned summary of the call's input. */
  input_summary?: string;
}

/** One message of a session. */
export interface Message {
  /** Who wrote it. */
  role: MessageRole;
  /** The message text (scanned before storing). */
  text: string;
  /** ISO-8601 time, when the source has one. */
  timestamp?: string;
  /** Tool calls made in this message. */
  tool_calls?: ToolCall[];
}

/** Where a record came from (for provenance; never used for access decisions). */
export interface RecordSource {
  /** The kind of source (`transcript`: an agent's own session file, read by `import`). */
  kind: "file" | "cm" | "cass" | "mcp" | "example" | "stdin" | "transcript";
  /** A short reference: a task description, a transcript path, a file name. */
  ref?: string;
}

/** The canonical memory record, schema version 1. */
export interface MemoryRecord {
  /** Always {@link SCHEMA_VERSION} when written by this build. */
  schema_version: 1;
  /** What kind of memory this is. */
  kind: RecordKind;
  /** The source's session id, or a generated id for notes. */
  session_id: string;
  /** ISO-8601 time the session/note happened. */
  timestamp: string;
  /** The agent or tool that produced it (e.g. `claude-code`, `codex`, `cm`, `mcp`). */
  tool_name: string;
  /** Whether the session reached its goal. */
  success: boolean;
  /** A short summary; searchable. */
  summary: string;
  /** Normalized tags (lowercase, trimmed, unique, sorted). */
  tags: string[];
  /** A title, e.g. the first user prompt. */
  title?: string;
  /** Free text body (notes, cm context). */
  body?: string;
  /** The workspace (project directory) it belongs to. */
  workspace?: string;
  /** The conversation, when the source has one. */
  messages?: Message[];
  /** Provenance. */
  source?: RecordSource;
  /** The git branch the session ran on, when the agent recorded it. */
  git_branch?: string;
  /** The model that answered (the first one seen), when the agent recorded it. */
  model?: string;
  /** ISO-8601 time of the first message this record covers. */
  started_at?: string;
  /** ISO-8601 time of the last message this record covers. */
  ended_at?: string;
  /**
   * Part number (2, 3, …) of a session too long for one record; absent on a session's first (or
   * only) part. Parts share the session id.
   */
  part?: number;
  /** Tokens used over the span this record covers, as the agent reported them. */
  usage?: TokenUsage;
  /** How many messages of each kind this record holds. */
  counts?: SessionCounts;
}

/** Token usage as agents report it; every field optional, whole numbers ≥ 0. */
export interface TokenUsage {
  /** Prompt (input) tokens. */
  input_tokens?: number;
  /** Completion (output) tokens. */
  output_tokens?: number;
  /** Input tokens served from a prompt cache. */
  cache_read_tokens?: number;
  /** Input tokens written to a prompt cache. */
  cache_creation_tokens?: number;
  /** Reasoning ("thinking") tokens, when reported apart from the output. */
  reasoning_tokens?: number;
}

/** The token usage fields, for validation and schemas. */
export const TOKEN_USAGE_FIELDS = [
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_creation_tokens",
  "reasoning_tokens",
] as const satisfies readonly (keyof TokenUsage)[];

/** Counts of a session record's content. */
export interface SessionCounts {
  /** All messages. */
  messages: number;
  /** Messages written by the user. */
  user: number;
  /** Messages written by the assistant. */
  assistant: number;
  /** Tool results. */
  tool_results: number;
  /** Tool calls the assistant made. */
  tool_calls: number;
}

/** The count fields, for validation and schemas. */
export const SESSION_COUNT_FIELDS = [
  "messages",
  "user",
  "assistant",
  "tool_results",
  "tool_calls",
] as const satisfies readonly (keyof SessionCounts)[];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(path: string, what: string): never {
  throw new LumeraError("INVALID_RECORD", `record field ${path}: ${what}`, {
    hint:
      "fix the record and retry; the schema is documented in the README (Record format section)",
  });
}

function str(v: unknown, path: string, max: number, required: true): string;
function str(v: unknown, path: string, max: number, required: false): string | undefined;
function str(v: unknown, path: string, max: number, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) fail(path, "is required");
    return undefined;
  }
  if (typeof v !== "string") fail(path, `must be a string, got ${typeOf(v)}`);
  if (v.length > max) {
    if (max >= MAX_RECORD_BYTES) {
      throw new LumeraError(
        "TOO_LARGE",
        `record field ${path} is ${v.length} characters; a record may hold at most ${MAX_RECORD_BYTES} bytes (8 MiB)`,
        { hint: "store a smaller record, e.g. split a long session into parts" },
      );
    }
    fail(path, `is too long (${v.length} characters, limit ${max})`);
  }
  return v;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** Normalizes one tag: trimmed, lowercased, internal whitespace to `-`. Empty → `undefined`. */
export function normalizeTag(raw: string): string | undefined {
  const t = raw.trim().toLowerCase().replace(/\s+/g, "-");
  if (t.length === 0) return undefined;
  return t;
}

/** Normalizes a tag list: validated, normalized, de-duplicated and sorted. */
export function normalizeTags(v: unknown, path = "tags"): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, `must be an array of strings, got ${typeOf(v)}`);
  const out = new Set<string>();
  v.forEach((t, i) => {
    if (typeof t !== "string") fail(`${path}[${i}]`, "must be a string");
    const n = normalizeTag(t);
    if (n === undefined) return;
    if (n.length > MAX_TAG_LENGTH) {
      fail(`${path}[${i}]`, `is longer than ${MAX_TAG_LENGTH} characters`);
    }
    // deno-lint-ignore no-control-regex -- rejecting control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(n)) fail(`${path}[${i}]`, "contains control characters");
    out.add(n);
  });
  if (out.size > MAX_TAGS) fail(path, `has ${out.size} tags, limit ${MAX_TAGS}`);
  return [...out].sort();
}

/** Parses an ISO-8601 time (or epoch milliseconds) and returns it in canonical ISO form. */
export function normalizeTimestamp(v: unknown, path: string): string {
  let d: Date;
  if (typeof v === "number" && Number.isFinite(v)) d = new Date(v);
  else if (typeof v === "string" && v.length <= 64) d = new Date(v);
  else fail(path, "must be an ISO-8601 time");
  if (Number.isNaN(d.getTime())) fail(path, "is not a valid ISO-8601 time");
  return d.toISOString();
}

function normalizeMessage(v: unknown, path: string): Message {
  if (!isObj(v)) fail(path, "must be an object");
  const role = v.role;
  if (typeof role !== "string" || !(MESSAGE_ROLES as readonly string[]).includes(role)) {
    fail(`${path}.role`, `must be one of ${MESSAGE_ROLES.join(", ")}`);
  }
  const text = str(v.text, `${path}.text`, MAX_RECORD_BYTES, true);
  const msg: Message = { role: role as MessageRole, text };
  if (v.timestamp !== undefined && v.timestamp !== null) {
    msg.timestamp = normalizeTimestamp(v.timestamp, `${path}.timestamp`);
  }
  if (v.tool_calls !== undefined && v.tool_calls !== null) {
    if (!Array.isArray(v.tool_calls)) fail(`${path}.tool_calls`, "must be an array");
    msg.tool_calls = v.tool_calls.map((c, i) => {
      const p = `${path}.tool_calls[${i}]`;
      if (!isObj(c)) fail(p, "must be an object");
      const call: ToolCall = { name: str(c.name, `${p}.name`, MAX_SHORT_TEXT, true) };
      const summary = str(c.input_summary, `${p}.input_summary`, MAX_SUMMARY_CHARS, false);
      if (summary !== undefined) call.input_summary = summary;
      return call;
    });
  }
  return msg;
}

const SOURCE_KINDS = ["file", "cm", "cass", "mcp", "example", "stdin", "transcript"] as const;

/**
 * Validates untrusted input and returns a canonical record. Default-deny: only the fields named
 * in {@link MemoryRecord} survive; anything else is dropped. `schema_version`, when present, must
 * be 1. Throws `INVALID_RECORD` naming the first bad field, or `TOO_LARGE` past
 * {@link MAX_RECORD_BYTES}.
 */
export function normalizeRecord(input: unknown): MemoryRecord {
  if (!isObj(input)) fail("(root)", `must be a JSON object, got ${typeOf(input)}`);
  if (input.schema_version !== undefined && input.schema_version !== SCHEMA_VERSION) {
    fail(
      "schema_version",
      `must be ${SCHEMA_VERSION} (this build reads version ${SCHEMA_VERSION})`,
    );
  }
  const kind = input.kind ?? "session";
  if (typeof kind !== "string" || !(RECORD_KINDS as readonly string[]).includes(kind)) {
    fail("kind", `must be one of ${RECORD_KINDS.join(", ")}`);
  }
  const success = input.success ?? true;
  if (typeof success !== "boolean") fail("success", "must be true or false");

  const record: MemoryRecord = {
    schema_version: SCHEMA_VERSION,
    kind: kind as RecordKind,
    session_id: str(input.session_id, "session_id", MAX_SHORT_TEXT, true),
    timestamp: normalizeTimestamp(input.timestamp, "timestamp"),
    tool_name: str(input.tool_name, "tool_name", MAX_SHORT_TEXT, true),
    success,
    summary: str(input.summary, "summary", MAX_SUMMARY_CHARS, true),
    tags: normalizeTags(input.tags),
  };
  if (record.session_id.trim() === "") fail("session_id", "must not be empty");
  if (record.tool_name.trim() === "") fail("tool_name", "must not be empty");

  const title = str(input.title, "title", MAX_SHORT_TEXT, false);
  if (title !== undefined) record.title = title;
  const body = str(input.body, "body", MAX_RECORD_BYTES, false);
  if (body !== undefined) record.body = body;
  const workspace = str(input.workspace, "workspace", MAX_SHORT_TEXT, false);
  if (workspace !== undefined) record.workspace = workspace;

  if (input.messages !== undefined && input.messages !== null) {
    if (!Array.isArray(input.messages)) fail("messages", "must be an array");
    if (input.messages.length > MAX_MESSAGES) {
      throw new LumeraError(
        "TOO_LARGE",
        `record has ${input.messages.length} messages, limit ${MAX_MESSAGES}`,
        { hint: "split the session into smaller records" },
      );
    }
    record.messages = input.messages.map((m, i) => normalizeMessage(m, `messages[${i}]`));
  }

  if (input.source !== undefined && input.source !== null) {
    const s = input.source;
    if (!isObj(s)) fail("source", "must be an object");
    if (typeof s.kind !== "string" || !(SOURCE_KINDS as readonly string[]).includes(s.kind)) {
      fail("source.kind", `must be one of ${SOURCE_KINDS.join(", ")}`);
    }
    const src: RecordSource = { kind: s.kind as RecordSource["kind"] };
    const ref = str(s.ref, "source.ref", MAX_SHORT_TEXT, false);
    if (ref !== undefined) src.ref = ref;
    record.source = src;
  }
  normalizeSessionFields(input, record);

  const size = new TextEncoder().encode(JSON.stringify(record)).length;
  if (size > MAX_RECORD_BYTES) {
    throw new LumeraError(
      "TOO_LARGE",
      `record is ${size} bytes as JSON, limit ${MAX_RECORD_BYTES} bytes (8 MiB)`,
      { hint: "store a smaller record, e.g. split a long session into parts" },
    );
  }
  return record;
}

function wholeNumber(v: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) {
    fail(path, `must be a whole number from 0 to ${max}`);
  }
  return v;
}

/** The optional session fields (branch, model, span, part, usage, counts), validated. */
function normalizeSessionFields(input: Obj, record: MemoryRecord): void {
  const branch = str(input.git_branch, "git_branch", MAX_SHORT_TEXT, false);
  if (branch !== undefined) record.git_branch = branch;
  const model = str(input.model, "model", MAX_SHORT_TEXT, false);
  if (model !== undefined) record.model = model;
  if (input.started_at !== undefined && input.started_at !== null) {
    record.started_at = normalizeTimestamp(input.started_at, "started_at");
  }
  if (input.ended_at !== undefined && input.ended_at !== null) {
    record.ended_at = normalizeTimestamp(input.ended_at, "ended_at");
  }
  if (input.part !== undefined && input.part !== null) {
    const part = wholeNumber(input.part, "part", 1_000_000);
    if (part < 2) fail("part", "must be 2 or more (a first part carries no part number)");
    record.part = part;
  }
  if (input.usage !== undefined && input.usage !== null) {
    const u = input.usage;
    if (!isObj(u)) fail("usage", "must be an object");
    const usage: TokenUsage = {};
    for (const k of TOKEN_USAGE_FIELDS) {
      if (u[k] !== undefined && u[k] !== null) usage[k] = wholeNumber(u[k], `usage.${k}`);
    }
    record.usage = usage;
  }
  if (input.counts !== undefined && input.counts !== null) {
    const c = input.counts;
    if (!isObj(c)) fail("counts", "must be an object");
    const counts = {} as SessionCounts;
    for (const k of SESSION_COUNT_FIELDS) counts[k] = wholeNumber(c[k] ?? 0, `counts.${k}`);
    record.counts = counts;
  }
}

/**
 * Canonical JSON: object keys sorted recursively, no whitespace. Two equal records always
 * serialize to the same bytes, which is what the keyed content id is computed over.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) {
      if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    }
    return out;
  }
  return v;
}

/** All searchable text of a record, joined; this is what the full-text index holds. */
export function searchableText(record: MemoryRecord): string {
  const parts: string[] = [];
  if (record.body) parts.push(record.body);
  for (const m of record.messages ?? []) {
    parts.push(m.text);
    for (const c of m.tool_calls ?? []) {
      parts.push(c.input_summary ? `${c.name} ${c.input_summary}` : c.name);
    }
  }
  return parts.join("\n");
}
