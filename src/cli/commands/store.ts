/**
 * `lumera-memory store`: stores a record file, stdin, a `cm context` snapshot or a cass export.
 *
 * @module
 */

import { LumeraError } from "../../errors.ts";
import { MAX_INPUT_BYTES } from "../../record/limits.ts";
import { normalizeRecord } from "../../record/schema.ts";
import { parseRecordJson } from "../../sources/mod.ts";
import type { StoreRequest } from "../../service/api.ts";
import { parseDuration } from "../../service/duration.ts";
import { policyFromFlags } from "../../config/config_file.ts";
import type { StoreResult } from "../../service/types.ts";
import { type CliContext, withService } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";
import { readAllStdin } from "../stdin.ts";

/** Options of `store`. */
export interface StoreCommandOptions {
  /** A record JSON file, or `-` for stdin. */
  file?: string;
  /** A task for `cm context`. */
  cmTask?: string;
  /** A session path for `cass export`. */
  cass?: string;
  /** Extra tags. */
  tag?: string[];
  /** Workspace for `cm context`. */
  workspace?: string;
  /** Time to live, e.g. `30d`. */
  ttl?: string;
  /** Store even if forgotten before. */
  force?: boolean;
  /** Selectors to redact. */
  redact?: string[];
  /** Personal-data selectors to allow. */
  allow?: string[];
  /** Fingerprints to allow. */
  allowFingerprint?: string[];
}

function requestOf(opts: StoreCommandOptions): StoreRequest | "stdin" {
  const given = [opts.file, opts.cmTask, opts.cass].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new LumeraError("USAGE", "store needs exactly one of --file, --cm-task or --cass", {
      hint: "e.g. lumera-memory store --file session.json --tag auth",
    });
  }
  if (opts.file === "-") return "stdin";
  if (opts.file !== undefined) return { kind: "file", path: opts.file };
  if (opts.cmTask !== undefined) {
    return { kind: "cm", task: opts.cmTask, workspace: opts.workspace };
  }
  return { kind: "cass", path: opts.cass! };
}

/** Runs `store`. */
export async function storeCommand(ctx: CliContext, opts: StoreCommandOptions): Promise<number> {
  const req = requestOf(opts);
  let request: StoreRequest;
  if (req === "stdin") {
    const text = await readAllStdin(MAX_INPUT_BYTES);
    const record = parseRecordJson(text, "stdin");
    request = { kind: "record", record: normalizeRecord({ ...record, source: { kind: "stdin" } }) };
  } else request = req;
  const ttlMs = opts.ttl === undefined ? undefined : parseDuration(opts.ttl, "--ttl");
  const result = await withService(
    ctx,
    (s) =>
      s.store(request, {
        tags: opts.tag,
        ttlMs,
        force: opts.force,
        scanPolicy: policyFromFlags(opts),
      }),
  );
  render(ctx, result);
  return 0;
}

function render(ctx: CliContext, r: StoreResult): void {
  if (ctx.json) return writeJson(r);
  writeLines([
    r.deduplicated ? `Already stored: ${r.pointer}` : `Stored: ${r.pointer}`,
    `  session ${r.session_id}, ${formatBytes(r.record_bytes)} record → ${
      formatBytes(r.stored_bytes)
    } sealed${r.tags.length ? `, tags ${r.tags.join(", ")}` : ""}${
      r.redactions ? `, ${r.redactions} value(s) redacted` : ""
    }`,
  ]);
}
