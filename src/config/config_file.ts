/**
 * The optional configuration file, `<home>/config.json`. Today it holds the scan policy:
 *
 * ```json
 * { "scan": { "actions": { "pii": "redact", "email": "allow" }, "allow": ["<64 hex fingerprint>"] } }
 * ```
 *
 * and, optionally, the Cascade remote (`"remote": {…}`, see `remote_config.ts`).
 *
 * A missing file means the defaults (every finding refuses the store). A malformed file is a
 * usage error naming the file and what is wrong; it never falls back silently.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { DEFAULT_SCAN_POLICY, parseScanPolicy, type ScanPolicy } from "../scan/mod.ts";
import { parseRemoteConfig, type RemoteConfig } from "./remote_config.ts";

/** The configuration file's name inside the data home. */
export const CONFIG_FILE_NAME = "config.json";
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The validated configuration. */
export interface Config {
  /** The scan policy (block / redact / allow per rule or group; allowed fingerprints). */
  scan: ScanPolicy;
  /** The Cascade remote, when configured (`remote` section); absent means local only. */
  remote?: RemoteConfig;
}

function bad(path: string, what: string): LumeraError {
  return new LumeraError("USAGE", `the configuration file ${path} is invalid: ${what}`, {
    hint: "fix it (the README's Configuration section shows the format) or move it aside",
  });
}

/** Reads `<home>/config.json`; the defaults when it does not exist. */
export async function loadConfig(home: string): Promise<Config> {
  const path = `${home}/${CONFIG_FILE_NAME}`;
  let text: string;
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile) throw bad(path, "it is not a plain file");
    if (info.size > MAX_CONFIG_BYTES) throw bad(path, "it is larger than 1 MiB");
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { scan: DEFAULT_SCAN_POLICY };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad(path, "it is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw bad(path, "it must be a JSON object");
  }
  for (const key of Object.keys(json)) {
    if (key !== "scan" && key !== "remote") {
      throw bad(path, `unknown setting "${key.slice(0, 40)}" (known: scan, remote)`);
    }
  }
  try {
    const o = json as { scan?: unknown; remote?: unknown };
    const remote = parseRemoteConfig(o.remote);
    const scan = parseScanPolicy(o.scan);
    return remote === undefined ? { scan } : { scan, remote };
  } catch (err) {
    if (err instanceof LumeraError) throw bad(path, err.message);
    throw err;
  }
}

/** Selectors given per call (CLI flags or MCP arguments). */
export interface PolicyFlags {
  /** Rule ids, aliases (email, phone, card) or groups (pii, secret) to redact. */
  redact?: string[];
  /** Personal-data selectors to allow. */
  allow?: string[];
  /** Fingerprints of known values to allow. */
  allowFingerprint?: string[];
}

/** A policy from per-call selectors, or `undefined` when none was given. */
export function policyFromFlags(flags: PolicyFlags): ScanPolicy | undefined {
  const actions: Record<string, string> = {};
  for (const s of flags.redact ?? []) actions[s] = "redact";
  for (const s of flags.allow ?? []) actions[s] = "allow";
  const allow = flags.allowFingerprint ?? [];
  if (Object.keys(actions).length === 0 && allow.length === 0) return undefined;
  return parseScanPolicy({ actions, allow });
}
