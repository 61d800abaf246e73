/**
 * Scanning without a store: checks a record or text under a scan policy, as `lumera-memory scan`
 * and the import dry run do. The service itself loads the scanner only when it first stores.
 *
 * @module
 */

import { applyScanPolicy, applyScanPolicyToText, DEFAULT_SCAN_POLICY } from "../scan/mod.ts";
import type { Finding, ScanPolicy } from "../scan/mod.ts";
import type { ScanResult } from "./types.ts";

/** A scan result from a policy's outcome. */
export function toScanResult(
  r: { findings: Finding[]; redactions: unknown[]; allowed: unknown[] },
): ScanResult {
  return {
    clean: r.findings.length === 0,
    findings: r.findings,
    redacted: r.redactions.length,
    allowed: r.allowed.length,
  };
}

/**
 * Checks a record under a scan policy without a key or a store: `clean` is false exactly when a
 * store would be refused.
 */
export function scanRecordForSecrets(
  record: unknown,
  policy: ScanPolicy = DEFAULT_SCAN_POLICY,
): ScanResult {
  return toScanResult(applyScanPolicy(record, policy));
}

/**
 * Checks text under a scan policy: `clean` is false exactly when storing it would be refused.
 */
export function scanTextWithPolicy(
  text: string,
  policy: ScanPolicy = DEFAULT_SCAN_POLICY,
): ScanResult {
  return toScanResult(applyScanPolicyToText(text, policy));
}
