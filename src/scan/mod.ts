/**
 * The secret and personal-data scanner: the public API.
 *
 * @module
 */

export type { Finding } from "./types.ts";
export {
  named,
  prefixed,
  PRIORITY_GENERIC,
  PRIORITY_PII,
  PRIORITY_SPECIFIC,
  PRIORITY_STRUCTURAL,
  type Rule,
  type RuleCategory,
  type RuleGroup,
  RULES,
  type Severity,
} from "./rules.ts";
export {
  isPaymentCard,
  isPlaceholder,
  looksLikeSecretValue,
  plausibleTokenBody,
  randomEnough,
} from "./validators.ts";
export {
  compareFindings,
  comparePaths,
  DEFAULT_TEXT_PATH,
  ROOT_PATH,
  scanRecord,
  scanText,
} from "./scanner.ts";
export { shannonEntropy } from "./entropy.ts";
export { luhnValid } from "./luhn.ts";
export { base62Crc32Valid, crc32 } from "./checksum.ts";
export { fingerprint, FINGERPRINT_LABEL, FINGERPRINT_PATTERN } from "./fingerprint.ts";
export { KNOWN_PREFIXES, maskPreview } from "./mask.ts";
export {
  applyScanPolicy,
  applyScanPolicyToText,
  DEFAULT_SCAN_POLICY,
  mergeScanPolicies,
  parseScanPolicy,
  policySelectors,
  type Redaction,
  resolveScanAction,
  type ScanAction,
  type ScanPolicy,
  type ScanPolicyResult,
  type ScanPolicyTextResult,
} from "./policy.ts";
