/**
 * Masked previews of matched secrets: enough for a user to recognise what was found (a well-known,
 * non-secret prefix such as `ghp_` and a length), never any part of the secret itself.
 *
 * @module
 */

/**
 * Well-known, fixed, non-secret prefixes that may appear in a preview, longest first. Only these
 * constant strings are ever shown; nothing after them is. Each is distinctive (a vendor marker,
 * not a word), so that a password that happens to start like one gives nothing away.
 */
export const KNOWN_PREFIXES: readonly string[] = [
  "access_token$production$",
  "access_token$sandbox$",
  "PuTTY-User-Key-File-",
  "AGE-SECRET-KEY-1",
  "IQoJb3JpZ2luX2Vj",
  "LS0tLS1CRUdJTi",
  "FLWSECK_TEST-",
  "shippo_live_",
  "duffel_live_",
  "sk-svcacct-",
  "github_pat_",
  "pscale_tkn_",
  "-----BEGIN",
  "xoxe.xoxp-",
  "pscale_pw_",
  "dckr_pat_",
  "sk-admin-",
  "GR1348941",
  "sk-or-v1-",
  "rubygems_",
  "FLWSECK-",
  "lsv2_pt_",
  "sk-proj-",
  "lsv2_sk_",
  "xkeysib-",
  "sk_test_",
  "sk_live_",
  "lin_api_",
  "rk_test_",
  "rk_live_",
  "sq0csp-",
  "dop_v1_",
  "sq0atp-",
  "ops_eyJ",
  "sntryu_",
  "doo_v1_",
  "dt0c01.",
  "sntrys_",
  "GOCSPX-",
  "sk-ant-",
  "CCIPAT_",
  "dor_v1_",
  "sk-lf-",
  "dp.pt.",
  "shpca_",
  "glpat-",
  "whsec_",
  "shpss_",
  "glptt-",
  "shpat_",
  "glcbt-",
  "ATATT3",
  "xoxs-",
  "gldt-",
  "NRII-",
  "PMAK-",
  "HRKU-",
  "glsa_",
  "xoxb-",
  "xoxe-",
  "xoxo-",
  "xapp-",
  "glrt-",
  "xoxa-",
  "tvly-",
  "xoxr-",
  "pplx-",
  "pcsk_",
  "figd_",
  "NRAK-",
  "ya29.",
  "xoxp-",
  "pypi-",
  "gsk_",
  "hvb.",
  "ASIA",
  "ghp_",
  "ghr_",
  "AIza",
  "AKCp",
  "npm_",
  "AKIA",
  "ghs_",
  "xai-",
  "ghu_",
  "hvs.",
  "ABSK",
  "gho_",
  "glc_",
  "LTAI",
  "ABIA",
  "ACCA",
  "ATBB",
  "r8_",
  "sk-",
  "SG.",
  "hf_",
  "eyJ",
];

/** Authorization schemes shown by name (the scheme word is not secret; the credential is). */
const SCHEMES: readonly string[] = ["Bearer", "Basic", "Token", "Digest"];

/** {@link KNOWN_PREFIXES} by their first character, longest first. */
const PREFIXES_BY_FIRST: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const p of KNOWN_PREFIXES) {
    const list = m.get(p[0]) ?? [];
    list.push(p);
    m.set(p[0], list);
  }
  return m;
})();

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
  // Cheap necessary conditions first: a card starts with a digit, an email holds an "@", a
  // scheme is followed by whitespace.
  const first = value.charCodeAt(0);
  if (first >= 48 && first <= 57 && CARD_SHAPE.test(value)) {
    return `…(${value.replace(/[ -]/g, "").length} digits)`;
  }
  if (value.includes("@") && EMAIL_SHAPE.test(value)) return `…@…(${n} chars)`;
  for (const scheme of SCHEMES) {
    if (
      n > scheme.length + 1 &&
      /\s/.test(value[scheme.length]) &&
      value.slice(0, scheme.length).toLowerCase() === scheme.toLowerCase()
    ) {
      return `${scheme}…(${n} chars)`;
    }
  }
  for (const prefix of PREFIXES_BY_FIRST.get(value[0]) ?? []) {
    if (n > prefix.length && value.startsWith(prefix)) return `${prefix}…(${n} chars)`;
  }
  return `…(${n} chars)`;
}
