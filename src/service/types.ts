/**
 * The inputs and outputs of the memory service's use cases. The CLI and the MCP server are thin
 * adapters that map their own input onto these types and render these results.
 *
 * @module
 */

import type { MemoryRecord, RecordKind } from "../record/schema.ts";
import type { Finding } from "../scan/types.ts";

/** The result of storing a record. */
export interface StoreResult {
  /** `cascade://<64 hex>`: SHA-256 of the stored envelope. */
  pointer: string;
  /** Keyed content id (HMAC of the canonical record), hex. Never a plain hash. */
  content_id: string;
  /** True when the same content was already stored; `pointer` is then the existing one. */
  deduplicated: boolean;
  /** Size of the canonical record JSON, in bytes. */
  record_bytes: number;
  /** Size of the sealed envelope, in bytes (what a remote would bill). */
  stored_bytes: number;
  /** The record's session id. */
  session_id: string;
  /** The record's normalized tags. */
  tags: string[];
  /** How many values the scan policy replaced with `[REDACTED:<rule>]` (absent when none). */
  redactions?: number;
  /**
   * When a transcript was stored as several records (a long session's parts), each part's
   * result in order; `pointer` and the other fields then describe the last part.
   */
  parts?: StorePartResult[];
}

/** One part of a transcript stored as several records. */
export interface StorePartResult {
  /** The part's pointer. */
  pointer: string;
  /** True when this part was already stored. */
  deduplicated: boolean;
}

/** A search over the local index. All fields optional; no text lists newest first. */
export interface QueryInput {
  /** Free text. FTS syntax characters are treated as plain text. */
  text?: string;
  /** Exact tags; a memory must carry all of them. */
  tags?: string[];
  /** Only memories produced by this agent/tool (`tool_name`). */
  agent?: string;
  /** Only memories of this workspace. */
  workspace?: string;
  /** Only this kind of memory. */
  kind?: RecordKind;
  /** Only memories at or after this ISO time/date. */
  since?: string;
  /** Only memories before this ISO time/date. */
  until?: string;
  /** Page size, 1..100 (default 10). */
  limit?: number;
  /** Opaque cursor from a previous page's `next_cursor`. */
  cursor?: string;
  /** Only sessions recorded on this git branch. */
  branch?: string;
  /** Also older versions of sessions that were imported again after they grew. */
  all_versions?: boolean;
  /**
   * The caller's working directory. Without `workspace` and `all_workspaces`, a search from
   * inside a known workspace is scoped to it (plus notes and contexts of no workspace).
   */
  cwd?: string;
  /** Search every workspace even when `cwd` is inside a known one. */
  all_workspaces?: boolean;
  /**
   * Rank and count every match instead of the newest 250 (slower on a large
   * store: every matching memory is scored).
   */
  rank_all?: boolean;
}

/** One search hit. */
export interface QueryHit {
  /** Where to retrieve it. */
  pointer: string;
  /** Session id. */
  session_id: string;
  /** Kind of memory. */
  kind: RecordKind;
  /** Agent/tool that produced it. */
  tool_name: string;
  /** ISO time of the session/note. */
  timestamp: string;
  /** Title when there is one. */
  title?: string;
  /** The record's summary. */
  summary: string;
  /** Tags. */
  tags: string[];
  /** Workspace when known. */
  workspace?: string;
  /** Whether the session succeeded. */
  success: boolean;
  /** A short excerpt around the match (text queries only), matched terms in `[` `]`. */
  snippet?: string;
  /** Relevance, higher is better (text queries only). */
  score?: number;
  /** Size of the stored envelope, in bytes. */
  stored_bytes: number;
  /** The git branch the session ran on, when known. */
  git_branch?: string;
  /** Part number (2, 3, …) of a long session's record. */
  part?: number;
  /** Where the memory stands on the Cascade remote (`local-only` without a remote). */
  remote: RemoteInfo;
}

/** The remote state of one memory: local-only → registered → uploaded → finalized. */
export type MemoryRemoteState = "local-only" | "registered" | "uploaded" | "finalized";

/** One memory's remote state and, once registered, its segment's on-chain receipt. */
export interface RemoteInfo {
  /** `local-only` until the segment holding it is registered on chain. */
  state: MemoryRemoteState;
  /** The Cascade action id of the segment holding it. */
  action_id?: string;
  /** The registering transaction's hash. */
  tx_hash?: string;
  /** base64 BLAKE3 of the segment (the on-chain `data_hash`). */
  data_hash?: string;
  /** The action price paid for the whole segment (shared by its members), in ulume. */
  price_ulume?: number;
}

/** The remote part of the store's statistics. */
export interface RemoteStats {
  /** True when a Cascade remote is configured in `config.json`. */
  configured: boolean;
  /** Memories per remote state. */
  by_state: Record<MemoryRemoteState, number>;
  /** Memories not yet in any segment, and their sealed bytes. */
  pending_memories: number;
  /** Sealed bytes waiting for a segment. */
  pending_bytes: number;
  /** Segments per queue state (building, built, registering, registered, uploaded, finalized, rejected, abandoned). */
  segments: Record<string, number>;
  /** Manifests per queue state. */
  manifests: Record<string, number>;
  /** Sequence number of the newest finalized manifest. */
  manifest_seq?: number;
  /** Action prices plus gas fees of every registered upload, in ulume. */
  paid_ulume: number;
  /** Uploads the remote refused; they wait until `sync --retry-rejected`. */
  rejected: { upload: number; kind: "segment" | "manifest"; code: string; message: string }[];
}

/** A page of search results. */
export interface QueryResult {
  /** The hits of this page. */
  hits: QueryHit[];
  /** Number of memories matching the query overall (a lower bound when `total_capped`). */
  total: number;
  /**
   * Present (true) when more memories match than a query counts (250): `total` is then a lower
   * bound, and a text query ranked only the newest 250 matches; narrow the query to reach older
   * ones.
   */
  total_capped?: true;
  /** Pass as `cursor` to get the next page; absent on the last page. */
  next_cursor?: string;
  /** The workspace the search was scoped to because `cwd` is inside it. */
  workspace_scope?: string;
}

/** Which sessions to list (newest first). All fields optional. */
export interface ListSessionsInput {
  /** Only this agent (`tool_name`). */
  agent?: string;
  /** Only this workspace. */
  workspace?: string;
  /** Only this git branch. */
  branch?: string;
  /** Only sessions whose last message is at or after this ISO time/date. */
  since?: string;
  /** Only sessions that started before this ISO time/date. */
  until?: string;
  /** Page size, 1..100 (default 20). */
  limit?: number;
  /** Opaque cursor from a previous page's `next_cursor`. */
  cursor?: string;
  /** The caller's working directory (scopes the list like a query; see {@link QueryInput}). */
  cwd?: string;
  /** List every workspace even when `cwd` is inside a known one. */
  all_workspaces?: boolean;
}

/** One session, as its newest stored version. */
export interface SessionSummary {
  /** The agent. */
  tool_name: string;
  /** The agent's session id. */
  session_id: string;
  /** The newest version of the session's first part. */
  pointer: string;
  /** The newest version of each part, in order (one entry unless the session is long). */
  pointers: string[];
  /** The first real user prompt. */
  title?: string;
  /** The session's summary. */
  summary: string;
  /** The workspace. */
  workspace?: string;
  /** The git branch. */
  git_branch?: string;
  /** ISO time of the first message. */
  started_at: string;
  /** ISO time of the last message. */
  ended_at?: string;
  /** Messages over all parts. */
  message_count: number;
  /** Memories stored for this session, older versions included. */
  versions: number;
  /** Sealed bytes of the newest versions. */
  stored_bytes: number;
}

/** A page of sessions. */
export interface ListSessionsResult {
  /** The sessions of this page, most recently active first. */
  sessions: SessionSummary[];
  /** Sessions matching overall. */
  total: number;
  /** Pass as `cursor` for the next page; absent on the last page. */
  next_cursor?: string;
  /** The workspace the list was scoped to because `cwd` is inside it. */
  workspace_scope?: string;
}

/** A part of a session's messages to return instead of all of them. */
export interface MessageRange {
  /** First message (0-based, inclusive; default 0). */
  from?: number;
  /** End (0-based, exclusive; default the end). */
  to?: number;
}

/** A retrieved, verified memory. */
export interface RetrieveResult {
  /** The pointer asked for. */
  pointer: string;
  /** The decrypted, authenticated record. */
  record: MemoryRecord;
  /** Keyed content id, hex. */
  content_id: string;
  /** ISO time it was stored. */
  stored_at: string;
  /** Hex key id of the key that sealed it. */
  key_id: string;
  /** Always true: a result is only returned after the hash and AEAD tag both verified. */
  verified: true;
  /** When only a range of messages was asked for: which ones `record.messages` holds. */
  message_range?: { from: number; to: number; total: number };
}

/** Input of the cost estimate. */
export interface EstimateInput {
  /** Bytes to store (after sealing). Provide this or `record`. */
  bytes?: number;
  /** Accepted for compatibility with the seed; Cascade does not bill per copy. */
  redundancy?: number;
  /** User-supplied price of 1 LUME in a fiat currency, for a fiat figure. */
  lume_price?: number;
  /** Currency label for `lume_price` (default `USD`). */
  currency?: string;
}

/** A Cascade storage cost estimate. */
export interface EstimateResult {
  /** Bytes estimated. */
  bytes: number;
  /** Billable kilobytes: `ceil(bytes / 1024)`. */
  kilobytes: number;
  /** Fee parameters used. */
  params: { base_action_fee_ulume: number; fee_per_kbyte_ulume: number; source: "defaults" };
  /** One-time action fee in ulume. */
  fee_ulume: number;
  /** The same in LUME (1 LUME = 1,000,000 ulume). */
  fee_lume: number;
  /** Always true on Cascade: storage is paid once, with no monthly charge. */
  one_time: true;
  /** Fiat figure, only with a user-supplied price. */
  fiat?: { amount: number; currency: string; lume_price: number };
  /** Human-readable notes: defaults may be stale, redundancy is not billed, gas is extra. */
  notes: string[];
}

/** The result of scanning text or a record. */
export interface ScanResult {
  /** True when nothing was found. */
  clean: boolean;
  /** The findings that would refuse a store; never contain the secret itself. */
  findings: Finding[];
  /** How many findings the policy would redact. */
  redacted?: number;
  /** How many findings the policy lets through. */
  allowed?: number;
}

/** One problem found by `verify`. */
export interface VerifyProblem {
  /** What is wrong. */
  kind: "missing" | "corrupt" | "undecryptable" | "orphan";
  /** The affected pointer. */
  pointer: string;
  /** A short explanation. */
  message: string;
}

/** The result of `verify`. */
export interface VerifyResult {
  /** Index rows checked. */
  checked: number;
  /** Blobs whose contents were decrypted and authenticated. */
  read_data: number;
  /** Problems found; empty when the store is healthy. */
  problems: VerifyProblem[];
  /**
   * Temporary files left by interrupted stores (not a problem: nothing points at them; `reindex`
   * removes those older than a minute).
   */
  leftovers: number;
  /** True when `problems` is empty. */
  ok: boolean;
}

/** What to forget. At least one criterion; all given criteria must hold. */
export interface ForgetInput {
  /** One memory by pointer. */
  pointer?: string;
  /** Every memory of a session id. */
  session_id?: string;
  /** Every memory with this exact tag. */
  tag?: string;
  /** Every memory of a workspace. */
  workspace?: string;
  /** Memories older than this: a duration (`90d`, `12h`, `2w`) or an ISO date. */
  older_than?: string;
  /** Only memories whose time to live has passed. */
  expired?: boolean;
}

/** One memory a forget selected. */
export interface ForgetItem {
  /** Its pointer. */
  pointer: string;
  /** Its session id. */
  session_id: string;
  /** Its agent/tool. */
  tool_name: string;
  /** Its session time. */
  timestamp: string;
}

/** The result of a forget (or its dry run). */
export interface ForgetResult {
  /** True when nothing was removed (no confirmation given). */
  dry_run: boolean;
  /** How many memories the criteria select. */
  matched: number;
  /** How many were removed (0 in a dry run). */
  forgotten: number;
  /** The selected memories (at most 100 listed). */
  items: ForgetItem[];
}

/** A count and size for one group of memories. */
export interface StatsGroup {
  /** The group's name (agent, workspace, kind or key id). */
  name: string;
  /** Number of memories. */
  count: number;
  /** Sealed bytes. */
  stored_bytes: number;
}

/** Statistics of a store. */
export interface StatsResult {
  /** Number of memories (expired ones included). */
  memories: number;
  /** Sealed bytes of all memories. */
  stored_bytes: number;
  /** Canonical record bytes of all memories (before compression and sealing). */
  record_bytes: number;
  /** Oldest session time. */
  oldest?: string;
  /** Newest session time. */
  newest?: string;
  /** Memories whose time to live has passed (removed by `prune --expired`). */
  expired: number;
  /** Tombstones of forgotten content and sessions. */
  tombstones: number;
  /** The key new memories are sealed with. */
  current_key_id: string;
  /** Per agent/tool. */
  by_agent: StatsGroup[];
  /** Per workspace (`(none)` for memories without one). */
  by_workspace: StatsGroup[];
  /** Per kind. */
  by_kind: StatsGroup[];
  /** Per sealing key. */
  by_key: StatsGroup[];
  /** The Cascade remote: memories per state, queue, fees paid. */
  remote: RemoteStats;
}
