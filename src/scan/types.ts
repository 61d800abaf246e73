/**
 * Types of the secret scanner's results.
 *
 * @module
 */

/** One thing the scanner found. It never contains the matched secret itself. */
export interface Finding {
  /** Stable rule id, e.g. `github-token`. */
  rule: string;
  /** Human description of the rule. */
  description: string;
  /** Field path in the record (`messages[3].text`), or `(text)` for plain text. */
  path: string;
  /** 1-based line within the field. */
  line: number;
  /** 1-based column within the line (UTF-16 code units). */
  column: number;
  /** A masked preview such as `ghp_…(40 chars)`: at most a short non-secret prefix and a length. */
  preview: string;
  /** The rule's group: `secret` (credentials, keys) or `pii` (personal data). */
  group?: "secret" | "pii";
  /**
   * The value's fingerprint (64 hex, see `fingerprint.ts`): a hash a user can put on an
   * allow-list to accept this exact value. Not the value, and not reversible for a random
   * credential.
   */
  fingerprint?: string;
}
