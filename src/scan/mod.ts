/**
 * The secret and personal-data scanner: the public API.
 *
 * @module
 */

export type { Finding } from "./types.ts";
export {
  isPaymentCard,
  isPlaceholder,
  looksLikeSecretValue,
  PRIORITY_GENERIC,
  PRIORITY_PII,
  PRIORITY_SPECIFIC,
  PRIORITY_STRUCTURAL,
  type Rule,
  type RuleGroup,
  RULES,
} from "./rules.ts";
export { comparePaths, DEFAULT_TEXT_PATH, ROOT_PATH, scanRecord, scanText } from "./scanner.ts";
export { shannonEntropy } from "./entropy.ts";
export { luhnValid } from "./luhn.ts";
export { KNOWN_PREFIXES, maskPreview } from "./mask.ts";
