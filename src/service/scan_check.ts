/**
 * Scanning without a store: checks text under a scan policy, as `lumera-memory scan` does. The
 * service itself loads the scanner only when it first stores.
 *
 * @module
 */

import { applyScanPolicyToText, DEFAULT_SCAN_POLICY } from "../scan/mod.ts";
import type { ScanPolicy } from "../scan/mod.ts";
import type { ScanResult } from "./types.ts";

/**
 * Checks text under a scan policy: `clean` is false exactly when storing it would be refused.
 */
export function scanTextWithPolicy(
  text: string,
  policy: ScanPolicy = DEFAULT_SCAN_POLICY,
): ScanResult {
  const r = applyScanPolicyToText(text, policy);
  return {
    clean: r.findings.length === 0,
    findings: r.findings,
    redacted: r.redactions.length,
    allowed: r.allowed.length,
  };
}
