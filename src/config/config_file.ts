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

import { DEFAULT_SCAN_POLICY, parseScanPolicy, type ScanPolicy } from "../scan/mod.ts";
import type { RemoteConfig } from "./remote_config.ts";
import { CONFIG_FILE_NAME, readConfigSections } from "./config_read.ts";

export { CONFIG_FILE_NAME };

/** The validated configuration. */
export interface Config {
  /** The scan policy (block / redact / allow per rule or group; allowed fingerprints). */
  scan: ScanPolicy;
  /** The Cascade remote, when configured (`remote` section); absent means local only. */
  remote?: RemoteConfig;
}

/** Reads `<home>/config.json`; the defaults when it does not exist. */
export async function loadConfig(home: string): Promise<Config> {
  const sections = await readConfigSections(home);
  const scan = sections?.scan ?? DEFAULT_SCAN_POLICY;
  return sections?.remote === undefined ? { scan } : { scan, remote: sections.remote };
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
