/**
 * The memory service's contract: the one place business rules live. Adapters (CLI, MCP) depend on
 * this interface only.
 *
 * @module
 */

import type { ScanPolicy } from "../scan/mod.ts";
import type {
  EstimateInput,
  EstimateResult,
  ForgetInput,
  ForgetResult,
  ListSessionsInput,
  ListSessionsResult,
  MessageRange,
  QueryInput,
  QueryResult,
  RetrieveResult,
  ScanResult,
  StatsResult,
  StoreResult,
  VerifyResult,
} from "./types.ts";

/** What to store: a record inline, or a reference the service resolves through a source. */
export type StoreRequest =
  | {
    /** An inline record (any JSON value; normalized default-deny). */
    kind: "record";
    record: unknown;
  }
  | {
    /** A note: the everyday way an agent saves a learning. */
    kind: "note";
    title: string;
    text: string;
    workspace?: string;
  }
  | {
    /** A `cm context "<task>" --json` snapshot. */
    kind: "cm";
    task: string;
    workspace?: string;
  }
  | {
    /** A session exported by `cass export <path> --format json`. */
    kind: "cass";
    path: string;
  }
  | {
    /** A record JSON file on disk (CLI only). */
    kind: "file";
    path: string;
  }
  | {
    /**
     * An agent's own session file (Claude Code, Codex, Gemini CLI). Only files inside the agents'
     * session directories or `LUMERA_MEMORY_TRANSCRIPT_DIRS` are accepted. A long session is
     * stored as several records (parts).
     */
    kind: "transcript";
    path: string;
    /** The caller's working directory (helps find a Gemini session's workspace). */
    cwd?: string;
  };

/** Options common to every store. */
export interface StoreOptions {
  /** Extra tags, merged with the record's own. */
  tags?: string[];
  /** Time to live in milliseconds: the memory expires (hidden from queries, removed by prune). */
  ttlMs?: number;
  /** Store even if this content or session was forgotten before (clears its tombstone). */
  force?: boolean;
  /** A per-call scan policy, merged over the home's configured one (its actions win). */
  scanPolicy?: ScanPolicy;
}

/** The use cases. */
export interface MemoryService {
  /** Normalize → scan → seal → put → index. Refuses (SECRET_REFUSED) with nothing written. */
  store(request: StoreRequest, options?: StoreOptions): Promise<StoreResult>;
  /** Searches the local index only; never touches the blob store. */
  query(input: QueryInput): QueryResult;
  /** Lists sessions (newest version of each), most recently active first; index only. */
  listSessions(input: ListSessionsInput): ListSessionsResult;
  /** Get → verify hash → open; with `range`, only those messages of the record are returned. */
  retrieve(pointer: string, range?: MessageRange): Promise<RetrieveResult>;
  /** Cascade one-time fee estimate. */
  estimate(input: EstimateInput): EstimateResult;
  /** Runs the secret scanner over text (the scanner may load on first use). */
  scanText(text: string): ScanResult | Promise<ScanResult>;
  /** Counts, sizes and time range of the store, per agent, workspace, kind and key. */
  stats(): StatsResult;
  /** Forgets memories (index rows, local blobs, tombstones); a dry run unless `confirm`. */
  forget(input: ForgetInput, options: { confirm: boolean }): Promise<ForgetResult>;
  /**
   * Checks that every index row has an intact blob; with `readData`, also decrypts each (or, with
   * `readDataPercent`, a random share of them).
   */
  verify(options?: { readData?: boolean; readDataPercent?: number }): Promise<VerifyResult>;
  /** Releases the index. */
  close(): void;
}
