/**
 * The inputs and the summary of an import of agent transcripts.
 *
 * @module
 */

import type { BatchingCost } from "../remote/cost.ts";
import type { AgentId } from "../sources/agents/mapping.ts";

/** What to import. */
export interface ImportOptions {
  /** Agents whose session directories are read (default: all three). */
  agents?: readonly AgentId[];
  /** Read this directory (or file) instead of the agents' session directories. */
  path?: string;
  /** Import exactly these transcript files. */
  files?: string[];
  /** Only files modified at or after this ISO date/time. */
  since?: string;
  /** Read, map and scan, but store nothing and remember nothing. */
  dryRun?: boolean;
  /** Read every file even when its size, time and tail are unchanged since the last import. */
  full?: boolean;
  /** Extra tags for every stored session. */
  tags?: string[];
  /** The caller's working directory (helps find a Gemini session's workspace). */
  cwd?: string;
  /** Environment lookup (where the agents keep their sessions). */
  env?: (name: string) => string | undefined;
  /** Called after each file with the files done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Files read at once (default 2: reading one overlaps the durable writes of the other). */
  concurrency?: number;
  /** Aborting stops the import between files. */
  signal?: AbortSignal;
  /** Part size bound in characters (default: the reader's; smaller values are for tests). */
  partChars?: number;
  /**
   * Import the user's cm rules (`cm playbook export --json --all`, one note per rule) instead of
   * transcript files.
   */
  cmPlaybook?: boolean;
  /** Import every session the `cass` tool knows (other agents too), through `cass export`. */
  viaCass?: boolean;
  /** Extra environment for `cm` (tests put a stand-in on PATH). */
  sourceEnv?: Record<string, string>;
}

/** What came of one file. */
export type ImportOutcome = "imported" | "updated" | "unchanged" | "refused" | "failed" | "skipped";

/** One finding that refused a session: never the secret, only where and what. */
export interface ImportFinding {
  /** Rule id, e.g. `github-token`. */
  rule: string;
  /** Where: record field path and line:column, e.g. `messages[12].text 3:15`. */
  location: string;
  /** Masked preview, e.g. `ghp_…(40 chars)`. */
  preview: string;
  /** The value's fingerprint, to allow-list it when it is not a secret. */
  fingerprint?: string;
}

/** A refused session. */
export interface ImportRefusal {
  /** The transcript. */
  file: string;
  /** Its session id. */
  session_id?: string;
  /** The findings (at most 10). */
  findings: ImportFinding[];
}

/** A file that could not be imported. */
export interface ImportFailure {
  /** The transcript. */
  file: string;
  /** Stable error code. */
  code: string;
  /** Why (never file contents). */
  reason: string;
}

/** A file that was read but not stored, and why (empty, forgotten). */
export interface ImportSkip {
  /** The transcript. */
  file: string;
  /** Why. */
  reason: string;
}

/** Damage tolerated in one file. */
export interface ImportDamage {
  /** The transcript. */
  file: string;
  /** Lines that were not JSON. */
  malformed: number;
  /** Lines over the size bound, skipped. */
  oversized: number;
  /** True when the last line was cut off mid-write. */
  torn: boolean;
}

/** The summary of an import. Lists hold at most 100 entries each; the counts are complete. */
export interface ImportSummary {
  /** True when nothing was stored (`--dry-run`). */
  dry_run: boolean;
  /** Transcript files considered. */
  files: number;
  /** Sessions stored for the first time. */
  imported: number;
  /** Sessions that grew since the last import: stored as their new version. */
  updated: number;
  /** Files unchanged since the last import, or whose content was already stored. */
  unchanged: number;
  /**
   * Sessions refused because they carry a secret or personal data (a file refused before and
   * unchanged since counts again, without being read).
   */
  refused: number;
  /** Files that could not be read or stored. */
  failed: number;
  /** Files read but not stored: no messages yet, or forgotten on purpose. */
  skipped: number;
  /** Memories written (new records; a long session is several). */
  memories: number;
  /** Transcript bytes read. */
  bytes_read: number;
  /** Damaged lines tolerated, over all files. */
  lines: { malformed: number; oversized: number; torn: number };
  /** Refused sessions, with their findings. */
  refusals: ImportRefusal[];
  /** Failed files, with the reason. */
  failures: ImportFailure[];
  /** Skipped files, with the reason. */
  skips: ImportSkip[];
  /** Files with damaged lines. */
  damaged: ImportDamage[];
  /** Wall time, in milliseconds. */
  elapsed_ms: number;
  /**
   * Dry run only: the one-time Lumera Cascade fee of uploading the memories it would write, one
   * upload each and batched into segments (default fee parameters; gas on top).
   */
  cascade_cost?: BatchingCost;
}
