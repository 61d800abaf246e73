/**
 * The import engine: discovery → read → record → store, file by file, incremental and safe.
 *
 * - **Discovery**: the agents' session directories (see `discovery.ts`), or a directory or files
 *   the caller names.
 * - **Incremental**: a file whose size, modification time and tail hash are what the last import
 *   saw is skipped unread (`unchanged`). A file that changed is read again; its unchanged parts
 *   deduplicate, and a session that grew is stored as a new version (the index points queries at
 *   the newest; older versions stay retrievable by pointer).
 * - **Safe**: every record goes through the service's one store flow (scan before anything is
 *   written). A refused session is counted with its file, rules and masked locations and never
 *   stops the batch; so is every other failure, with its reason. Forgotten sessions stay
 *   forgotten (`skipped`).
 * - **Bounded**: transcripts are streamed (see `transcript.ts`); a few files are read at once so
 *   reading overlaps the durable writes.
 *
 * @module
 */

import { basename, resolve } from "node:path";
import { contentIdOfBytes } from "../crypto/content_id.ts";
import { LumeraError, toLumeraError } from "../errors.ts";
import { canonicalJson, normalizeRecord } from "../record/schema.ts";
import { sealedSize } from "../crypto/envelope.ts";
import { DEFAULT_BATCH_POLICY } from "../config/remote_config.ts";
import { batchingCostOf } from "../remote/cost.ts";
import type { MemoryRecord } from "../record/schema.ts";
import type { Finding } from "../scan/types.ts";
import { forEachLimit } from "../service/pool.ts";
import { type LocalMemoryService, payloadBytes, secretRefusal } from "../service/memory_service.ts";
import { applyScanPolicy, DEFAULT_SCAN_POLICY } from "../scan/mod.ts";
import {
  agentSessionDirs,
  findInSessionDir,
  findUnder,
  type FoundTranscript,
} from "../sources/agents/discovery.ts";
import { recordsFromCmPlaybook } from "../sources/agents/cm_playbook.ts";
import { recordFromCassExport } from "../sources/cass_export.ts";
import { runSourceCommand } from "../sources/run_command.ts";
import { AGENT_IDS, type AgentId } from "../sources/agents/mapping.ts";
import { emptyTranscriptStats, readTranscript } from "../sources/agents/transcript.ts";
import {
  type FileFingerprint,
  fingerprintOf,
  type ImportedFile,
  ImportState,
  sameFingerprint,
} from "./state.ts";
import type {
  ImportFinding,
  ImportOptions,
  ImportOutcome,
  ImportRefusal,
  ImportSummary,
} from "./types.ts";

/** Entries kept in each list of the summary. */
export const MAX_LISTED = 100;

/** Findings listed per refused session. */
const MAX_FINDINGS = 10;

/** Default number of files read at once. */
const DEFAULT_CONCURRENCY = 2;

/** Parses `--agent`: one agent id or `all`. */
export function parseAgents(value: string | undefined): AgentId[] | undefined {
  if (value === undefined || value === "all") return undefined;
  if ((AGENT_IDS as readonly string[]).includes(value)) return [value as AgentId];
  throw new LumeraError("USAGE", `unknown agent "${value.slice(0, 40)}"`, {
    hint: `use one of ${AGENT_IDS.join(", ")} or all`,
  });
}

/** The files an import considers, in a stable order. */
export async function discoverFiles(options: ImportOptions): Promise<FoundTranscript[]> {
  const forced = options.agents?.length === 1 ? options.agents[0] : undefined;
  const out: FoundTranscript[] = [];
  const add = (f: FoundTranscript) => {
    const path = resolve(f.path);
    const agent = f.agent ?? forced;
    out.push(agent === undefined ? { path } : { agent, path });
  };
  if (options.files !== undefined && options.files.length > 0) {
    for (const f of options.files) add({ path: f });
    return out;
  }
  if (options.path !== undefined) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(options.path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new LumeraError("NOT_FOUND", `no such file or directory: ${options.path}`, {
          hint: "check --path",
        });
      }
      throw err;
    }
    if (info.isFile) add({ path: options.path });
    else for await (const f of findUnder(options.path, forced)) add(f);
    return out;
  }
  const seen = new Set<string>();
  for (const dir of agentSessionDirs(options.env, options.agents ?? AGENT_IDS)) {
    for await (const f of findInSessionDir(dir)) {
      if (!seen.has(f.path)) {
        seen.add(f.path);
        add(f);
      }
    }
  }
  return out;
}

function sinceMs(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = new Date(since).getTime();
  if (since.length > 64 || Number.isNaN(ms)) {
    throw new LumeraError("USAGE", "--since is not a date or time: use ISO-8601", {
      hint: "e.g. 2026-11-01 or 2026-11-01T09:30:00Z",
    });
  }
  return ms;
}

function emptySummary(dryRun: boolean): ImportSummary {
  return {
    dry_run: dryRun,
    files: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    refused: 0,
    failed: 0,
    skipped: 0,
    memories: 0,
    bytes_read: 0,
    lines: { malformed: 0, oversized: 0, torn: 0 },
    refusals: [],
    failures: [],
    skips: [],
    damaged: [],
    elapsed_ms: 0,
  };
}

function findingsOf(err: LumeraError): ImportFinding[] {
  const details = err.details as { findings?: Finding[] } | undefined;
  return (details?.findings ?? []).slice(0, MAX_FINDINGS).map((f) => {
    const out: ImportFinding = {
      rule: f.rule,
      location: `${f.path} ${f.line}:${f.column}`,
      preview: f.preview,
    };
    if (f.fingerprint !== undefined) out.fingerprint = f.fingerprint;
    return out;
  });
}

/** The findings remembered with a refused file (secret-free: rule, location, masked preview). */
function storedFindings(detail: string | undefined): ImportFinding[] {
  try {
    const v = JSON.parse(detail ?? "[]");
    return Array.isArray(v) ? v.slice(0, MAX_FINDINGS) : [];
  } catch {
    return [];
  }
}

/** Adds `item` to one of the summary's lists unless it already holds `MAX_LISTED`. */
function listed<T>(list: T[], item: T): void {
  if (list.length < MAX_LISTED) list.push(item);
}

/** The record with the import's extra tags added (the record itself when there are none). */
function withTags(record: MemoryRecord, tags: string[] | undefined): MemoryRecord {
  if (tags === undefined || tags.length === 0) return record;
  return normalizeRecord({ ...record, tags: [...record.tags, ...tags] });
}

/** Counts a failed item and lists it with its code and message. */
function countFailure(summary: ImportSummary, item: string, e: LumeraError): void {
  summary.failed++;
  listed(summary.failures, { file: item, code: e.code, reason: e.message });
}

/** Imports agent transcripts into the service's store and returns the summary. */
export async function runImport(
  service: LocalMemoryService,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const dryRun = options.dryRun === true;
  const summary = emptySummary(dryRun);
  const cutoff = sinceMs(options.since);
  const state = new ImportState(service.index.db);
  if (options.viaCass === true) {
    await importViaCass(service, state, options, summary);
    return finish(summary, started);
  }
  if (options.cmPlaybook === true) {
    await importPlaybook(service, state, options, summary);
    return finish(summary, started);
  }
  const files = await discoverFiles(options);
  summary.files = files.length;
  let done = 0;
  options.onProgress?.(0, files.length);

  await forEachLimit(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (found) => {
    options.signal?.throwIfAborted();
    const outcome = await importOne(service, state, found, options, cutoff, summary);
    if (outcome !== undefined) summary[outcome]++;
    else summary.files--;
    options.onProgress?.(++done, files.length);
  });
  return finish(summary, started);
}

/** Imports one file; `undefined` when it is out of the `--since` window. */
async function importOne(
  service: LocalMemoryService,
  state: ImportState,
  found: FoundTranscript,
  options: ImportOptions,
  cutoff: number | undefined,
  summary: ImportSummary,
): Promise<ImportOutcome | undefined> {
  const file = found.path;
  const dryRun = options.dryRun === true;
  const stats = emptyTranscriptStats();
  let sessionId: string | undefined;
  let fingerprint: FileFingerprint | undefined;
  let agent: string | undefined = found.agent;
  const remember = (status: ImportedFile["status"], detail?: string) => {
    if (dryRun || fingerprint === undefined) return;
    const row: ImportedFile = {
      path: file,
      agent: stats.agent ?? agent ?? "unknown",
      ...fingerprint,
      status,
    };
    if (sessionId !== undefined) row.sessionId = sessionId;
    if (detail !== undefined) row.detail = detail;
    state.put(row);
  };
  try {
    const handle = await Deno.open(file, { read: true }).catch((err) => {
      if (err instanceof Deno.errors.NotFound) {
        throw new LumeraError("NOT_FOUND", "no such file", { hint: "check the path", cause: err });
      }
      throw err;
    });
    try {
      const info = await handle.stat();
      if (!info.isFile) {
        throw new LumeraError("USAGE", "not a regular file", { hint: "pass transcript files" });
      }
      if (cutoff !== undefined && (info.mtime?.getTime() ?? 0) < cutoff) return undefined;
      fingerprint = await fingerprintOf(handle, info);
    } finally {
      handle.close();
    }
    const before = state.get(file);
    if (options.full !== true && before !== undefined && sameFingerprint(before, fingerprint)) {
      // Unchanged since the last import: its outcome then stands (an archived file is unchanged).
      if (before.status === "refused") {
        const refusal: ImportRefusal = { file, findings: storedFindings(before.detail) };
        if (before.sessionId !== undefined) refusal.session_id = before.sessionId;
        listed(summary.refusals, refusal);
        return "refused";
      }
      if (before.status === "skipped") {
        listed(summary.skips, { file, reason: before.detail ?? "skipped" });
        return "skipped";
      }
      return "unchanged";
    }

    let existed: boolean | undefined;
    let fresh = 0;
    let records = 0;
    for await (
      const read of readTranscript(file, {
        agent: found.agent,
        workspaceHint: options.cwd,
        stats,
        signal: options.signal,
        partChars: options.partChars,
      })
    ) {
      const record = withTags(read, options.tags);
      agent = record.tool_name;
      sessionId ??= record.session_id;
      existed ??= state.hasSession(record.tool_name, record.session_id);
      records++;
      if (dryRun) {
        if (await wouldStore(service, record, summary)) fresh++;
      } else {
        const result = await service.store({ kind: "record", record });
        if (!result.deduplicated) fresh++;
      }
    }
    if (records === 0) {
      listed(summary.skips, { file, reason: "no messages yet" });
      remember("skipped", "no messages yet");
      return "skipped";
    }
    summary.memories += fresh;
    if (fresh === 0) {
      remember("unchanged");
      return "unchanged";
    }
    remember("imported");
    return existed ? "updated" : "imported";
  } catch (err) {
    const e = toLumeraError(err);
    if (e.code === "SECRET_REFUSED") {
      const refusal: ImportRefusal = { file, findings: findingsOf(e) };
      if (sessionId !== undefined) refusal.session_id = sessionId;
      listed(summary.refusals, refusal);
      remember("refused", JSON.stringify(refusal.findings));
      return "refused";
    }
    if (e.code === "FORGOTTEN") {
      const reason = "forgotten (store it with --force to bring it back)";
      listed(summary.skips, { file, reason });
      remember("skipped", reason);
      return "skipped";
    }
    const reason = e.code === "INTERNAL"
      ? `internal error (${err instanceof Error ? err.name : typeof err})`
      : e.message;
    listed(summary.failures, { file, code: e.code, reason });
    return "failed";
  } finally {
    summary.bytes_read += stats.bytes;
    summary.lines.malformed += stats.malformed;
    summary.lines.oversized += stats.oversized;
    if (stats.torn) summary.lines.torn++;
    if (stats.malformed > 0 || stats.oversized > 0 || stats.torn) {
      listed(summary.damaged, {
        file,
        malformed: stats.malformed,
        oversized: stats.oversized,
        torn: stats.torn,
      });
    }
  }
}

/** Imports cm's playbook rules as notes. */
async function importPlaybook(
  service: LocalMemoryService,
  state: ImportState,
  options: ImportOptions,
  summary: ImportSummary,
): Promise<void> {
  const records = await recordsFromCmPlaybook({ env: options.sourceEnv, signal: options.signal });
  summary.files = records.length;
  let done = 0;
  options.onProgress?.(0, records.length);
  for (const read of records) {
    await importRecord(service, state, options, summary, `cm playbook: ${read.session_id}`, read);
    options.onProgress?.(++done, records.length);
  }
}

/** Most sessions asked of `cass sessions`. */
const MAX_CASS_SESSIONS = 10_000;

/**
 * Imports every session `cass` knows (it reads 20+ agents: Cursor, Aider, Cline, OpenCode…):
 * `cass sessions --json` lists them, `cass export <path> --format json` reads each. Idempotent
 * through content dedup: a session that did not change is counted as unchanged.
 */
async function importViaCass(
  service: LocalMemoryService,
  state: ImportState,
  options: ImportOptions,
  summary: ImportSummary,
): Promise<void> {
  const listing = await runSourceCommand(
    "cass",
    ["sessions", "--json", "--limit", String(MAX_CASS_SESSIONS)],
    { env: options.sourceEnv, signal: options.signal },
  );
  let sessions: { path: string }[];
  try {
    const parsed = JSON.parse(listing) as { sessions?: unknown };
    if (!Array.isArray(parsed.sessions)) throw new Error("no sessions array");
    sessions = parsed.sessions.filter((x): x is { path: string } =>
      typeof x === "object" && x !== null && typeof (x as { path?: unknown }).path === "string"
    );
  } catch {
    throw new LumeraError("SOURCE_FAILED", "cass sessions --json printed something unexpected", {
      hint: "check the installed cass version (`cass --version`)",
    });
  }
  summary.files = sessions.length;
  let done = 0;
  options.onProgress?.(0, sessions.length);
  for (const { path } of sessions) {
    options.signal?.throwIfAborted();
    const item = `cass: ${basename(path)}`;
    try {
      const record = await recordFromCassExport(path, {
        env: options.sourceEnv,
        signal: options.signal,
      });
      await importRecord(service, state, options, summary, item, record);
    } catch (err) {
      countFailure(summary, item, toLumeraError(err));
    }
    options.onProgress?.(++done, sessions.length);
  }
}

/** Stores (or, in a dry run, checks) one record from a command source, counting the outcome. */
async function importRecord(
  service: LocalMemoryService,
  state: ImportState,
  options: ImportOptions,
  summary: ImportSummary,
  item: string,
  read: MemoryRecord,
): Promise<void> {
  let record = read;
  try {
    record = withTags(read, options.tags);
    const existed = state.hasSession(record.tool_name, record.session_id);
    const fresh = options.dryRun === true
      ? await wouldStore(service, record, summary)
      : !(await service.store({ kind: "record", record })).deduplicated;
    if (!fresh) summary.unchanged++;
    else {
      summary.memories++;
      summary[existed ? "updated" : "imported"]++;
    }
  } catch (err) {
    const e = toLumeraError(err);
    if (e.code === "SECRET_REFUSED") {
      summary.refused++;
      listed(summary.refusals, {
        file: item,
        session_id: record.session_id,
        findings: findingsOf(e),
      });
    } else if (e.code === "FORGOTTEN") {
      summary.skipped++;
      listed(summary.skips, { file: item, reason: "forgotten" });
    } else countFailure(summary, item, e);
  }
}

/** Sealed sizes of the memories a dry run would write, per summary (for the Cascade cost). */
const DRY_RUN_SIZES = new WeakMap<ImportSummary, number[]>();

/** Ends a run: elapsed time and, for a dry run, what uploading the new memories would cost. */
function finish(summary: ImportSummary, started: number): ImportSummary {
  summary.elapsed_ms = Math.round(performance.now() - started);
  const sizes = DRY_RUN_SIZES.get(summary);
  if (summary.dry_run && sizes !== undefined && sizes.length > 0) {
    summary.cascade_cost = batchingCostOf(sizes, DEFAULT_BATCH_POLICY);
  }
  return summary;
}

/**
 * Dry run: what a store would do, without writing. Throws the refusals a store would throw
 * (secret found, forgotten); returns false for content already stored. Like a store, it hashes
 * and sizes the record as it would be stored (redacted, when the scan policy redacts).
 */
async function wouldStore(
  service: LocalMemoryService,
  read: MemoryRecord,
  summary: ImportSummary,
): Promise<boolean> {
  const scan = applyScanPolicy(read, service.scanPolicy ?? DEFAULT_SCAN_POLICY);
  if (scan.findings.length > 0) throw secretRefusal(scan.findings);
  const record = scan.record === read ? read : normalizeRecord(scan.record);
  const canonical = new TextEncoder().encode(canonicalJson(record));
  const id = await contentIdOfBytes(service.keys.current, canonical);
  const index = service.index;
  if (index.isForgotten(id, record.tool_name, record.session_id)) {
    throw new LumeraError("FORGOTTEN", "forgotten");
  }
  if (index.pointerForContent(id) !== undefined) return false;
  const size = sealedSize(payloadBytes(id, new Date().toISOString(), canonical));
  const sizes = DRY_RUN_SIZES.get(summary) ?? [];
  sizes.push(size);
  DRY_RUN_SIZES.set(summary, sizes);
  return true;
}
