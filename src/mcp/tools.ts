/**
 * The MCP tools' names, descriptions, annotations and zod schemas (input and output).
 *
 * This module knows zod but not the MCP SDK; `server.ts` registers these definitions with the SDK.
 * Output schemas mirror the service's result types in `../service/types.ts`; compile-time checks
 * at the bottom of this file fail the build when the two drift apart.
 *
 * Every schema here is a `z.lazy`: zod builds it on first use (a parse, or `tools/list`), not when
 * this module loads. Building all of them took ~6 ms of every server start, before its first
 * answer, although a first call needs only its own tool's two schemas.
 *
 * @module
 */

import { z } from "zod";
import type { ErrorCode } from "../errors.ts";
import {
  MAX_QUERY_CHARS,
  MAX_QUERY_LIMIT,
  MAX_SHORT_TEXT,
  MAX_TAG_LENGTH,
  MAX_TAGS,
} from "../record/limits.ts";
import {
  type MemoryRecord,
  MESSAGE_ROLES,
  type MessageRole,
  RECORD_KINDS,
  type RecordKind,
  type RecordSource,
} from "../record/schema.ts";
import type {
  EstimateResult,
  ForgetResult,
  ListSessionsResult,
  QueryHit,
  QueryResult,
  RetrieveResult,
  StatsResult,
  StoreResult,
} from "../service/types.ts";

/** The tool names, in the order `tools/list` shows them. The seed's four names stay stable. */
export const TOOL_NAMES = {
  store: "store_session_to_cascade",
  remember: "remember",
  query: "query_cascade_memories",
  retrieve: "retrieve_session_from_cascade",
  estimate: "estimate_storage_cost",
  forget: "forget_memory",
  stats: "memory_stats",
  sessions: "list_sessions",
} as const;

/** The four MCP tool annotations, always all set. */
export interface ToolHints {
  /** The tool does not modify its environment. */
  readOnlyHint: boolean;
  /** The tool may delete or overwrite existing data. */
  destructiveHint: boolean;
  /** Repeating a call with the same arguments has no further effect. */
  idempotentHint: boolean;
  /** The tool talks to an open world of external entities. */
  openWorldHint: boolean;
}

/** Instructions sent to clients at discovery/initialization: when to use which tool. */
export const SERVER_INSTRUCTIONS = [
  "lumera-memory is an encrypted, local-first memory for coding agents. It refuses anything that looks like a secret.",
  "- Before starting a task, call query_cascade_memories (free text, tags, workspace) to find earlier learnings; open a hit in full with retrieve_session_from_cascade.",
  "- To save one learning, decision, gotcha or fact for later sessions, call remember (a short title and the text; add tags and the workspace).",
  "- To archive a whole session, call store_session_to_cascade with exactly one of: an inline record, a transcript path (your own session file, e.g. a hook's transcript_path), a cm task (snapshot of the local cm context) or a cass export path.",
  "- To pick an earlier session (by agent, workspace, branch or time), call list_sessions; searches and lists default to the current workspace when it has memories (all_workspaces: true searches everything).",
  "- Never put secrets (API keys, tokens, passwords, private keys) in what you store: the whole store is refused with SECRET_REFUSED and nothing is written. Remove or describe the secret and retry.",
  "- Failures come back as tool errors with a stable code (e.g. KEY_MISSING, NOT_FOUND, INVALID_POINTER) and a hint saying what to do.",
].join("\n");

// ---------------------------------------------------------------------------------------------
// Shared pieces

const tagsInput = z.lazy(() =>
  z
    .array(z.string().max(4 * MAX_TAG_LENGTH))
    .max(MAX_TAGS)
    .describe(
      `Tags to file the memory under (lowercased and de-duplicated; at most ${MAX_TAGS}). Exact-match filters for query_cascade_memories, e.g. ["deno", "sqlite"].`,
    )
);

const redactInput = z.lazy(() =>
  z
    .array(z.string().min(1).max(64))
    .max(32)
    .optional()
    .describe(
      "Redact instead of refusing what these detect: rule ids, email, phone, card, pii or secret. Matches are replaced with [REDACTED:<rule>] and the result is scanned again.",
    )
);

const ttlInput = z.lazy(() =>
  z
    .string()
    .regex(/^\d{1,6}[mhdwy]$/)
    .optional()
    .describe("Forget it automatically after this long: 30m, 12h, 30d, 2w or 1y.")
);

const workspaceInput = z.lazy(() =>
  z
    .string()
    .max(MAX_SHORT_TEXT)
    .describe("The workspace (project directory) the memory belongs to, e.g. /home/me/src/app.")
);

const recordKind = z.lazy(() => z.enum(RECORD_KINDS as readonly [RecordKind, ...RecordKind[]]));
const messageRole = z.lazy(() => z.enum(MESSAGE_ROLES as readonly [MessageRole, ...MessageRole[]]));
const SOURCE_KINDS = [
  "file",
  "cm",
  "cass",
  "mcp",
  "example",
  "stdin",
  "transcript",
] as const satisfies readonly RecordSource["kind"][];

/** Every error code, so the error output schema can list them (checked complete below). */
export const ERROR_CODES = [
  "USAGE",
  "INVALID_RECORD",
  "INVALID_POINTER",
  "TOO_LARGE",
  "SECRET_REFUSED",
  "KEY_MISSING",
  "KEY_INVALID",
  "WRONG_KEY",
  "NOT_FOUND",
  "INTEGRITY",
  "SOURCE_UNAVAILABLE",
  "SOURCE_FAILED",
  "PERMISSION",
  "FORGOTTEN",
  "REMOTE_UNAVAILABLE",
  "REMOTE_REJECTED",
  "INTERNAL",
] as const satisfies readonly ErrorCode[];

/**
 * The structured content of a failed call (`isError: true`). Every tool's output schema admits it
 * as an alternative, because some clients (e.g. those on `@modelcontextprotocol/sdk` 1.x) validate
 * `structuredContent` against the output schema even on error results.
 */
export const toolErrorOutput = z.lazy(() =>
  z
    .object({
      error: z
        .object({
          code: z.enum(ERROR_CODES).describe("Stable error code to act on."),
          message: z.string().describe("What went wrong; never contains a secret."),
          hint: z.string().optional().describe("What to do about it."),
          details: z
            .unknown()
            .optional()
            .describe(
              "Structured details, e.g. the scanner's findings for SECRET_REFUSED (rule, field path, line, column, masked preview).",
            ),
        })
        .describe("Present only on failed calls (isError: true)."),
    })
    .describe("A failed call.")
);

/** The shape of {@link toolErrorOutput}'s data. */
export type ToolErrorOutput = z.infer<typeof toolErrorOutput>;

// ---------------------------------------------------------------------------------------------
// Results (success shapes; mirror ../service/types.ts)

const pointerOutput = z.lazy(() =>
  z
    .string()
    .describe("cascade://<64 hex>: the SHA-256 of the stored envelope. Pass to retrieve.")
);

/** Success shape of a store (`StoreResult`). */
export const storeResultOutput = z.lazy(() =>
  z.object({
    pointer: pointerOutput,
    content_id: z.string().describe("Keyed content id (HMAC of the canonical record), hex."),
    deduplicated: z
      .boolean()
      .describe("True when identical content was already stored; `pointer` is the existing one."),
    record_bytes: z.number().int().nonnegative().describe(
      "Size of the canonical record JSON, in bytes.",
    ),
    stored_bytes: z
      .number()
      .int()
      .nonnegative()
      .describe("Size of the sealed envelope, in bytes (what estimate_storage_cost prices)."),
    session_id: z.string().describe("The record's session id."),
    tags: z.array(z.string()).describe("The record's normalized tags."),
    redactions: z
      .number()
      .int()
      .optional()
      .describe("How many values were replaced with [REDACTED:<rule>] before storing (by policy)."),
    parts: z
      .array(z.object({ pointer: pointerOutput, deduplicated: z.boolean() }))
      .optional()
      .describe(
        "A long transcript stored as several records: each part in order (the fields above describe the last).",
      ),
  })
);

const remoteStateOutput = z.lazy(() =>
  z
    .enum(["local-only", "registered", "uploaded", "finalized"])
    .describe("local-only until the segment holding the memory is registered on Lumera Cascade.")
);

/** A memory's place on the Cascade remote (`RemoteInfo`). */
const remoteInfoOutput = z.lazy(() =>
  z.object({
    state: remoteStateOutput,
    action_id: z.string().optional().describe("Cascade action id of the segment holding it."),
    tx_hash: z.string().optional().describe("The registering transaction's hash."),
    data_hash: z.string().optional().describe("On-chain data hash (base64 BLAKE3) of the segment."),
    price_ulume: z
      .number()
      .optional()
      .describe("Action price of the whole segment (shared by its members), in ulume."),
  })
);

const queryHitOutput = z.lazy(() =>
  z.object({
    pointer: pointerOutput,
    session_id: z.string(),
    kind: recordKind.describe("session, note or context."),
    tool_name: z.string().describe("The agent/tool that produced the memory."),
    timestamp: z.string().describe("ISO-8601 time of the session/note."),
    title: z.string().optional(),
    summary: z.string(),
    tags: z.array(z.string()),
    workspace: z.string().optional(),
    success: z.boolean().describe("Whether the session reached its goal."),
    snippet: z
      .string()
      .optional()
      .describe("Excerpt around the match, matched terms in [brackets] (text queries only)."),
    score: z.number().optional().describe("Relevance, higher is better (text queries only)."),
    stored_bytes: z.number().int().nonnegative(),
    git_branch: z.string().optional().describe("The git branch the session ran on."),
    part: z.number().int().optional().describe("Part number (2, 3, …) of a long session."),
    remote: remoteInfoOutput,
  })
);

/** Success shape of a query (`QueryResult`). */
export const queryResultOutput = z.lazy(() =>
  z.object({
    hits: z.array(queryHitOutput),
    total: z.number().int().nonnegative().describe(
      "Number of memories matching the query overall (at least this many when total_capped).",
    ),
    total_capped: z
      .literal(true)
      .optional()
      .describe(
        "More than 250 memories match: total is a lower bound and text queries rank only the newest 250 matches; add words or filters to reach older ones.",
      ),
    next_cursor: z
      .string()
      .optional()
      .describe("Pass as `cursor` for the next page; absent on the last page."),
    workspace_scope: z
      .string()
      .optional()
      .describe(
        "The search was limited to this workspace (the current one) plus notes of no workspace; pass all_workspaces: true to search everything.",
      ),
  })
);

const sessionSummaryOutput = z.lazy(() =>
  z.object({
    tool_name: z.string().describe("The agent."),
    session_id: z.string(),
    pointer: pointerOutput.describe("The newest version of the session (its first part)."),
    pointers: z.array(z.string()).describe("The newest version of each part, in order."),
    title: z.string().optional().describe("The first real user prompt."),
    summary: z.string(),
    workspace: z.string().optional(),
    git_branch: z.string().optional(),
    started_at: z.string().describe("ISO-8601 time of the first message."),
    ended_at: z.string().optional().describe("ISO-8601 time of the last message."),
    message_count: z.number().int().nonnegative(),
    versions: z
      .number()
      .int()
      .nonnegative()
      .describe("Memories stored for this session, older versions included."),
    stored_bytes: z.number().int().nonnegative(),
  })
);

/** Success shape of list_sessions (`ListSessionsResult`). */
export const listSessionsOutput = z.lazy(() =>
  z.object({
    sessions: z.array(sessionSummaryOutput),
    total: z.number().int().nonnegative(),
    next_cursor: z.string().optional().describe("Pass as `cursor` for the next page."),
    workspace_scope: z
      .string()
      .optional()
      .describe("The list was limited to this workspace; pass all_workspaces: true for all."),
  })
);

const toolCallOutput = z.lazy(() =>
  z.object({ name: z.string(), input_summary: z.string().optional() })
);

const messageOutput = z.lazy(() =>
  z.object({
    role: messageRole,
    text: z.string(),
    timestamp: z.string().optional(),
    tool_calls: z.array(toolCallOutput).optional(),
  })
);

/** The canonical record, schema version 1 (`MemoryRecord`). */
export const memoryRecordOutput = z.lazy(() =>
  z.object({
    schema_version: z.literal(1),
    kind: recordKind,
    session_id: z.string(),
    timestamp: z.string(),
    tool_name: z.string(),
    success: z.boolean(),
    summary: z.string(),
    tags: z.array(z.string()),
    title: z.string().optional(),
    body: z.string().optional(),
    workspace: z.string().optional(),
    messages: z.array(messageOutput).optional(),
    source: z.object({ kind: z.enum(SOURCE_KINDS), ref: z.string().optional() }).optional(),
    git_branch: z.string().optional(),
    model: z.string().optional(),
    started_at: z.string().optional(),
    ended_at: z.string().optional(),
    part: z.number().int().optional().describe("Part number (2, 3, …) of a long session."),
    usage: z.object({
      input_tokens: z.number().int().optional(),
      output_tokens: z.number().int().optional(),
      cache_read_tokens: z.number().int().optional(),
      cache_creation_tokens: z.number().int().optional(),
      reasoning_tokens: z.number().int().optional(),
    }).optional(),
    counts: z.object({
      messages: z.number().int(),
      user: z.number().int(),
      assistant: z.number().int(),
      tool_results: z.number().int(),
      tool_calls: z.number().int(),
    }).optional(),
  })
);

/** Success shape of a retrieve (`RetrieveResult`). */
export const retrieveResultOutput = z.lazy(() =>
  z.object({
    pointer: pointerOutput,
    record: memoryRecordOutput.describe("The decrypted, authenticated record."),
    content_id: z.string(),
    stored_at: z.string().describe("ISO-8601 time it was stored."),
    key_id: z.string().describe("Hex id of the key that sealed it."),
    verified: z
      .literal(true)
      .describe("Always true: returned only after the hash and the AEAD tag both verified."),
    message_range: z
      .object({ from: z.number().int(), to: z.number().int(), total: z.number().int() })
      .optional()
      .describe(
        "Present when a range was asked for: record.messages holds messages [from, to) of total.",
      ),
  })
);

/** Success shape of an estimate (`EstimateResult`). */
export const estimateResultOutput = z.lazy(() =>
  z.object({
    bytes: z.number().int().nonnegative(),
    kilobytes: z.number().int().nonnegative().describe("Billable kilobytes: ceil(bytes / 1024)."),
    params: z.object({
      base_action_fee_ulume: z.number(),
      fee_per_kbyte_ulume: z.number(),
      source: z.literal("defaults"),
    }),
    fee_ulume: z.number().describe("One-time fee in ulume (1 LUME = 1,000,000 ulume)."),
    fee_lume: z.number().describe("One-time fee in LUME."),
    one_time: z.literal(true).describe("Cascade storage is paid once; there is no monthly charge."),
    fiat: z
      .object({ amount: z.number(), currency: z.string(), lume_price: z.number() })
      .optional()
      .describe("Fiat figure, only when lume_price was given."),
    notes: z.array(z.string()),
  })
);

// ---------------------------------------------------------------------------------------------
// Inputs

/** Arguments of `store_session_to_cascade`. Exactly one source is checked by the handler. */
export const storeInput = z.lazy(() =>
  z.strictObject({
    record: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "An inline session record (JSON object). Required fields: session_id, timestamp (ISO-8601), tool_name, summary. Optional: kind (session|note|context, default session), success (default true), tags, title, body, workspace, messages [{role: user|assistant|tool|system, text, timestamp?, tool_calls?: [{name, input_summary?}]}], source {kind, ref?}. Fields not in this list are dropped.",
      ),
    cm_task: z
      .string()
      .min(1)
      .max(MAX_SHORT_TEXT)
      .optional()
      .describe(
        'A task description: stores a snapshot of `cm context "<task>"` from the local cm tool.',
      ),
    cass_path: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe("Path of a session transcript to export through the local `cass` tool and store."),
    transcript_path: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe(
        "Path of your own session file (Claude Code ~/.claude/projects/…/<id>.jsonl, Codex ~/.codex/sessions/…/rollout-*.jsonl, Gemini ~/.gemini/tmp/…/chats/session-*.json[l]). Only files in those directories or in LUMERA_MEMORY_TRANSCRIPT_DIRS are accepted. Storing it again after the session grew stores a new version; queries show the newest.",
      ),
    tags: tagsInput.optional(),
    ttl: ttlInput,
    redact: redactInput,
    workspace: workspaceInput
      .optional()
      .describe("With cm_task only: the workspace the cm context belongs to."),
  })
);

/** Arguments of `remember`. */
export const rememberInput = z.lazy(() =>
  z.strictObject({
    title: z
      .string()
      .min(1)
      .max(MAX_SHORT_TEXT)
      .describe(
        "A short, specific title, e.g. 'FTS5 treats a bare hyphen as NOT: quote search terms'.",
      ),
    text: z
      .string()
      .min(1)
      .describe(
        "The note: what was learned, decided or found, with enough context to act on it later. No secrets.",
      ),
    tags: tagsInput.optional(),
    ttl: ttlInput,
    redact: redactInput,
    workspace: workspaceInput.optional(),
  })
);

/** Arguments of `query_cascade_memories`. */
export const queryInput = z.lazy(() =>
  z.strictObject({
    query: z
      .string()
      .max(MAX_QUERY_CHARS)
      .optional()
      .describe(
        "Free text, matched against titles, summaries and content; ranked by relevance. Search syntax characters are treated as plain text. Omit to list newest first.",
      ),
    tags: z
      .array(z.string().max(4 * MAX_TAG_LENGTH))
      .max(MAX_TAGS)
      .optional()
      .describe("Exact tags; a memory must carry all of them."),
    agent: z
      .string()
      .max(MAX_SHORT_TEXT)
      .optional()
      .describe(
        "Only memories produced by this agent/tool (tool_name), e.g. claude-code, codex, mcp.",
      ),
    workspace: workspaceInput.optional().describe("Only memories of this workspace."),
    kind: recordKind.optional().describe("Only this kind: session, note or context."),
    since: z
      .string()
      .max(64)
      .optional()
      .describe("Only memories at or after this ISO-8601 time or date, e.g. 2026-01-31."),
    until: z
      .string()
      .max(64)
      .optional()
      .describe("Only memories before this ISO-8601 time or date."),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_QUERY_LIMIT)
      .optional()
      .describe(`Page size, 1..${MAX_QUERY_LIMIT} (default 10).`),
    cursor: z
      .string()
      .max(1024)
      .optional()
      .describe("The next_cursor of a previous page, to continue that search."),
    branch: z.string().max(MAX_SHORT_TEXT).optional().describe("Only sessions on this git branch."),
    all_workspaces: z
      .boolean()
      .optional()
      .describe(
        "Search every workspace. By default a search from inside a workspace that has memories is limited to it (plus notes of no workspace).",
      ),
    all_versions: z
      .boolean()
      .optional()
      .describe("Also older versions of sessions that were archived again after they grew."),
    rank_all: z
      .boolean()
      .optional()
      .describe(
        "Rank every match, not only the newest 250 (use when total_capped is true and the answer may be older; slower on a large store).",
      ),
  })
);

/** Arguments of `list_sessions`. */
export const listSessionsInput = z.lazy(() =>
  z.strictObject({
    agent: z
      .string()
      .max(MAX_SHORT_TEXT)
      .optional()
      .describe("Only this agent: claude-code, codex, gemini…"),
    workspace: workspaceInput.optional().describe("Only sessions of this workspace."),
    branch: z.string().max(MAX_SHORT_TEXT).optional().describe("Only sessions on this git branch."),
    since: z
      .string()
      .max(64)
      .optional()
      .describe("Only sessions active at or after this ISO-8601 time or date."),
    until: z
      .string()
      .max(64)
      .optional()
      .describe("Only sessions started before this ISO-8601 time or date."),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_QUERY_LIMIT)
      .optional()
      .describe(`Page size, 1..${MAX_QUERY_LIMIT} (default 20).`),
    cursor: z.string().max(1024).optional().describe("The next_cursor of a previous page."),
    all_workspaces: z
      .boolean()
      .optional()
      .describe("List every workspace, not only the current one."),
  })
);

/** Arguments of `retrieve_session_from_cascade`. */
export const retrieveInput = z.lazy(() =>
  z.strictObject({
    pointer: z
      .string()
      .max(256)
      .describe(
        "The memory's pointer, cascade://<64 lowercase hex>, from a store or query result.",
      ),
    from_message: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        "Return only messages from this index (0-based); the record is still verified whole.",
      ),
    to_message: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Return only messages before this index (exclusive)."),
  })
);

/** Arguments of `estimate_storage_cost`. */
export const estimateInput = z.lazy(() =>
  z.strictObject({
    bytes: z
      .number()
      .int()
      .min(0)
      .describe("Bytes to store, e.g. stored_bytes from a store result."),
    redundancy: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe("Accepted for compatibility; Cascade does not bill per copy."),
    lume_price: z
      .number()
      .positive()
      .optional()
      .describe("Price of 1 LUME in `currency`, to get a fiat figure."),
    currency: z
      .string()
      .min(1)
      .max(16)
      .optional()
      .describe("Currency label for lume_price (default USD)."),
  })
);

/** Arguments of `forget_memory`. */
export const forgetInput = z.lazy(() =>
  z.strictObject({
    pointer: z.string().max(256).optional().describe("One memory, by pointer."),
    session_id: z.string().min(1).max(1024).optional().describe("Every memory of this session id."),
    tag: z.string().min(1).max(64).optional().describe("Every memory carrying this exact tag."),
    workspace: z.string().min(1).max(1024).optional().describe("Every memory of this workspace."),
    older_than: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("Memories older than a duration (90d, 12h, 2w) or an ISO date."),
    expired: z.boolean().optional().describe("Only memories whose time to live has passed."),
    confirm: z
      .boolean()
      .describe(
        "Must be true to remove anything. With false, nothing is removed and the result lists what would go.",
      ),
  })
);

/** Arguments of `memory_stats` (none). */
export const statsInput = z.lazy(() => z.strictObject({}));

const forgetItemOutput = z.lazy(() =>
  z.strictObject({
    pointer: z.string(),
    session_id: z.string(),
    tool_name: z.string(),
    timestamp: z.string(),
  })
);

/** Output of `forget_memory`. */
export const forgetResultOutput = z.lazy(() =>
  z.strictObject({
    dry_run: z.boolean().describe("True when nothing was removed (confirm was false)."),
    matched: z.number().int().describe("Memories the criteria select."),
    forgotten: z.number().int().describe("Memories removed."),
    items: z.array(forgetItemOutput).describe("The selected memories (at most 100)."),
  })
);

const statsGroupOutput = z.lazy(() =>
  z.strictObject({
    name: z.string(),
    count: z.number().int(),
    stored_bytes: z.number().int(),
  })
);

/** Output of `memory_stats`. */
export const statsResultOutput = z.lazy(() =>
  z.strictObject({
    memories: z.number().int(),
    stored_bytes: z.number().int(),
    record_bytes: z.number().int(),
    oldest: z.string().optional(),
    newest: z.string().optional(),
    expired: z.number().int(),
    tombstones: z.number().int(),
    current_key_id: z.string(),
    by_agent: z.array(statsGroupOutput),
    by_workspace: z.array(statsGroupOutput),
    by_kind: z.array(statsGroupOutput),
    by_key: z.array(statsGroupOutput),
    remote: z.strictObject({
      configured: z.boolean().describe("True when a Cascade remote is configured."),
      by_state: z.strictObject({
        "local-only": z.number().int(),
        registered: z.number().int(),
        uploaded: z.number().int(),
        finalized: z.number().int(),
      }),
      pending_memories: z.number().int().describe("Memories waiting for a segment."),
      pending_bytes: z.number().int(),
      segments: z.record(z.string(), z.number().int()).describe("Segments per queue state."),
      manifests: z.record(z.string(), z.number().int()).describe("Manifests per queue state."),
      manifest_seq: z.number().int().optional(),
      paid_ulume: z.number().describe("Action prices plus gas fees paid so far, in ulume."),
      rejected: z.array(z.strictObject({
        upload: z.number().int(),
        kind: z.enum(["segment", "manifest"]),
        code: z.string(),
        message: z.string(),
      })).describe(
        "Uploads the remote refused; `lumera-memory sync --retry-rejected` retries them.",
      ),
    }),
  })
);

// ---------------------------------------------------------------------------------------------
// Tool metadata

/** Title, description and annotations of one tool. */
export interface ToolInfo {
  /** Human-readable name. */
  title: string;
  /** What the tool does and when to use it, written for an agent. */
  description: string;
  /** All four hints, set honestly. */
  annotations: ToolHints;
}

/** Title, description and annotations of every tool, by name. */
export const TOOL_INFO: Readonly<Record<(typeof TOOL_NAMES)[keyof typeof TOOL_NAMES], ToolInfo>> = {
  store_session_to_cascade: {
    title: "Archive a session",
    description: [
      "Archive a whole coding session (or a cm context snapshot) as an encrypted, content-addressed memory.",
      'Give exactly one source: `record` (an inline session record), `transcript_path` (your own session file, read directly; only inside the agents\' session directories), `cm_task` (snapshots `cm context "<task>"` from the local cm tool) or `cass_path` (a session file exported with the local cass tool).',
      "Everything is scanned for secrets first: anything that looks like a credential refuses the whole store with SECRET_REFUSED and nothing is written; remove the secret and retry.",
      "Storing identical content again returns the existing pointer (deduplicated: true).",
      "Returns the pointer to pass to retrieve_session_from_cascade. For a single learning or fact, use remember instead.",
    ].join(" "),
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  remember: {
    title: "Remember a note",
    description: [
      "Save a short note (a learning, decision, gotcha or fact worth recalling in a later session) as an encrypted memory.",
      "Give a specific title and the text; add tags and the workspace so query_cascade_memories finds it again.",
      "The note is scanned for secrets first: if it contains anything that looks like a credential (API key, token, password, private key) nothing is stored and the call fails with SECRET_REFUSED. Describe where a secret lives instead of including it.",
      "Each call stores a new note; query first to avoid saving the same learning twice.",
    ].join(" "),
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
  },
  query_cascade_memories: {
    title: "Search memories",
    description: [
      "Search stored memories (sessions, notes, context snapshots) by free text and/or exact filters. Use it before starting a task to reuse earlier learnings.",
      "Answers from the local index only: fast, nothing is decrypted or fetched.",
      "With `query`, hits are ranked by relevance and carry a snippet with matched terms in [brackets]; without it, newest first.",
      "Filters combine (AND); `tags` requires every tag.",
      "Open a hit in full with retrieve_session_from_cascade and its pointer; pass next_cursor back as `cursor` for the next page.",
      "Each hit's `remote` tells where it stands on Lumera Cascade: local-only, registered, uploaded or finalized (with the action id).",
    ].join(" "),
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  retrieve_session_from_cascade: {
    title: "Retrieve a memory",
    description: [
      "Fetch one memory in full (the whole record: summary, body, messages) by its pointer, cascade://<64 hex>, from a store or query result. For a long session, pass from_message/to_message to get a range of its messages.",
      "The stored bytes are hash-checked, then decrypted and authenticated before anything is returned.",
      "When a Lumera Cascade remote is configured and the memory is not on local disk, it is fetched from Cascade (its segment downloaded once, then checked the same way).",
      "Fails with INVALID_POINTER for a malformed pointer, NOT_FOUND for an unknown one, INTEGRITY for a tampered blob, REMOTE_UNAVAILABLE when Cascade cannot be reached.",
    ].join(" "),
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: true,
    },
  },
  estimate_storage_cost: {
    title: "Estimate Cascade storage cost",
    description: [
      "Estimate the one-time Lumera Cascade fee for storing a number of bytes (e.g. stored_bytes from a store result).",
      "A pure calculation with default fee parameters: no network, nothing stored.",
      "Give lume_price (the price of 1 LUME in `currency`) for a fiat figure. Cascade has no monthly charge and does not bill per copy.",
    ].join(" "),
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  forget_memory: {
    title: "Forget memories",
    description: [
      "Permanently remove memories from this machine: by pointer, session_id, tag, workspace, age (older_than) or expiry, all given criteria combined.",
      "Call it first with confirm: false to see exactly what would go, then with confirm: true to remove: index rows and local blobs are deleted and a tombstone keeps a later import from bringing them back.",
      "Only forget what the user asked to forget. Copies already uploaded to immutable remote storage cannot be deleted (they stay encrypted).",
    ].join(" "),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  list_sessions: {
    title: "List archived sessions",
    description: [
      "List archived agent sessions, most recently active first, one entry per session (its newest version): agent, title (first prompt), workspace, git branch, time span, message count and the pointer(s) to retrieve it.",
      "Filter by agent, workspace, branch and time; paginated with cursor. Read-only, from the local index.",
      "By default the list is limited to the current workspace when it has memories; pass all_workspaces: true for every workspace.",
    ].join(" "),
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
  memory_stats: {
    title: "Memory statistics",
    description:
      "Counts and sizes of the memory store: total, oldest and newest, expired, tombstones, and per agent, workspace, kind and key; with a Lumera Cascade remote, memories per remote state, the upload queue and the fees paid. Read-only, from the local index.",
    annotations: {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Compile-time checks: the schemas above must describe exactly the service's types.

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? Equals<keyof A, keyof B> : false) : false;
type Assert<T extends true> = T;

/** @internal Fails to compile when the output schemas and the service types drift apart. */
export type SchemaChecks = [
  Assert<Same<z.infer<typeof storeResultOutput>, StoreResult>>,
  Assert<Same<z.infer<typeof queryHitOutput>, QueryHit>>,
  Assert<Same<z.infer<typeof queryResultOutput>, QueryResult>>,
  Assert<Same<z.infer<typeof memoryRecordOutput>, MemoryRecord>>,
  Assert<Same<z.infer<typeof retrieveResultOutput>, RetrieveResult>>,
  Assert<Same<z.infer<typeof estimateResultOutput>, EstimateResult>>,
  Assert<Same<z.infer<typeof forgetResultOutput>, ForgetResult>>,
  Assert<Same<z.infer<typeof statsResultOutput>, StatsResult>>,
  Assert<Same<z.infer<typeof listSessionsOutput>, ListSessionsResult>>,
  Assert<Equals<(typeof ERROR_CODES)[number], ErrorCode>>,
  Assert<Equals<(typeof SOURCE_KINDS)[number], RecordSource["kind"]>>,
];
