/**
 * Fingerprints of matched values: a stable name for one secret or personal datum that lets a
 * user allow that exact value (like a `.gitleaksignore` entry) without ever writing it down.
 *
 * A fingerprint is the lowercase hex SHA-256 of the UTF-8 bytes of
 * `"lumera-memory/scan-fingerprint/v1\0" + canonical value`, where the canonical value is the
 * value as matched, except: card numbers keep only their digits, phone numbers their digits (and
 * a leading `+`), email addresses are lowercased. The same value found by two rules, or written
 * with different separators, has one fingerprint.
 *
 * It is a plain (unkeyed) hash so that an allow-list works on every machine. The consequence:
 * anyone holding a fingerprint can confirm a guess of the value. For long random credentials
 * that is harmless; for low-entropy values (phone numbers, card numbers, email addresses, short
 * passwords) a fingerprint should be treated like the value's cousin: shown to the user who owns
 * the text, not published.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** Domain-separation label hashed before every value. */
export const FINGERPRINT_LABEL = "lumera-memory/scan-fingerprint/v1";

/** Pattern of a fingerprint: 64 lowercase hex characters. */
export const FINGERPRINT_PATTERN: RegExp = /^[0-9a-f]{64}$/;

/** The form of `value` that is hashed for rule `ruleId` (see the module documentation). */
function canonicalValue(value: string, ruleId?: string): string {
  switch (ruleId) {
    case "payment-card":
      return value.replace(/\D/g, "");
    case "phone-number":
      return (value.trimStart().startsWith("+") ? "+" : "") + value.replace(/\D/g, "");
    case "email-address":
      return value.toLowerCase();
    default:
      return value;
  }
}

/**
 * The fingerprint of `value` as found by rule `ruleId`: 64 lowercase hex characters. Never
 * reversible for a random credential; see the module note for low-entropy values.
 */
export function fingerprint(value: string, ruleId?: string): string {
  return createHash("sha256")
    .update(`${FINGERPRINT_LABEL}\u0000${canonicalValue(value, ruleId)}`, "utf8")
    .digest("hex");
}
