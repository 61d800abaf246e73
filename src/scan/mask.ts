/**
 * Masked previews of matched secrets: enough for a user to recognise what was found (a well-known,
 * non-secret prefix such as `ghp_` and a length), never any part of the secret itself.
 *
 * @module
 */

/**
 * Well-known, fixed, non-secret prefixes that may appear in a preview, longest first. Only these
 * constant strings are ever shown; nothing after them is.
 */
export const KNOWN_PREFIXES: readonly string[] = [
  "-----BEGIN",
  "github_pat_",
  "sk-svcacct-",
  "sk-admin-",
  "sk-proj-",
  "sk-ant-",
  "sk_live_",
  "sk_test_",
  "rk_live_",
  "rk_test_",
  "glpat-",
  "xoxa-",
  "xoxb-",
  "xoxe-",
  "xoxo-",
  "xoxp-",
  "xoxr-",
  "xoxs-",
  "pypi-",
  "ghp_",
  "gho_",
  "ghu_",
  "ghs_",
  "ghr_",
  "npm_",
  "AKIA",
  "ASIA",
  "ABIA",
  "ACCA",
  "AIza",
  "eyJ",
  "sk-",
];

/** Authorization schemes shown by name (the scheme word is not secret; the credential is). */
const SCHEMES: readonly string[] = ["Bearer", "Basic", "Token", "Digest"];

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const CARD_SHAPE = /^\d(?:[ -]?\d){12,18}$/;

/**
 * A masked preview of a matched value, e.g. `ghp_…(40 chars)`, `-----BEGIN…(1704 chars)`,
 * `Bearer…(47 chars)`, `…@…(17 chars)` for an email address, `…(16 digits)` for a card number and
 * `…(12 chars)` otherwise. At most a constant, well-known prefix from {@link KNOWN_PREFIXES} (or
 * an authorization scheme name) is shown, and only when more characters follow it; the rest is
 * reduced to its length.
 */
export function maskPreview(value: string): string {
  const n = value.length;
  if (CARD_SHAPE.test(value)) {
    return `…(${value.replace(/[ -]/g, "").length} digits)`;
  }
  if (EMAIL_SHAPE.test(value)) return `…@…(${n} chars)`;
  for (const scheme of SCHEMES) {
    if (
      n > scheme.length + 1 &&
      value.slice(0, scheme.length).toLowerCase() === scheme.toLowerCase() &&
      /\s/.test(value[scheme.length])
    ) {
      return `${scheme}…(${n} chars)`;
    }
  }
  for (const prefix of KNOWN_PREFIXES) {
    if (n > prefix.length && value.startsWith(prefix)) return `${prefix}…(${n} chars)`;
  }
  return `…(${n} chars)`;
}
