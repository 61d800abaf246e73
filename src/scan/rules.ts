/**
 * The scanner's rule table: what counts as a secret or as personal data.
 *
 * Rules are data. To add one, append an entry to {@link RULES} with a stable kebab-case id, a
 * description, a group (`secret` or `pii`), a category and severity, keywords, a regex and, where
 * the regex alone would be noisy, a `validate` function over the captured value. Most entries go
 * through {@link prefixed}, for the many providers whose tokens start with a fixed prefix.
 *
 * Keywords are the prefilter: a rule only runs where one of its keywords occurs (keywords are
 * ASCII, best of three characters or more; lowercase ones match in any case, one with an
 * uppercase letter matches exactly). With
 * `anchor: "keyword"` every match must start exactly at a keyword occurrence — the regex is then
 * tried only there, which is what keeps a table of this size fast. A match may still extend to
 * the left through a lookbehind that captures (see `mailchimp-api-key`).
 *
 * Keywords must not contain a character JSON escapes (a quote may open one: `"auth`, not
 * `"auth"`): the JSON-unescaped view only holds lines where the raw text has a keyword.
 *
 * Regexes must not backtrack badly: anchor them on a literal, bound every repetition that can
 * meet its own continuation, and never nest unbounded quantifiers.
 *
 * Value checks live in `validators.ts` (placeholders, references, entropy per alphabet, format
 * checksums, documentation examples).
 *
 * Every finding blocks a store by default, whatever its severity; `policy.ts` lets a user redact
 * or allow personal data per rule or group, redact secrets, or allow one known value by its
 * fingerprint.
 *
 * @module
 */

import { shannonEntropy } from "./entropy.ts";
import {
  authCredential,
  awsKeyId,
  awsSecret,
  azureSasSignature,
  base64PrivateKey,
  discordBotToken,
  dockerAuth,
  githubToken,
  isLiteralValue,
  isPaymentCard,
  isPlaceholder,
  jwt,
  looksLikeSecretValue,
  looksLikeStrongSecret,
  mnemonic,
  npmToken,
  personalEmail,
  phoneAfterKeyword,
  phoneNumber,
  plainPassword,
  plausibleTokenBody,
  randomEnough,
  randomToken,
  urlPassword,
} from "./validators.ts";
import { isKnownExample } from "./examples.ts";

/** Whether a rule finds secrets (credentials, keys) or personal data. */
export type RuleGroup = "secret" | "pii";

/** What kind of credential or datum a rule finds (for reading the table and for reports). */
export type RuleCategory =
  | "private-key"
  | "cloud"
  | "code-host"
  | "ai"
  | "payments"
  | "messaging"
  | "registry"
  | "infra"
  | "saas"
  | "database"
  | "auth"
  | "generic"
  | "pii";

/** How bad a leak of this kind is. Every finding blocks by default, whatever its severity. */
export type Severity = "critical" | "high" | "medium" | "low";

/** One detection rule. */
export interface Rule {
  /** Stable kebab-case id, reported in findings. Never rename one. */
  readonly id: string;
  /** Human description, reported in findings. */
  readonly description: string;
  /** Secret or personal data. */
  readonly group: RuleGroup;
  /** What kind of thing it finds. */
  readonly category?: RuleCategory;
  /** How bad a leak is. */
  readonly severity?: Severity;
  /** Short names a policy may use for this rule (e.g. `email`). */
  readonly aliases?: readonly string[];
  /**
   * Prefilter: the rule only runs where one of these occurs. Lowercase keywords match in any
   * case; a keyword with an uppercase letter matches exactly. Empty means the rule always runs.
   */
  readonly keywords: readonly string[];
  /**
   * Where the regex runs:
   * - `keyword`: every match starts exactly at one of the keywords, so the regex is only tried
   *   at keyword occurrences;
   * - `digits`: every match lies in a run of at least {@link Rule.digits} digits (separated by
   *   at most two of ` -.()+/` at a time, plus up to two such characters before it), so the regex
   *   only runs around such runs;
   * - `text` (the default): over the whole text, when any keyword occurs in it (or always, with
   *   no keywords).
   */
  readonly anchor?: "keyword" | "digits" | "text";
  /** For `anchor: "digits"`: the fewest digits a match can have. */
  readonly digits?: number;
  /** The matcher (flags other than `g`/`y`/`d` are kept). */
  readonly pattern: RegExp;
  /** Capture group (number or name) holding the secret value (default 0, the whole match). */
  readonly secretGroup?: number | string;
  /**
   * Extra check on the captured value (and the whole match); a match is only reported when this
   * returns true.
   */
  readonly validate?: (value: string, match: string) => boolean;
  /**
   * A cheap necessary condition, checked at each keyword occurrence before the regex runs
   * (keyword-anchored rules only): false means the regex cannot match there.
   */
  readonly gate?: (text: string, at: number) => boolean;
  /**
   * When matches of two rules overlap, only the higher-priority one is reported (so a GitHub token
   * inside `token=…` is reported once, as a GitHub token). Equal priorities ≥
   * {@link PRIORITY_SPECIFIC} are all reported. Default {@link PRIORITY_SPECIFIC}.
   */
  readonly priority?: number;
}

/** Priority of provider-specific rules (the default). */
export const PRIORITY_SPECIFIC = 100;
/** Priority of structural rules: credentials in URLs and authorization headers. */
export const PRIORITY_STRUCTURAL = 50;
/** Priority of generic keyword/entropy rules. */
export const PRIORITY_GENERIC = 10;
/** Priority of personal-data rules. */
export const PRIORITY_PII = 5;

// ---------------------------------------------------------------------------------------------
// Pattern pieces
// ---------------------------------------------------------------------------------------------

/** Separator between a name and its value: `=`, `:`, `:=`, `=>`, `>`, with optional quotes. */
const SEP = String.raw`\\?["'\]]{0,2}[ \t]{0,5}(?::=|=>|[:=>])(?![=:])[ \t]{0,5}\\?["'\`]?`;

/** Left edge of a prefixed token: not inside a longer word. */
const L = String.raw`(?<![A-Za-z0-9_\-])`;
/** Right edge of a token: the token ends here. */
const R = String.raw`(?![A-Za-z0-9_\-])`;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Options of {@link prefixed}. */
interface PrefixedSpec {
  id: string;
  description: string;
  category: RuleCategory;
  severity?: Severity;
  /** Literal prefixes (keywords too): one with an uppercase letter matches exactly as written. */
  prefixes: readonly string[];
  /** Regex source of what follows the prefix. */
  body: string;
  /** Extra check (default: the part after the prefix is a plausible random value). */
  validate?: (value: string) => boolean;
  /** Override the left edge (default {@link L}). */
  left?: string;
  /** Override the right edge (default {@link R}). */
  right?: string;
  /** Regex flags besides `g` (e.g. `i`). */
  flags?: string;
}

/**
 * A rule for tokens that start with a fixed prefix (`ghp_`, `xoxb-`, `AKIA`, `SG.`): keywords
 * are the prefixes, the regex is anchored on them, and the default validator checks that the
 * random part is not a placeholder, a run or a sequence.
 */
export function prefixed(spec: PrefixedSpec): Rule {
  const prefixes = [...spec.prefixes].sort((a, b) => b.length - a.length);
  const source = (spec.left ?? L) + `(?:${prefixes.map(escapeRegExp).join("|")})` + spec.body +
    (spec.right ?? R);
  const ci = (spec.flags ?? "").includes("i");
  const afterPrefix = (value: string): string => {
    for (const p of prefixes) {
      if (ci ? value.toLowerCase().startsWith(p.toLowerCase()) : value.startsWith(p)) {
        return value.slice(p.length);
      }
    }
    return value;
  };
  const check = spec.validate ?? ((value: string) => plausibleTokenBody(afterPrefix(value)));
  return {
    id: spec.id,
    description: spec.description,
    group: "secret",
    category: spec.category,
    severity: spec.severity ?? "high",
    keywords: prefixes.map((p) => (/[A-Z]/.test(p) ? p : p.toLowerCase())),
    anchor: "keyword",
    pattern: new RegExp(source, "g" + (spec.flags ?? "")),
    validate: (value) => check(value) && !isKnownExample(value),
  };
}

/** Options of {@link named}. */
interface NamedSpec {
  id: string;
  description: string;
  category: RuleCategory;
  severity?: Severity;
  /** Lowercase keywords; each match starts at one of them (the start of `name`). */
  keywords: readonly string[];
  /** Regex source of the name, starting at a keyword (matched case-insensitively). */
  name: string;
  /** Regex source of the value (captured; matched case-insensitively, like the name). */
  value: string;
  validate?: (value: string) => boolean;
}

/**
 * A rule for a value recognised by the name it is assigned to (`HEROKU_API_KEY=<uuid>`,
 * `"okta_token": "00…"`): `name`, up to 30 more name characters, a separator, the value.
 */
export function named(spec: NamedSpec): Rule {
  return {
    id: spec.id,
    description: spec.description,
    group: "secret",
    category: spec.category,
    severity: spec.severity ?? "high",
    keywords: spec.keywords,
    anchor: "keyword",
    pattern: new RegExp(
      `(?:${spec.name})[\\w.-]{0,30}?${SEP}(${spec.value})(?![A-Za-z0-9_\\-])`,
      "gi",
    ),
    secretGroup: 1,
    gate: assignmentAhead,
    validate: (value) => (spec.validate ?? plausibleTokenBody)(value) && !isKnownExample(value),
  };
}

/** Names that hold secrets in generic assignments (each starts with a keyword below). */
const GENERIC_NAME = String.raw`(?<!(?:page|next|continuation|sync|resume|cancell?ation|` +
  String.raw`idempotency|cursor)[_-]?)` +
  // `pass` alone as a whole word or name part (`DB_PASS`, `smtp.pass`, `smtpPass`), not inside
  // one (`bypass`, `passing`, `Passport`).
  String.raw`(?:pass(?:word|wd|phrase)|(?<![a-z])pass(?![a-z])|(?-i:(?<=[a-z0-9])Pass)(?![a-z])|` +
  String.raw`pwd|secret|token|api[_-]?key|credentials?|` +
  String.raw`(?:access|private|auth|encryption|signing|master|client|app|license)[_-]?key)`;

const GENERIC_KEY_PREFIXES = [
  "access",
  "private",
  "auth",
  "encryption",
  "signing",
  "master",
  "client",
  "app",
  "license",
];

/** Keywords of the generic assignment rule: where each name can start. */
const GENERIC_KEYWORDS = [
  "pass",
  "pwd",
  "secret",
  "token",
  "api_key",
  "api-key",
  "apikey",
  "credential",
  ...GENERIC_KEY_PREFIXES.flatMap((p) => [`${p}_key`, `${p}-key`, `${p}key`]),
];

/** Name suffixes that make the value metadata, not a secret (`token_count`, `secret_name`). */
const GENERIC_NOT = String.raw`(?![\w.-]*?(?:count|limit|type|url|uri|endpoint|path|file|name|` +
  String.raw`len|length|ttl|expir|usage|size|index|policy|less|ref|helper|header|version|prefix|` +
  String.raw`hash|digest|checksum|hint|field|label|format|mode|iz(?:e|er|ed|ing)|id\b))`;

/**
 * Separator without the opening quote, for rules whose value handles quoting itself
 * ({@link GENERIC_VALUE}).
 */
const SEP_BARE = String.raw`\\?["'\]]{0,2}[ \t]{0,5}(?::=|=>|[:=>])(?![=:])[ \t]{0,5}`;

/**
 * A value, in group `v`: inside quotes, everything up to the closing quote (no whitespace or
 * backslash); unquoted, up to a space, quote, `,`, `;`, `&`, `<` or backslash.
 */
const GENERIC_VALUE = String.raw`\\?(?:(?<q>["'\`])(?<v>(?:(?!\k<q>)[^\s\\]){1,4096})\k<q>|` +
  String.raw`(?<v>[^\s"'\`,;&\\<]{1,4096}))`;

const NAME_CHAR: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = /[\w.-]/.test(String.fromCharCode(c)) ? 1 : 0;
  return t;
})();

/**
 * Where the separator after a name at `at` ends, or -1: from `at`, a name (up to 64 word
 * characters, `.` or `-`), up to three closing quotes, backslashes or brackets and five spaces,
 * then `:=`, `=>`, `:`, `=` or `>`.
 */
function separatorEnd(text: string, at: number): number {
  const n = Math.min(text.length, at + 80);
  let i = at;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || NAME_CHAR[c] === 0) break;
    i++;
  }
  for (let k = 0; k < 3 && i < n; k++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 92 || c === 93) i++;
    else break;
  }
  for (let k = 0; k < 5 && i < n; k++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) i++;
    else break;
  }
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  if ((c === 58 && d === 61) || (c === 61 && d === 62)) return i + 2; // := =>
  return c === 58 || c === 61 || c === 62 ? i + 1 : -1;
}

/**
 * Gate of the assignment rules: from `at`, a name (up to 64 word characters, `.` or `-`), up to
 * three closing quotes, backslashes or brackets and five spaces, then `:`, `=` or `>`.
 */
export function assignmentAhead(text: string, at: number): boolean {
  return separatorEnd(text, at) !== -1;
}

/** Fewest characters of a value {@link looksLikeSecretValue} can accept. */
const MIN_SECRET_VALUE = 8;

/**
 * Gate of the generic assignment rule: an assignment ({@link assignmentAhead}) whose value, as
 * {@link GENERIC_VALUE} reads it (after up to five spaces, a backslash and an opening quote), has
 * at least {@link MIN_SECRET_VALUE} characters. Counts at least as many characters as the regex
 * takes, so it never rules out a match the validator could accept; it skips the regex for
 * `"input_tokens": 123`, `token: true`, `password=""`.
 */
function assignedValueAhead(text: string, at: number): boolean {
  let i = separatorEnd(text, at);
  if (i === -1) return false;
  for (let k = 0; k < 5 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9); k++) i++;
  if (text.charCodeAt(i) === 92) i++;
  const q = text.charCodeAt(i);
  const quoted = q === 34 || q === 39 || q === 96;
  if (quoted) i++;
  const from = i;
  const n = Math.min(text.length, from + MIN_SECRET_VALUE);
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 92) break;
    if (
      quoted
        ? c === q
        : c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 38 || c === 60
    ) {
      break;
    }
  }
  return i - from >= MIN_SECRET_VALUE;
}

/** Gate of `--flag value` rules: the flag word, then a space or tab, then a value. */
function flagAhead(text: string, at: number): boolean {
  let i = at;
  const n = Math.min(text.length, at + 40);
  while (i < n && (NAME_CHAR[text.charCodeAt(i)] ?? 0) === 1) i++;
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  return (c === 32 || c === 9) && d > 32;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The longest domain the email rule matches: 8 labels of 63 characters, dots and a TLD. */
const MAX_DOMAIN = 8 * 64 + 24;

/**
 * Gate of the email rule: `@` between a local-part character and a domain character, and in the
 * domain characters (letters, digits, `.`, `-`) that follow, a dot followed by two letters (a
 * top-level domain; `pkg@1.2.3` has none).
 */
function emailAround(text: string, at: number): boolean {
  const b = text.charCodeAt(at - 1);
  const a = text.charCodeAt(at + 1);
  const local = (b >= 48 && b <= 57) || isLetter(b) || b === 46 || b === 95 || b === 37 ||
    b === 43 || b === 45;
  const domain = (a >= 48 && a <= 57) || isLetter(a);
  if (!local || !domain) return false;
  const n = Math.min(text.length, at + 1 + MAX_DOMAIN);
  for (let i = at + 2; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (isLetter(text.charCodeAt(i + 1)) && isLetter(text.charCodeAt(i + 2))) return true;
    } else if (!((c >= 48 && c <= 57) || isLetter(c) || c === 45)) return false;
  }
  return false;
}

/** Gate of the URL rule: an `@` after `://` before the first `/`, `?`, quote or space. */
function userinfoAhead(text: string, at: number): boolean {
  const n = Math.min(text.length, at + 520);
  for (let i = at + 3; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 64) return true;
    if (
      c <= 32 || c === 47 || c === 63 || c === 34 || c === 39 || c === 96 ||
      c === 60 || c === 62 || c === 92
    ) return false;
  }
  return false;
}

/**
 * Gate of the name/value rule: before `at`, within 40 name characters, a `name` field and its
 * separator (`name: `, `"name": "`, `name=`).
 */
function nameFieldBefore(text: string, at: number): boolean {
  let i = at - 1;
  const low = Math.max(0, at - 40);
  while (i >= low) {
    const c = text.charCodeAt(i);
    if (c >= 128 || NAME_CHAR[c] === 0) break;
    i--;
  }
  if (text.charCodeAt(i) === 34 || text.charCodeAt(i) === 39) i--;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i--;
  const sep = text.charCodeAt(i);
  if (sep !== 58 && sep !== 61) return false;
  i--;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i--;
  if (text.charCodeAt(i) === 34 || text.charCodeAt(i) === 39) i--;
  return i >= 3 && (text.charCodeAt(i) | 32) === 101 && (text.charCodeAt(i - 1) | 32) === 109 &&
    (text.charCodeAt(i - 2) | 32) === 97 && (text.charCodeAt(i - 3) | 32) === 110; // name
}

/**
 * Gate of the SQL rule: `identified` then a space, or `password`, optional spaces and `(`, then
 * a quote.
 */
function sqlPasswordAhead(text: string, at: number): boolean {
  const c = text.charCodeAt(at) | 32;
  if (c === 105) return text.charCodeAt(at + 10) === 32 || text.charCodeAt(at + 10) === 9; // i…
  if ((text.charCodeAt(at + 4) | 32) !== 119 || (text.charCodeAt(at + 7) | 32) !== 100) {
    return false; // pass…w…d
  }
  let i = at + 8;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 40) i++;
  const q = text.charCodeAt(i);
  return q === 39 || q === 34;
}

/** Gate of the setter rule: the name's letters, optional spaces, `(`, optional spaces, a quote. */
function literalCallAhead(text: string, at: number): boolean {
  let i = at;
  const n = Math.min(text.length, at + 48);
  while (i < n) {
    const c = text.charCodeAt(i) | 32;
    if ((c >= 97 && c <= 122) || c === 127) i++; // letters and _ (95 | 32 = 127)
    else break;
  }
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  if (text.charCodeAt(i) !== 40) return false;
  i++;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  const q = text.charCodeAt(i);
  return q === 34 || q === 39;
}

/** Gate of the prose rule: the password word, a space or tab, then `is` or `was`. */
function passwordIsAhead(text: string, at: number): boolean {
  let i = at + 3;
  // "pwd", "passwd", "password", "passphrase": skip the word's letters.
  while (i < text.length && i < at + 10 && isLetter(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  if (c !== 32 && c !== 9) return false;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  const a = text.charCodeAt(i) | 32;
  const b = text.charCodeAt(i + 1) | 32;
  return (a === 105 && b === 115) || (a === 119 && b === 97); // is, wa(s)
}

/** Gate of the `.netrc` rule: `password` in lowercase, then a space or tab. */
function netrcPasswordAhead(text: string, at: number): boolean {
  if (!text.startsWith("password", at)) return false;
  const c = text.charCodeAt(at + 8);
  return c === 32 || c === 9;
}

/** Gate of the bearer rule: a space or tab after the word. */
function spaceAfterWord(text: string, at: number): boolean {
  const c = text.charCodeAt(at + 6);
  return c === 32 || c === 9;
}

/** Token68 characters (RFC 7235) for authorization credentials. */
const TOKEN68 = String.raw`[A-Za-z0-9\-._~+\/]+=*`;

/**
 * Placeholder marks in a key block: an ellipsis, six x's, a `<placeholder>`, four asterisks.
 * Literal runs (`xxxxxx`, not `x{6}`) compile to a faster search.
 */
const PEM_PLACEHOLDER = /\.\.\.|…|xxxxxx|XXXXXX|<[a-z _-]+>|\*\*\*\*/;

/** Body of a PEM block: base64, line breaks (real or escaped), indentation, line-number marks. */
const PEM_BODY = String.raw`(?:[A-Za-z0-9+\/=\s→|:]|\\[rn])`;
/**
 * Line breaks (real or escaped), indentation and line-number prefixes (`   12→`, `12:`): up to
 * 128 of them. Every repetition of a group is bounded: the regex engine keeps a backtracking
 * entry per repetition, and an unbounded one runs out of stack on megabytes of blank lines.
 */
const GAP = String.raw`(?:\s|\\[rn]|\d{1,7}(?:→|\t|[:|] ?)|(?<=\n)\+){0,128}`;

/**
 * Body of a GitLab token after its prefix: the random part, then optionally the suffix newer
 * tokens carry (`.`, 2 characters, an optional `.`, 7 characters). Every GitLab token kind
 * shares it.
 */
const GITLAB_BODY = String.raw`[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{2}\.?[0-9a-z]{7})?`;

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** Every rule the scanner applies, in reporting order for equal priorities. */
export const RULES: readonly Rule[] = [
  // ----- private keys -------------------------------------------------------------------------
  {
    id: "private-key",
    description: "private key block (PEM, OpenSSH, PGP, PKCS#8)",
    group: "secret",
    category: "private-key",
    severity: "critical",
    keywords: ["-----begin"],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----${GAP}` +
        String.raw`(?:[A-Za-z][A-Za-z0-9-]{0,40}:[^\r\n\\]{0,200}(?:\s|\\[rn])${GAP}){0,16}` +
        String.raw`\+?[A-Za-z0-9+\/=]{24,}` +
        String
          .raw`(?:${PEM_BODY}{0,65536}?-----END[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----)?`,
      "g",
    ),
    validate: (value) => !PEM_PLACEHOLDER.test(value),
  },
  {
    id: "putty-private-key",
    description: "PuTTY private key file",
    group: "secret",
    category: "private-key",
    severity: "critical",
    keywords: ["putty-user-key-file-"],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`PuTTY-User-Key-File-\d: [^\r\n\\]{1,60}[\s\S]{0,8192}?Private-Lines: ?\d{1,4}` +
        String.raw`${GAP}[A-Za-z0-9+\/=]{16,}(?:[A-Za-z0-9+\/=\s→|:]|\\[rn]){0,8192}`,
      "g",
    ),
    validate: (value) => !/\.\.\.|…|xxxxxx/.test(value),
  },
  prefixed({
    id: "age-secret-key",
    description: "age encryption secret key",
    category: "private-key",
    severity: "critical",
    prefixes: ["AGE-SECRET-KEY-1"],
    body: "[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
  }),
  {
    id: "wireguard-private-key",
    description: "WireGuard private key (PrivateKey = … in a wg config)",
    group: "secret",
    category: "private-key",
    severity: "critical",
    keywords: ["privatekey"],
    anchor: "keyword",
    pattern: /PrivateKey[ \t]*=[ \t]*([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])/g,
    secretGroup: 1,
    validate: (value) => plausibleTokenBody(value) && !isKnownExample(value),
  },
  {
    id: "base64-private-key",
    description: "base64-encoded private key (kubeconfig client-key-data, Kubernetes TLS secret)",
    group: "secret",
    category: "private-key",
    severity: "critical",
    keywords: ["LS0tLS1CRUdJTi"],
    anchor: "keyword",
    pattern: /LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2}/g,
    validate: base64PrivateKey,
  },

  // ----- cloud --------------------------------------------------------------------------------
  prefixed({
    id: "aws-access-key-id",
    description: "AWS access key id",
    category: "cloud",
    severity: "critical",
    prefixes: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    body: "[A-Z0-9]{16,17}",
    left: String.raw`(?<![A-Za-z0-9])`,
    right: String.raw`(?![A-Za-z0-9])`,
    validate: (value) => (value.length === 20 || value.startsWith("A3T")) && awsKeyId(value),
  }),
  {
    id: "aws-secret-access-key",
    description: "AWS secret access key (40-character key next to an AWS/secret key name)",
    group: "secret",
    category: "cloud",
    severity: "critical",
    keywords: [
      ...["aws_secret", "aws-secret", "aws secret", "awssecret", "aws.secret"],
      ...["secret_access", "secret-access", "secret access", "secretaccess", "secret.access"],
    ],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`(?:aws[_ .-]?secret(?:[_ .-]?access)?(?:[_ .-]?key)?|` +
        String.raw`secret[_ .-]?access[_ .-]?key)` +
        String.raw`[^\r\n]{0,40}?(?<![A-Za-z0-9\/+])([A-Za-z0-9\/+]{40})(?![A-Za-z0-9\/+=])`,
      "gi",
    ),
    secretGroup: 1,
    validate: awsSecret,
  },
  named({
    id: "aws-session-token",
    description: "AWS session token (STS temporary credentials)",
    category: "cloud",
    severity: "critical",
    keywords: [
      "aws_session_token",
      "aws-session-token",
      "awssessiontoken",
      "sessiontoken",
      "session_token",
      "x-amz-security-token",
      "aws_security_token",
    ],
    name: String
      .raw`aws[_-]?session[_-]?token|session[_-]?token|x-amz-security-token|aws_security_token`,
    value: String.raw`[A-Za-z0-9\/+]{100,4096}={0,2}`,
  }),
  prefixed({
    id: "aws-session-token-value",
    description: "AWS session token (by its encoded header)",
    category: "cloud",
    severity: "critical",
    prefixes: ["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "FQoGZXIvYXdzE"],
    body: String.raw`[A-Za-z0-9\/+]{80,4096}={0,2}`,
    right: String.raw`(?![A-Za-z0-9\/+=])`,
  }),
  prefixed({
    id: "aws-bedrock-api-key",
    description: "Amazon Bedrock API key",
    category: "cloud",
    severity: "critical",
    prefixes: ["ABSK"],
    body: String.raw`[A-Za-z0-9+\/]{109,269}={0,2}`,
    right: String.raw`(?![A-Za-z0-9+\/=])`,
  }),
  {
    id: "gcp-service-account-key",
    description: "Google Cloud service-account key file (private_key_id)",
    group: "secret",
    category: "cloud",
    severity: "high",
    keywords: ['"private_key_id'],
    anchor: "keyword",
    pattern: /"private_key_id"\s*:\s*"([0-9a-f]{40})"/g,
    secretGroup: 1,
    validate: (value) => randomEnough(value) && plausibleTokenBody(value),
  },
  prefixed({
    id: "google-api-key",
    description: "Google API key (Google Cloud, Maps, Firebase, Gemini)",
    category: "cloud",
    prefixes: ["AIza"],
    body: "[0-9A-Za-z_-]{35}",
  }),
  prefixed({
    id: "google-oauth-client-secret",
    description: "Google OAuth client secret",
    category: "cloud",
    prefixes: ["GOCSPX-"],
    body: "[A-Za-z0-9_-]{28}",
  }),
  prefixed({
    id: "google-oauth-token",
    description: "Google OAuth access or refresh token",
    category: "cloud",
    prefixes: ["ya29.", "1//0"],
    body: "[0-9A-Za-z_-]{30,2048}",
    left: String.raw`(?<![A-Za-z0-9_\-.\/])`,
  }),
  {
    id: "azure-storage-account-key",
    description: "Azure storage account key (AccountKey= in a connection string)",
    group: "secret",
    category: "cloud",
    severity: "critical",
    keywords: ["accountkey="],
    anchor: "keyword",
    pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/gi,
    secretGroup: 1,
    validate: (value) => plausibleTokenBody(value) && !isKnownExample(value),
  },
  {
    id: "azure-shared-access-key",
    description: "Azure Service Bus / Event Hubs / IoT Hub shared access key",
    group: "secret",
    category: "cloud",
    severity: "critical",
    keywords: ["sharedaccesskey="],
    anchor: "keyword",
    pattern: /SharedAccessKey=([A-Za-z0-9+/]{42,44}={0,2})(?![A-Za-z0-9+/=])/gi,
    secretGroup: 1,
    validate: (value) => plausibleTokenBody(value) && !isKnownExample(value),
  },
  {
    id: "azure-sas-token",
    description: "Azure shared access signature (sig= in a SAS URL or token)",
    group: "secret",
    category: "cloud",
    severity: "high",
    keywords: ["sig="],
    anchor: "keyword",
    pattern: /(?<=[?&;"'\s]|^)sig=([A-Za-z0-9%+/]{40,100}(?:%3[Dd]|=){0,2})(?![A-Za-z0-9%+/=])/g,
    secretGroup: 1,
    validate: azureSasSignature,
  },
  {
    id: "azure-ad-client-secret",
    description: "Microsoft Entra ID (Azure AD) client secret",
    group: "secret",
    category: "cloud",
    severity: "critical",
    keywords: ["0Q~", "1Q~", "2Q~", "3Q~", "4Q~", "5Q~", "6Q~", "7Q~", "8Q~", "9Q~"],
    anchor: "keyword",
    // Anchored on "<digit>Q~"; the lookbehind captures the whole secret, which starts 3 before.
    pattern:
      /(?<=(?<![\w~.-])(?=([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}(?![\w~.-])))[a-zA-Z0-9_~.]{3})\dQ~/g,
    secretGroup: 1,
    validate: (value) => plausibleTokenBody(value.slice(6)),
  },
  prefixed({
    id: "digitalocean-token",
    description: "DigitalOcean personal access, OAuth or refresh token",
    category: "cloud",
    prefixes: ["dop_v1_", "doo_v1_", "dor_v1_"],
    body: "[a-f0-9]{64}",
  }),
  prefixed({
    id: "heroku-api-key",
    description: "Heroku API key",
    category: "cloud",
    prefixes: ["HRKU-"],
    body: "[0-9A-Za-z_-]{58,64}",
  }),
  named({
    id: "heroku-api-key-legacy",
    description: "Heroku API key (UUID assigned to a Heroku name)",
    category: "cloud",
    keywords: ["heroku"],
    name: "heroku",
    value: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
  }),
  named({
    id: "cloudflare-api-token",
    description: "Cloudflare API token or global API key",
    category: "cloud",
    keywords: ["cloudflare", "cf_api", "cf-api"],
    name: String.raw`cloudflare|cf[_-]api`,
    value: "[A-Za-z0-9_-]{37,40}",
    validate: (v) => /\d/.test(v) && randomEnough(v) && plausibleTokenBody(v),
  }),
  prefixed({
    id: "cloudflare-origin-ca-key",
    description: "Cloudflare Origin CA key",
    category: "cloud",
    prefixes: ["v1.0-"],
    body: "[a-f0-9]{24}-[a-f0-9]{146}",
  }),
  prefixed({
    id: "alibaba-access-key-id",
    description: "Alibaba Cloud access key id",
    category: "cloud",
    prefixes: ["LTAI"],
    body: "[A-Za-z0-9]{12,20}",
  }),
  {
    id: "firebase-cloud-messaging-key",
    description: "Firebase Cloud Messaging server key",
    group: "secret",
    category: "cloud",
    severity: "high",
    keywords: [":APA91b"],
    anchor: "keyword",
    pattern:
      /(?<=(?<![\w-])(?=(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,160}))AAAA[A-Za-z0-9_-]{7}):APA91b/g,
    secretGroup: 1,
    validate: (value) => plausibleTokenBody(value.slice(19)),
  },

  // ----- code hosts ---------------------------------------------------------------------------
  prefixed({
    id: "github-token",
    description: "GitHub token (personal, OAuth, user-to-server, server-to-server or refresh)",
    category: "code-host",
    severity: "critical",
    prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    body: "[A-Za-z0-9]{36,251}",
    left: String.raw`(?<![A-Za-z0-9_])`,
    right: String.raw`(?![A-Za-z0-9_])`,
    validate: githubToken,
  }),
  prefixed({
    id: "github-fine-grained-token",
    description: "GitHub fine-grained personal access token",
    category: "code-host",
    severity: "critical",
    prefixes: ["github_pat_"],
    body: "[A-Za-z0-9_]{22,255}",
    left: String.raw`(?<![A-Za-z0-9_])`,
    right: String.raw`(?![A-Za-z0-9_])`,
  }),
  prefixed({
    id: "gitlab-token",
    description: "GitLab personal, project or group access token",
    category: "code-host",
    severity: "critical",
    prefixes: ["glpat-"],
    body: GITLAB_BODY,
  }),
  prefixed({
    id: "gitlab-deploy-token",
    description: "GitLab deploy token",
    category: "code-host",
    prefixes: ["gldt-"],
    body: GITLAB_BODY,
  }),
  prefixed({
    id: "gitlab-runner-token",
    description: "GitLab runner authentication or registration token",
    category: "code-host",
    prefixes: ["glrt-", "GR1348941"],
    body: GITLAB_BODY,
  }),
  prefixed({
    id: "gitlab-ci-token",
    description: "GitLab pipeline trigger or CI job token",
    category: "code-host",
    prefixes: ["glptt-", "glcbt-"],
    body: GITLAB_BODY,
  }),
  prefixed({
    id: "gitlab-other-token",
    description: "GitLab feed, incoming-mail, agent, OAuth-application, SCIM or feature-flag token",
    category: "code-host",
    prefixes: ["glft-", "glimt-", "glagent-", "gloas-", "glsoat-", "glffct-"],
    body: GITLAB_BODY,
  }),
  prefixed({
    id: "bitbucket-app-password",
    description: "Bitbucket app password",
    category: "code-host",
    prefixes: ["ATBB"],
    body: "[A-Za-z0-9_=.-]{28,40}",
  }),
  prefixed({
    id: "atlassian-api-token",
    description: "Atlassian (Jira, Confluence, Bitbucket) API or access token",
    category: "code-host",
    prefixes: ["ATATT3", "ATCTT3"],
    body: "[A-Za-z0-9_=-]{100,255}",
  }),

  // ----- AI providers -------------------------------------------------------------------------
  prefixed({
    id: "anthropic-api-key",
    description: "Anthropic API, admin or OAuth key",
    category: "ai",
    severity: "critical",
    prefixes: ["sk-ant-"],
    body: "[A-Za-z0-9_-]{32,255}",
  }),
  prefixed({
    id: "openai-api-key",
    description: "OpenAI API key (user, project, service-account or admin)",
    category: "ai",
    severity: "critical",
    prefixes: ["sk-"],
    body: "(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,255}|[A-Za-z0-9]{32,255})",
    validate: randomToken(3.5),
  }),
  prefixed({
    id: "openrouter-api-key",
    description: "OpenRouter API key",
    category: "ai",
    prefixes: ["sk-or-v1-"],
    body: "[a-f0-9]{64}",
  }),
  prefixed({
    id: "huggingface-token",
    description: "Hugging Face access or organization token",
    category: "ai",
    prefixes: ["hf_", "api_org_"],
    body: "[A-Za-z0-9]{34}",
    validate: (v) => /[A-Z]/.test(v) && /[a-z]/.test(v) && plausibleTokenBody(v.slice(3)),
  }),
  prefixed({
    id: "groq-api-key",
    description: "Groq API key",
    category: "ai",
    prefixes: ["gsk_"],
    body: "[A-Za-z0-9]{52}",
  }),
  prefixed({
    id: "replicate-api-token",
    description: "Replicate API token",
    category: "ai",
    prefixes: ["r8_"],
    body: "[A-Za-z0-9]{37}",
  }),
  prefixed({
    id: "perplexity-api-key",
    description: "Perplexity API key",
    category: "ai",
    prefixes: ["pplx-"],
    body: "[A-Za-z0-9]{48}",
  }),
  prefixed({
    id: "xai-api-key",
    description: "xAI (Grok) API key",
    category: "ai",
    prefixes: ["xai-"],
    body: "[A-Za-z0-9]{80}",
  }),
  prefixed({
    id: "langsmith-api-key",
    description: "LangSmith API key",
    category: "ai",
    prefixes: ["lsv2_pt_", "lsv2_sk_"],
    body: "[a-f0-9]{32}_[a-f0-9]{10}",
  }),
  prefixed({
    id: "langfuse-secret-key",
    description: "Langfuse secret key",
    category: "ai",
    prefixes: ["sk-lf-"],
    body: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
  }),
  prefixed({
    id: "elevenlabs-api-key",
    description: "ElevenLabs API key",
    category: "ai",
    prefixes: ["sk_"],
    body: "[a-f0-9]{48}",
    left: String.raw`(?<![A-Za-z0-9_\-.])`,
  }),
  prefixed({
    id: "pinecone-api-key",
    description: "Pinecone API key",
    category: "ai",
    prefixes: ["pcsk_"],
    body: "[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}",
  }),
  prefixed({
    id: "tavily-api-key",
    description: "Tavily API key",
    category: "ai",
    prefixes: ["tvly-"],
    body: "(?:dev-|prod-)?[A-Za-z0-9]{32}",
  }),

  // ----- payments -----------------------------------------------------------------------------
  prefixed({
    id: "stripe-secret-key",
    description: "Stripe secret or restricted key",
    category: "payments",
    severity: "critical",
    prefixes: ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "sk_prod_", "rk_prod_"],
    body: "[A-Za-z0-9]{16,255}",
    left: String.raw`(?<![A-Za-z0-9_])`,
    right: String.raw`(?![A-Za-z0-9_])`,
  }),
  prefixed({
    id: "stripe-webhook-secret",
    description: "Stripe webhook signing secret",
    category: "payments",
    prefixes: ["whsec_"],
    body: "[A-Za-z0-9+/=]{32,64}",
  }),
  prefixed({
    id: "square-access-token",
    description: "Square access token",
    category: "payments",
    severity: "critical",
    prefixes: ["EAAA", "sq0atp-"],
    body: "(?:[A-Za-z0-9_+=-]{22,72})",
    validate: (v) =>
      (v.startsWith("EAAA") ? v.length >= 60 : true) &&
      plausibleTokenBody(v.slice(v.startsWith("EAAA") ? 4 : 7)),
  }),
  prefixed({
    id: "square-oauth-secret",
    description: "Square OAuth application secret",
    category: "payments",
    prefixes: ["sq0csp-"],
    body: "[A-Za-z0-9_-]{43}",
  }),
  prefixed({
    id: "braintree-access-token",
    description: "PayPal Braintree access token",
    category: "payments",
    severity: "critical",
    prefixes: ["access_token$production$", "access_token$sandbox$"],
    body: String.raw`[0-9a-z]{16}\$[0-9a-f]{32}`,
    validate: (v) => plausibleTokenBody(v.slice(-32)),
  }),
  named({
    id: "paypal-client-secret",
    description: "PayPal REST client secret",
    category: "payments",
    keywords: ["paypal"],
    name: "paypal",
    value: "[A-Za-z0-9_-]{40,90}",
    validate: (v) => /\d/.test(v) && randomEnough(v) && plausibleTokenBody(v),
  }),
  prefixed({
    id: "shopify-token",
    description: "Shopify access token or shared secret",
    category: "payments",
    prefixes: ["shpat_", "shpca_", "shppa_", "shpss_"],
    body: "[a-fA-F0-9]{32}",
  }),
  prefixed({
    id: "flutterwave-secret-key",
    description: "Flutterwave secret key",
    category: "payments",
    prefixes: ["FLWSECK_TEST-", "FLWSECK-"],
    body: "[a-fA-F0-9]{32}-X",
  }),

  // ----- messaging ----------------------------------------------------------------------------
  prefixed({
    id: "slack-token",
    description: "Slack token",
    category: "messaging",
    severity: "critical",
    prefixes: ["xoxa-", "xoxb-", "xoxe-", "xoxo-", "xoxp-", "xoxr-", "xoxs-", "xoxe.xoxp-"],
    body: "[A-Za-z0-9-]{10,255}",
    validate: randomToken(3.0),
  }),
  prefixed({
    id: "slack-app-token",
    description: "Slack app-level token",
    category: "messaging",
    prefixes: ["xapp-"],
    body: String.raw`\d-[A-Za-z0-9]{6,20}-\d{6,20}-[A-Za-z0-9]{20,128}`,
  }),
  {
    id: "slack-webhook",
    description: "Slack incoming-webhook or workflow URL",
    group: "secret",
    category: "messaging",
    severity: "high",
    keywords: ["hooks.slack.com"],
    anchor: "keyword",
    pattern:
      /hooks\.slack\.com\/(?:services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}|(?:workflows|triggers)\/[A-Za-z0-9\/_-]{20,160})/g,
    validate: (value) => plausibleTokenBody(value.slice(value.lastIndexOf("/") + 1)),
  },
  {
    id: "discord-bot-token",
    description: "Discord bot token",
    group: "secret",
    category: "messaging",
    severity: "high",
    // A bot token starts with the base64 of a numeric user id: M, N or O, then D, T, j or z,
    // then one of A E I M Q U Y c g k.
    keywords: [..."MNO"].flatMap((a) =>
      [..."DTjz"].flatMap((b) => [..."AEIMQUYcgk"].map((c) => a + b + c))
    ),
    anchor: "keyword",
    pattern:
      /(?<![A-Za-z0-9_\-.])[MNO][DTjz][AEIMQUYcgk][A-Za-z0-9_-]{21,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_\-.])/g,
    validate: (value) => discordBotToken(value) && !isKnownExample(value),
  },
  {
    id: "discord-webhook",
    description: "Discord webhook URL",
    group: "secret",
    category: "messaging",
    severity: "high",
    keywords: ["/api/webhooks/"],
    anchor: "keyword",
    pattern:
      /(?<=discord(?:app)?\.com)\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}(?![A-Za-z0-9_-])/g,
    validate: (value) => plausibleTokenBody(value.slice(value.lastIndexOf("/") + 1)),
  },
  named({
    id: "discord-bot-token-named",
    description: "Discord bot token (assigned to a Discord name)",
    category: "messaging",
    keywords: ["discord"],
    name: "discord",
    value: String.raw`[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}`,
    validate: (v) => discordBotToken(v),
  }),
  named({
    id: "telegram-bot-token-named",
    description: "Telegram bot token (assigned to a Telegram name)",
    category: "messaging",
    keywords: ["telegram"],
    name: "telegram",
    value: String.raw`\d{8,10}:[A-Za-z0-9_-]{35}`,
    validate: (v) => plausibleTokenBody(v.slice(v.indexOf(":") + 1)),
  }),
  {
    id: "telegram-bot-token",
    description: "Telegram bot token",
    group: "secret",
    category: "messaging",
    severity: "high",
    keywords: [":AA", "telegram.org/bot"],
    anchor: "keyword",
    pattern:
      // Built from a string: the linter does not know duplicate named groups in alternatives.
      new RegExp(
        String
          .raw`(?<=(?<![\w:])(?=(?<v>\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])))\d{8,10}):AA|` +
          String.raw`telegram\.org\/bot(?=(?<v>\d{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])))`,
        "g",
      ),
    // One named group in both branches (a numbered group would be undefined in the second).
    secretGroup: "v",
    validate: (value) => plausibleTokenBody(value.slice(value.indexOf(":") + 1)),
  },
  prefixed({
    id: "twilio-api-key",
    description: "Twilio API key SID with its secret context (SK…)",
    category: "messaging",
    prefixes: [..."0123456789abcdefABCDEF"].map((h) => "SK" + h),
    body: "[0-9a-fA-F]{31}",
    left: String.raw`(?<![A-Za-z0-9])`,
    right: String.raw`(?![A-Za-z0-9])`,
    validate: (v) => randomEnough(v.slice(2)) && plausibleTokenBody(v.slice(2)),
  }),
  named({
    id: "twilio-auth-token",
    description: "Twilio auth token",
    category: "messaging",
    keywords: ["twilio"],
    name: "twilio",
    value: "[a-f0-9]{32}",
    validate: (v) => randomEnough(v) && plausibleTokenBody(v),
  }),
  prefixed({
    id: "sendgrid-api-key",
    description: "SendGrid API key",
    category: "messaging",
    prefixes: ["SG."],
    body: String.raw`[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`,
  }),
  prefixed({
    id: "mailgun-api-key",
    description: "Mailgun private API key",
    category: "messaging",
    prefixes: ["key-"],
    body: "[0-9a-f]{32}",
    validate: (v) => randomEnough(v.slice(4)) && plausibleTokenBody(v.slice(4)),
  }),
  {
    id: "mailchimp-api-key",
    description: "Mailchimp API key",
    group: "secret",
    category: "messaging",
    severity: "high",
    keywords: ["-us"],
    anchor: "keyword",
    pattern:
      /(?<=(?<![A-Za-z0-9])(?=([0-9a-f]{32}-us\d{1,2}(?![A-Za-z0-9])))[0-9a-f]{32})-us\d{1,2}/g,
    secretGroup: 1,
    validate: (value) => randomEnough(value.slice(0, 32)) && plausibleTokenBody(value),
  },
  prefixed({
    id: "brevo-api-key",
    description: "Brevo (Sendinblue) API or SMTP key",
    category: "messaging",
    prefixes: ["xkeysib-", "xsmtpsib-"],
    body: "[a-f0-9]{64}-[A-Za-z0-9]{16}",
  }),
  {
    id: "microsoft-teams-webhook",
    description: "Microsoft Teams incoming-webhook URL",
    group: "secret",
    category: "messaging",
    severity: "high",
    keywords: ["webhook.office.com"],
    anchor: "keyword",
    pattern:
      /webhook\.office\.com\/webhookb2\/[a-f0-9-]{36}@[a-f0-9-]{36}\/IncomingWebhook\/[a-f0-9]{32}\/[a-f0-9-]{36}/gi,
    validate: (value) => plausibleTokenBody(value.split("/")[4] ?? ""),
  },

  // ----- package registries -------------------------------------------------------------------
  prefixed({
    id: "npm-token",
    description: "npm access token",
    category: "registry",
    severity: "critical",
    prefixes: ["npm_"],
    body: "[A-Za-z0-9]{36}",
    left: String.raw`(?<![A-Za-z0-9_])`,
    right: String.raw`(?![A-Za-z0-9_])`,
    validate: npmToken,
  }),
  {
    id: "npmrc-auth",
    description: "registry credential in an .npmrc / .yarnrc (_authToken, _auth, _password)",
    group: "secret",
    category: "registry",
    severity: "high",
    keywords: ["_authtoken", "_auth", "_password"],
    anchor: "keyword",
    pattern: /(?<![\w-])_(?:authToken|auth|password)[ \t]*[=:][ \t]*["']?([^\s"'\\]{8,1024})/g,
    secretGroup: 1,
    validate: (value, match) => {
      if (isPlaceholder(value) || value.startsWith("npm_")) return false;
      if (/^_auth[ \t]*[=:]/i.test(match) || /^_password/i.test(match)) {
        return dockerAuth(value) || looksLikeSecretValue(value);
      }
      return looksLikeSecretValue(value) || /^[0-9a-f-]{36}$/.test(value);
    },
  },
  prefixed({
    id: "pypi-token",
    description: "PyPI API token",
    category: "registry",
    severity: "critical",
    // Real tokens go on with the macaroon header (pypi-AgEIcHlwaS5vcmc…); any long body counts.
    prefixes: ["pypi-"],
    body: "[A-Za-z0-9_-]{50,1000}",
  }),
  prefixed({
    id: "rubygems-api-key",
    description: "RubyGems API key",
    category: "registry",
    prefixes: ["rubygems_"],
    body: "[a-f0-9]{48}",
  }),
  prefixed({
    id: "docker-hub-token",
    description: "Docker Hub personal or organization access token",
    category: "registry",
    prefixes: ["dckr_pat_", "dckr_oat_"],
    body: "[A-Za-z0-9_-]{27,36}",
  }),
  {
    id: "docker-config-auth",
    description: 'registry credential in a docker config.json ("auth": base64 of user:password)',
    group: "secret",
    category: "registry",
    severity: "high",
    keywords: ['"auth'],
    anchor: "keyword",
    pattern: /"auth"\s*:\s*"([A-Za-z0-9+/]{8,2048}={0,2})"/g,
    secretGroup: 1,
    validate: dockerAuth,
  },
  prefixed({
    id: "nuget-api-key",
    description: "NuGet API key",
    category: "registry",
    prefixes: ["oy2"],
    body: "[a-z0-9]{43}",
    validate: (v) => /\d/.test(v.slice(3)) && plausibleTokenBody(v.slice(3)),
  }),
  prefixed({
    id: "crates-io-token",
    description: "crates.io API token",
    category: "registry",
    prefixes: ["cio"],
    body: "[A-Za-z0-9]{32}",
    validate: (v) => /\d/.test(v) && /[A-Z]/.test(v) && plausibleTokenBody(v.slice(3)),
  }),
  prefixed({
    id: "artifactory-token",
    description: "JFrog Artifactory API key or reference token",
    category: "registry",
    prefixes: ["AKCp", "cmVmd"],
    body: "[A-Za-z0-9]{59,69}",
    validate: (v) =>
      (v.startsWith("AKCp") ? v.length === 73 : v.length === 64) && plausibleTokenBody(v.slice(5)),
  }),
  prefixed({
    id: "pulumi-access-token",
    description: "Pulumi access token",
    category: "registry",
    prefixes: ["pul-"],
    body: "[a-f0-9]{40}",
  }),
  prefixed({
    id: "clojars-token",
    description: "Clojars deploy token",
    category: "registry",
    prefixes: ["CLOJARS_"],
    body: "[a-z0-9]{60}",
  }),

  // ----- infrastructure and SaaS --------------------------------------------------------------
  prefixed({
    id: "vault-token",
    description: "HashiCorp Vault service, batch or recovery token",
    category: "infra",
    severity: "critical",
    prefixes: ["hvs.", "hvb.", "hvr."],
    body: "[A-Za-z0-9_-]{24,400}",
  }),
  named({
    id: "vault-token-legacy",
    description: "HashiCorp Vault token (legacy s. format)",
    category: "infra",
    keywords: ["vault_token", "vault-token", "x-vault-token"],
    name: String.raw`(?:x-)?vault[_-]token`,
    value: String.raw`s\.[A-Za-z0-9]{24}`,
    validate: (v) => plausibleTokenBody(v.slice(2)),
  }),
  {
    id: "terraform-cloud-token",
    description: "Terraform Cloud / Enterprise API token",
    group: "secret",
    category: "infra",
    severity: "critical",
    keywords: [".atlasv1."],
    anchor: "keyword",
    pattern:
      /(?<=(?<![A-Za-z0-9])(?=([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])))[A-Za-z0-9]{14})\.atlasv1\./g,
    secretGroup: 1,
    validate: (value) => plausibleTokenBody(value.slice(23)),
  },
  named({
    id: "datadog-api-key",
    description: "Datadog API or application key",
    category: "infra",
    keywords: ["datadog", "dd_api", "dd-api", "dd_app", "dd-app"],
    name: String.raw`datadog|dd[_-](?:api|app(?:lication)?)`,
    value: "[a-f0-9]{32,40}",
    validate: (v) => randomEnough(v) && plausibleTokenBody(v),
  }),
  prefixed({
    id: "sentry-auth-token",
    description: "Sentry user or organization auth token",
    category: "infra",
    prefixes: ["sntryu_", "sntrys_"],
    body: "(?:[a-f0-9]{64}|eyJ[A-Za-z0-9+/=_]{50,600})",
    right: String.raw`(?![A-Za-z0-9+/=_-])`,
  }),
  prefixed({
    id: "new-relic-key",
    description: "New Relic user API, insights or browser key",
    category: "infra",
    prefixes: ["NRAK-", "NRII-", "NRIQ-", "NRJS-"],
    body: "[A-Za-z0-9_-]{19,32}",
  }),
  {
    id: "new-relic-license-key",
    description: "New Relic license key",
    group: "secret",
    category: "infra",
    severity: "high",
    keywords: ["NRAL"],
    anchor: "keyword",
    pattern: /(?<=(?<![A-Za-z0-9])(?=([a-f0-9]{36}NRAL(?![A-Za-z0-9])))[a-f0-9]{36})NRAL/g,
    secretGroup: 1,
    validate: (value) => randomEnough(value.slice(0, 36)),
  },
  prefixed({
    id: "grafana-token",
    description: "Grafana Cloud API token or service-account token",
    category: "infra",
    prefixes: ["glc_", "glsa_"],
    body: String.raw`(?:[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|[A-Za-z0-9+\/]{32,400}={0,3})`,
    right: String.raw`(?![A-Za-z0-9_\-+\/=])`,
  }),
  prefixed({
    id: "doppler-token",
    description: "Doppler API token",
    category: "infra",
    prefixes: ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
    body: "[A-Za-z0-9]{40,44}",
  }),
  prefixed({
    id: "databricks-token",
    description: "Databricks personal access token",
    category: "infra",
    prefixes: ["dapi"],
    body: String.raw`[a-f0-9]{32}(?:-\d)?`,
    validate: (v) => randomEnough(v.slice(4, 36)) && plausibleTokenBody(v.slice(4)),
  }),
  prefixed({
    id: "netlify-token",
    description: "Netlify personal access token",
    category: "infra",
    prefixes: ["nfp_"],
    body: "[A-Za-z0-9]{36}",
  }),
  prefixed({
    id: "fly-io-token",
    description: "Fly.io access token",
    category: "infra",
    prefixes: ["fm2_", "fm1a_", "fm1r_", "fo1_"],
    body: String.raw`[A-Za-z0-9+\/_-]{43,2048}={0,3}`,
    right: String.raw`(?![A-Za-z0-9+\/=_-])`,
  }),
  prefixed({
    id: "supabase-token",
    description: "Supabase access token or secret key",
    category: "infra",
    prefixes: ["sbp_", "sb_secret_"],
    body: "[A-Za-z0-9_-]{32,64}",
  }),
  prefixed({
    id: "planetscale-token",
    description: "PlanetScale service token, password or OAuth token",
    category: "database",
    prefixes: ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
    body: "[A-Za-z0-9_.=-]{32,64}",
  }),
  prefixed({
    id: "render-api-key",
    description: "Render API key",
    category: "infra",
    prefixes: ["rnd_"],
    body: "[A-Za-z0-9]{32}",
  }),
  prefixed({
    id: "deno-deploy-token",
    description: "Deno Deploy access token",
    category: "infra",
    prefixes: ["ddp_", "ddw_"],
    body: "[A-Za-z0-9]{36}",
  }),
  prefixed({
    id: "buildkite-token",
    description: "Buildkite API access token",
    category: "infra",
    prefixes: ["bkua_"],
    body: "[a-f0-9]{40}",
  }),
  prefixed({
    id: "circleci-token",
    description: "CircleCI personal API token",
    category: "infra",
    prefixes: ["CCIPAT_"],
    body: "[A-Za-z0-9]{22}_[a-f0-9]{40}",
  }),
  prefixed({
    id: "sonarqube-token",
    description: "SonarQube / SonarCloud token",
    category: "infra",
    prefixes: ["sqp_", "squ_", "sqa_"],
    body: "[a-f0-9]{40}",
  }),
  prefixed({
    id: "octopus-deploy-api-key",
    description: "Octopus Deploy API key",
    category: "infra",
    prefixes: ["API-"],
    body: "[A-Z0-9]{26}",
    validate: (v) => /\d/.test(v.slice(4)) && plausibleTokenBody(v.slice(4)),
  }),
  prefixed({
    id: "infracost-api-key",
    description: "Infracost API key",
    category: "infra",
    prefixes: ["ico-"],
    body: "[A-Za-z0-9]{32}",
  }),
  prefixed({
    id: "harness-token",
    description: "Harness personal or service-account token",
    category: "infra",
    prefixes: ["pat.", "sat."],
    body: String.raw`[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}`,
  }),
  prefixed({
    id: "prefect-api-key",
    description: "Prefect API key",
    category: "infra",
    prefixes: ["pnu_"],
    body: "[A-Za-z0-9]{36}",
  }),
  prefixed({
    id: "dynatrace-token",
    description: "Dynatrace API token",
    category: "infra",
    prefixes: ["dt0c01."],
    body: String.raw`[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}`,
  }),
  named({
    id: "okta-api-token",
    description: "Okta API token",
    category: "auth",
    keywords: ["okta"],
    name: "okta",
    value: "00[A-Za-z0-9_=-]{40}",
  }),
  prefixed({
    id: "onepassword-token",
    description: "1Password service-account token",
    category: "auth",
    severity: "critical",
    prefixes: ["ops_eyJ"],
    body: String.raw`[A-Za-z0-9+\/=_-]{250,4096}`,
    right: String.raw`(?![A-Za-z0-9+\/=_-])`,
  }),
  prefixed({
    id: "onepassword-secret-key",
    description: "1Password account secret key",
    category: "auth",
    severity: "critical",
    prefixes: ["A3-"],
    body: String
      .raw`[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}`,
  }),
  prefixed({
    id: "linear-api-key",
    description: "Linear API key",
    category: "saas",
    prefixes: ["lin_api_", "lin_oauth_"],
    body: "[A-Za-z0-9]{40}",
  }),
  prefixed({
    id: "notion-token",
    description: "Notion integration token",
    category: "saas",
    prefixes: ["ntn_", "secret_"],
    body: "[A-Za-z0-9]{43,46}",
    validate: (v) => /\d/.test(v) && /[A-Z]/.test(v) && plausibleTokenBody(v.slice(4)),
  }),
  prefixed({
    id: "airtable-token",
    description: "Airtable personal access token",
    category: "saas",
    prefixes: ["pat"],
    body: String.raw`[A-Za-z0-9]{14}\.[a-f0-9]{64}`,
  }),
  prefixed({
    id: "figma-token",
    description: "Figma personal access token",
    category: "saas",
    prefixes: ["figd_"],
    body: "[A-Za-z0-9_-]{38,43}",
  }),
  prefixed({
    id: "postman-api-key",
    description: "Postman API key",
    category: "saas",
    prefixes: ["PMAK-"],
    body: "[a-f0-9]{24}-[a-f0-9]{34}",
  }),
  prefixed({
    id: "dropbox-token",
    description: "Dropbox access token",
    category: "saas",
    prefixes: ["sl.u.", "sl."],
    body: "[A-Za-z0-9_-]{130,1400}",
    left: String.raw`(?<![A-Za-z0-9_\-.])`,
  }),
  prefixed({
    id: "hubspot-token",
    description: "HubSpot private-app access token",
    category: "saas",
    prefixes: ["pat-na1-", "pat-eu1-", "pat-na2-", "pat-ap1-"],
    body: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
  }),
  prefixed({
    id: "shippo-token",
    description: "Shippo API token",
    category: "saas",
    prefixes: ["shippo_live_", "shippo_test_"],
    body: "[a-fA-F0-9]{40}",
  }),
  prefixed({
    id: "mapbox-secret-token",
    description: "Mapbox secret access token",
    category: "saas",
    prefixes: ["sk.eyJ"],
    body: String.raw`[A-Za-z0-9_-]{20,400}\.[A-Za-z0-9_-]{20,100}`,
  }),
  prefixed({
    id: "twitter-bearer-token",
    description: "X (Twitter) app bearer token",
    category: "saas",
    prefixes: ["AAAAAAAAAAAAAAAAAAAAA"],
    body: "[A-Za-z0-9%]{60,140}",
    validate: (v) => plausibleTokenBody(v.replace(/^A+/, "")),
  }),
  prefixed({
    id: "facebook-access-token",
    description: "Facebook / Meta access token",
    category: "saas",
    prefixes: ["EAA"],
    body: "[A-Za-z0-9]{100,400}",
    left: String.raw`(?<![A-Za-z0-9])`,
    right: String.raw`(?![A-Za-z0-9])`,
  }),
  prefixed({
    id: "duffel-token",
    description: "Duffel API token",
    category: "saas",
    prefixes: ["duffel_test_", "duffel_live_"],
    body: "[A-Za-z0-9_=-]{43}",
  }),
  prefixed({
    id: "easypost-api-key",
    description: "EasyPost API key",
    category: "saas",
    prefixes: ["EZAK", "EZTK"],
    body: "[A-Za-z0-9]{54}",
  }),
  prefixed({
    id: "typeform-token",
    description: "Typeform personal access token",
    category: "saas",
    prefixes: ["tfp_"],
    body: "[A-Za-z0-9_.=-]{59}",
  }),
  prefixed({
    id: "readme-api-key",
    description: "ReadMe API key",
    category: "saas",
    prefixes: ["rdme_"],
    body: "[a-z0-9]{70}",
  }),
  prefixed({
    id: "django-secret-key",
    description: "Django SECRET_KEY as generated by startproject (django-insecure-…)",
    category: "generic",
    prefixes: ["django-insecure-"],
    // get_random_secret_key(): 50 characters of a-z, 0-9 and !@#$%^&*(-_=+).
    body: String.raw`[a-z0-9!@#$%^&*(\-_=+)]{50}`,
    right: String.raw`(?![a-z0-9!@#$%^&*(\-_=+)])`,
    validate: (value) => shannonEntropy(value.slice(16)) >= 4 && !/(.)\1{5}/.test(value),
  }),
  {
    id: "lumera-memory-key",
    description: "lumera-memory master key (LUMERA_MEMORY_KEY value)",
    group: "secret",
    category: "auth",
    severity: "critical",
    keywords: ["lumera_memory_key"],
    anchor: "keyword",
    gate: assignmentAhead,
    pattern: new RegExp(
      String.raw`LUMERA_MEMORY_KEY${SEP}([0-9a-fA-F]{64})(?![0-9a-fA-F])`,
      "gi",
    ),
    secretGroup: 1,
  },
  {
    id: "mnemonic-phrase",
    description: "wallet seed / recovery phrase",
    group: "secret",
    category: "auth",
    severity: "critical",
    keywords: ["mnemonic", "seed", "recovery", "secret"],
    anchor: "keyword",
    pattern: new RegExp(
      String
        .raw`(?:mnemonic|seed[ _-]?phrase|recovery[ _-]?phrase|secret[ _-]?phrase)\w{0,20}${SEP}` +
        String.raw`((?:[a-z]{3,8}[ \t]+){11,23}[a-z]{3,8})(?![a-z]|[ \t]+[a-z])`,
      "gi",
    ),
    secretGroup: 1,
    validate: mnemonic,
  },

  // ----- structural: tokens, URLs, headers, command lines -------------------------------------
  {
    id: "jwt",
    description: "JSON Web Token",
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["eyj"],
    anchor: "keyword",
    pattern:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])/g,
    validate: (value) => jwt(value) && !isKnownExample(value),
  },
  {
    id: "authorization-header",
    description: "credential in an Authorization header (Bearer, Basic, token or Bot)",
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["authorization"],
    anchor: "keyword",
    gate: assignmentAhead,
    pattern: new RegExp(
      String.raw`(?:(?<=proxy-)|(?<![\w-]))authorization${SEP}` +
        String.raw`((?:bearer|basic|token|bot)[ \t]+${TOKEN68})`,
      "gi",
    ),
    secretGroup: 1,
    validate: (value) => authCredential(value) && !isKnownExample(value.replace(/^\S+\s+/, "")),
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "url-credentials",
    description:
      "password in a URL (scheme://user:password@host: databases, brokers, Sentry DSNs, git)",
    group: "secret",
    category: "database",
    severity: "high",
    keywords: ["://"],
    anchor: "keyword",
    gate: userinfoAhead,
    pattern:
      /(?<=[A-Za-z0-9]):\/\/[^\s:\/?#@"'`<>\\]{0,256}:([^\s\/?@"'`<>\\]{1,256})@(?!(?:[\w-]+\.){0,16}example\.(?:com|org|net)\b)[A-Za-z0-9[]/g,
    secretGroup: 1,
    validate: urlPassword,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "curl-user-password",
    description: "password given to curl with -u / --user user:password",
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["curl"],
    anchor: "keyword",
    pattern:
      /curl\b[^\r\n|;&]{0,300}?[ \t](?:-u|--user)[ \t]*["']?([^\s"':]{1,64}:[^\s"']{3,128})/g,
    secretGroup: 1,
    validate: (value) => {
      const password = value.slice(value.indexOf(":") + 1);
      return !isPlaceholder(password) && !/^\$/.test(password);
    },
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "bearer-token",
    description: "bearer token",
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["bearer"],
    anchor: "keyword",
    gate: spaceAfterWord,
    pattern: new RegExp(String.raw`(?<![\w-])bearer[ \t]+[A-Za-z0-9\-._~+\/]{20,}=*`, "gi"),
    validate: (value) => {
      const cred = value.replace(/^\S+\s+/, "");
      return authCredential(value) && /\d/.test(cred) && shannonEntropy(cred) >= 3.0 &&
        !isKnownExample(cred);
    },
    priority: PRIORITY_GENERIC,
  },
  {
    id: "generic-secret-assignment",
    description: "secret-looking value assigned to a password/token/secret/API-key name",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: GENERIC_KEYWORDS,
    anchor: "keyword",
    pattern: new RegExp(
      GENERIC_NAME + GENERIC_NOT + String.raw`[\w.-]{0,40}?` + SEP_BARE + GENERIC_VALUE,
      "gi",
    ),
    secretGroup: "v",
    gate: assignedValueAhead,
    validate: (value, match) =>
      looksLikeSecretValue(value, isLiteralValue(value, match)) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "dotenv-secret",
    description: "secret-looking value on a .env line (PASSWORD=, SECRET=, TOKEN=, API_KEY=)",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: [
      ...["PASSWORD", "PASSWD", "PASSPHRASE", "PWD", "SECRET", "TOKEN"],
      ...["API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "AUTH_KEY", "CREDENTIAL"],
    ],
    anchor: "keyword",
    gate: assignmentAhead,
    // Anchored on the secret word; the lookbehind holds the start of the line and of the name.
    pattern: new RegExp(
      String.raw`(?<=^(?:[ \t]*\d{1,7}(?:→|\t|[:|] ?))?[+ \t]*(?:export[ \t]+)?[A-Z0-9_]{0,40})` +
        String.raw`(?:PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|` +
        String.raw`ACCESS_KEY|AUTH_KEY|CREDENTIALS?)` +
        String.raw`(?![A-Z0-9_]*?(?:COUNT|LIMIT|TYPE|URL|URI|ENDPOINT|PATH|FILE|NAME|LEN|TTL|` +
        String.raw`EXPIR|SIZE|POLICY|REF|HEADER|VERSION|PREFIX|HASH|HINT|FIELD|FORMAT|MODE|ID\b))` +
        String.raw`[A-Z0-9_]{0,40}=([^\s"'\`][^\s]{7,4095})(?=\s|$)`,
      "gm",
    ),
    secretGroup: 1,
    validate: (value) => looksLikeSecretValue(value, true) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "env-key-assignment",
    description: "random value assigned to a name ending in _KEY or Key (ADMIN_KEY, adminKey)",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: ["_key", "Key"],
    anchor: "keyword",
    gate: assignmentAhead,
    // Anchored on "_KEY" / "Key"; the lookbehind holds the rest of the name and rules out
    // names of keys that are not secrets (public, primary, sort, cache, idempotency…).
    pattern: new RegExp(
      String.raw`(?<=(?<![\w$.])[A-Za-z][A-Za-z0-9_]{0,40})` +
        String.raw`(?<!(?:PUBLIC|PUBLISHABLE|SITE|PRIMARY|SORT|PARTITION|CACHE|FOREIGN|HASH|` +
        String.raw`ROUTING|IDEMPOTENCY|LOOKUP|MAP|REDIS|S3|OBJECT|RANGE|ROW|QUEUE|EVENT|MSG|` +
        String.raw`MESSAGE|DEDUPE?|LOCK|STORAGE|SSH|GPG|PGP|PUSHER|SEARCH|INDEX|FILE|CONFIG|` +
        String.raw`SETTINGS|DICT|JSON|TABLE|GROUP|SHARD|REACT|REGISTRY|HOT|MON)_?)` +
        String.raw`(?:_KEY|(?<=[a-z0-9])Key)(?:_?(?:SECRET|VALUE|DATA|B64|BASE64|PROD|LIVE|\d+))?` +
        String.raw`["']?[ \t]*(?:[=:]|:=)[ \t]*["'\`]?([^\s"'\`,;&\\<]{16,4096})`,
      "gi",
    ),
    secretGroup: 1,
    validate: (value, match) =>
      looksLikeStrongSecret(value, isLiteralValue(value, match)) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "cli-secret-flag",
    description: "secret-looking value passed as a --password/--token/--secret command-line flag",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: ["-pass", "-token", "-secret", "-api", "-auth", "-access", "-client"],
    anchor: "keyword",
    gate: flagAhead,
    pattern: new RegExp(
      String
        .raw`(?<=(?<![\w-])-?)-(?:password|passwd|passphrase|pass|token|auth-token|access-token|` +
        String.raw`api-key|apikey|secret|client-secret)[ \t]+["']?([^\s"'\`]{8,4096})`,
      "gi",
    ),
    secretGroup: 1,
    validate: (value) => looksLikeSecretValue(value, true) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "mysql-password-flag",
    description: "password given to a MySQL client as -p<password>",
    group: "secret",
    category: "database",
    severity: "high",
    keywords: ["mysql"],
    anchor: "keyword",
    pattern: /mysql(?:dump|admin|sh)?\b[^\r\n]{0,200}?[ \t]-p([^\s"'`\-][^\s"'`]{3,255})/g,
    secretGroup: 1,
    validate: plainPassword,
    priority: PRIORITY_GENERIC,
  },

  {
    id: "password-in-prose",
    description: 'password stated in a sentence ("the password is …")',
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: ["pass", "pwd"],
    anchor: "keyword",
    gate: passwordIsAhead,
    // The value: 8 or more characters, quoted or ending before sentence punctuation.
    pattern: new RegExp(
      String.raw`(?<![\w-])(?:pass(?:word|phrase|wd)|pwd)[ \t]+(?:is|was)[ \t]+` +
        String.raw`(?:now[ \t]+|still[ \t]+|set[ \t]+to[ \t]+)?` +
        String.raw`(?:(?<q>["'\`])(?<v>[^\s"'\`]{8,128})\k<q>|` +
        String.raw`(?<v>[^\s"'\`,;\\]{7,127}[^\s"'\`,;\\.!?:)]))(?![^\s.,;:!?)"'\`])`,
      "gi",
    ),
    secretGroup: "v",
    // Stricter than an assignment: letters and digits, random-looking, not code.
    validate: (value) =>
      /\d/.test(value) && /[A-Za-z]/.test(value) && looksLikeSecretValue(value) &&
      !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "command-line-password",
    description:
      "password given to a command with a short flag (docker/podman login -p, sshpass -p, " +
      "redis-cli -a, mongosh -p, ldapsearch -w, zip -P, 7z -p, ssh-keygen -N, smbclient -U " +
      "user%password, openssl -passin/-passout pass:)",
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: [
      ...["login", "sshpass", "redis-cli", "mongo", "ldap", "-passin", "-passout", "zip"],
      ...["7z ", "ssh-keygen", "smbclient"],
    ],
    anchor: "keyword",
    // Each branch starts at its keyword; the flag is searched for on the same command line.
    pattern: new RegExp(
      String.raw`(?:(?<=(?<![\w-])(?:docker|podman|nerdctl|buildah|skopeo|oras|registry|az|cf|oc)` +
        String.raw`[ \t]{1,4})login\b[^\r\n|;&]{0,200}?[ \t](?:-p|--password)(?:[ \t]+|=)|` +
        String.raw`sshpass[ \t]+-p[ \t]*|` +
        String.raw`redis-cli\b[^\r\n|;&]{0,200}?[ \t]-a[ \t]+|` +
        String.raw`mongo(?:sh|dump|restore|import|export)?\b[^\r\n|;&]{0,200}?[ \t]-p[ \t]+|` +
        String
          .raw`ldap(?:search|add|modify|delete|passwd|whoami)\b[^\r\n|;&]{0,200}?[ \t]-w[ \t]+|` +
        String.raw`zip\b[^\r\n|;&]{0,200}?[ \t](?:-P|--password)[ \t]+|` +
        String.raw`7z[ \t][^\r\n|;&]{0,200}?[ \t]-p(?=[^\s-])|` +
        String.raw`ssh-keygen\b[^\r\n|;&]{0,200}?[ \t]-N[ \t]+|` +
        String.raw`smbclient\b[^\r\n|;&]{0,200}?[ \t](?:-U|--user)[ \t]*[^\s%"']{1,64}%|` +
        String.raw`-pass(?:in|out)[ \t]+pass:)` +
        // The value: not an option (`-p --authenticationDatabase`, `-p` prompting).
        String.raw`["']?([^\s"'\`\-][^\s"'\`]{3,255})`,
      "g",
    ),
    secretGroup: 1,
    validate: plainPassword,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "netrc-password",
    description: "password in a .netrc entry (machine … login … password …)",
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["pass"],
    anchor: "keyword",
    gate: netrcPasswordAhead,
    // Anchored on "password"; the lookbehind holds the entry's `machine` (or `default`) and its
    // `login` (or `account`, `port`) fields, on one line or several (real or escaped line
    // breaks, line-number prefixes): prose such as "machine learning password" has none.
    pattern: new RegExp(
      String.raw`(?<=(?<![\w.-])(?:machine[ \t]+[^\s\\]{1,253}|default)` +
        String.raw`(?:${GAP}(?:login|account|port)[ \t]+[^\s\\]{1,256}){1,3}${GAP})` +
        String.raw`password[ \t]+([^\s\\"']{1,256})`,
      "g",
    ),
    secretGroup: 1,
    validate: plainPassword,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "powershell-plaintext-password",
    description: 'plain-text password in PowerShell (ConvertTo-SecureString "…" -AsPlainText)',
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["convertto-securestring"],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`ConvertTo-SecureString(?:[ \t]+-Force\b){0,2}(?:` +
        String.raw`[ \t]+-AsPlainText\b(?:[ \t]+-Force\b){0,2}[ \t]+(?:-String[ \t]+)?` +
        String.raw`(?<q>["'])(?<v>[^"'\r\n]{4,256})\k<q>|` +
        String.raw`[ \t]+(?:-String[ \t]+)?(?<q>["'])(?<v>[^"'\r\n]{4,256})\k<q>` +
        String.raw`(?=(?:[ \t]+-Force\b){0,2}[ \t]+-AsPlainText\b))`,
      "gi",
    ),
    secretGroup: "v",
    validate: plainPassword,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "xml-config-secret",
    description:
      'secret-looking value in an XML config entry (<add key="…Password|Secret|Token|ApiKey…" ' +
      'value="…">)',
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: ["<add"],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`<add[ \t]+key=(?<q>["'])[\w.:-]{0,60}?` +
        String.raw`(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|credentials?|` +
        String.raw`(?:access|private|auth|encryption|signing|master|client|app|license)[_-]?key)` +
        GENERIC_NOT + String.raw`[\w.:-]{0,40}\k<q>[ \t]+value=(?<r>["'])` +
        String.raw`(?<v>[^"'<>\r\n]{1,4096})\k<r>`,
      "gi",
    ),
    secretGroup: "v",
    validate: (value) => looksLikeSecretValue(value, true) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },

  {
    id: "name-value-secret",
    description:
      "secret-looking value in a name/value pair whose name holds a secret word (Kubernetes and " +
      "Compose env lists, ECS task definitions: name: API_TOKEN / value: …)",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: GENERIC_KEYWORDS,
    anchor: "keyword",
    gate: nameFieldBefore,
    // Anchored on the secret word inside the name; the lookbehind holds `name:` and the name's
    // start. The value field follows after a comma (JSON) or on a next line (YAML).
    pattern: new RegExp(
      String.raw`(?<=(?<![\w-])name["']?[ \t]*[:=][ \t]*["']?[\w.-]{0,40})` + GENERIC_NAME +
        GENERIC_NOT + String.raw`[\w.-]{0,40}["']?[ \t]*` +
        String.raw`(?:,[ \t]*|(?:\r?\n|\\[rn])(?:[ \t+]|\d{1,7}(?:→|\t|[:|] ?)){0,40})` +
        String.raw`["']?value["']?[ \t]*[:=][ \t]*` +
        String.raw`(?:(?<q>["'])(?<v>[^"'\s\\]{1,4096})\k<q>|(?<v>[^\s"'\`,;&\\<}]{1,4096}))`,
      "gi",
    ),
    secretGroup: "v",
    validate: (value, match) =>
      looksLikeSecretValue(value, isLiteralValue(value, match)) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "sql-password",
    description: "password in SQL (IDENTIFIED BY '…', WITH PASSWORD '…', PASSWORD('…'))",
    group: "secret",
    category: "database",
    severity: "high",
    keywords: ["identified", "pass"],
    anchor: "keyword",
    gate: sqlPasswordAhead,
    pattern: new RegExp(
      String.raw`(?<![\w-])(?:identified[ \t]+(?:with[ \t]+\w{1,40}[ \t]+)?by|password)` +
        String.raw`[ \t]*\(?[ \t]*(?<q>['"])(?<v>[^'"\s\\]{4,128})\k<q>`,
      "gi",
    ),
    secretGroup: "v",
    validate: plainPassword,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "php-define-secret",
    description: "secret-looking value in a PHP define() (wp-config.php DB_PASSWORD, AUTH_KEY…)",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: ["define"],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`define[ \t]*\([ \t]*(?<q>['"])[A-Z0-9_]{0,40}` +
        String.raw`(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|KEY|SALT|NONCE)[A-Z0-9_]{0,40}\k<q>` +
        String.raw`[ \t]*,[ \t]*(?<r>['"])(?<v>(?:(?!\k<r>)[^\r\n\\]){8,256})\k<r>`,
      "g",
    ),
    secretGroup: "v",
    validate: (value) => looksLikeSecretValue(value, true) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "setter-secret",
    description: 'secret-looking literal passed to a setter or builder (setPassword("…"), ' +
      ".withApiKey(\"…\"), set_secret('…'))",
    group: "secret",
    category: "generic",
    severity: "medium",
    keywords: ["pass", "secret", "token", "api_key", "api-key", "apikey", "credential"],
    anchor: "keyword",
    gate: literalCallAhead,
    // Anchored on the secret word; the lookbehind holds `set`/`with` and the name's start.
    pattern: new RegExp(
      String.raw`(?<=(?<![A-Za-z])(?:set|with)[A-Za-z_]{0,20})` +
        String.raw`(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|credentials?)` + GENERIC_NOT +
        String.raw`[A-Za-z_]{0,20}[ \t]*\([ \t]*(?<q>["'])(?<v>[^"'\s\\]{8,4096})\k<q>[ \t]*[,)]`,
      "gi",
    ),
    secretGroup: "v",
    validate: (value) => looksLikeSecretValue(value, true) && !isKnownExample(value),
    priority: PRIORITY_GENERIC,
  },
  {
    id: "basic-auth-pair",
    description: 'password in a user/password pair given to an HTTP client (auth=("user", "…"), ' +
      'HTTPBasicAuth("user", "…"))',
    group: "secret",
    category: "auth",
    severity: "high",
    keywords: ["auth=(", "auth = (", "basicauth("],
    anchor: "keyword",
    pattern: new RegExp(
      String.raw`(?:auth[ \t]*=[ \t]*\(|basicauth\()[ \t]*(?<q>["'])[^"'\s\\]{1,64}\k<q>[ \t]*,` +
        String.raw`[ \t]*(?<r>["'])(?<v>[^"'\s\\]{4,128})\k<r>[ \t]*\)`,
      "gi",
    ),
    secretGroup: "v",
    validate: plainPassword,
    priority: PRIORITY_STRUCTURAL,
  },

  // ----- personal data ------------------------------------------------------------------------
  {
    id: "email-address",
    description: "email address (personal data)",
    group: "pii",
    category: "pii",
    severity: "low",
    aliases: ["email"],
    keywords: ["@"],
    anchor: "keyword",
    gate: emailAround,
    // Anchored on the "@" for speed; the lookahead inside the lookbehind captures the whole address.
    pattern: new RegExp(
      String.raw`(?<=(?<![A-Za-z0-9._%+-]|:\/\/)(?=([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@` +
        String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}` +
        String.raw`(?![A-Za-z0-9-]|\.[A-Za-z0-9]|:[\w~\/])))[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@`,
      "g",
    ),
    secretGroup: 1,
    validate: personalEmail,
    priority: PRIORITY_PII,
  },
  {
    id: "phone-number",
    description: "phone number (personal data)",
    group: "pii",
    category: "pii",
    severity: "low",
    aliases: ["phone"],
    keywords: [],
    anchor: "digits",
    digits: 10,
    pattern:
      /(?<![\w+.\-\/#])(?:\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\)|[ .-]?\d{1,4})(?:[ .-]?\d{2,4}){2,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}([.-])\d{3}\1\d{4})(?![\w\-\/]|[.:]\d)/g,
    validate: phoneNumber,
    priority: PRIORITY_PII,
  },
  {
    id: "phone-number-labelled",
    description: "phone number after a phone label (personal data)",
    group: "pii",
    category: "pii",
    severity: "low",
    aliases: ["phone"],
    keywords: ["phone", "tel", "mobile", "cell", "fax", "whatsapp", "sms"],
    anchor: "keyword",
    pattern:
      /(?:phone|tel(?:ephone)?|mobile|cell(?:phone)?|fax|whatsapp|sms)(?:[ _-]?(?:number|num|no))?\.?["']?[ \t]*[:=#]?[ \t]*["']?(\+?\(?\d[\d ().-]{5,18}\d)(?![\d\w])/gi,
    secretGroup: 1,
    validate: phoneAfterKeyword,
    priority: PRIORITY_PII,
  },
  {
    id: "payment-card",
    description: "payment card number (Luhn-valid, known issuer prefix)",
    group: "pii",
    category: "pii",
    severity: "high",
    aliases: ["card"],
    keywords: [],
    anchor: "digits",
    digits: 13,
    pattern:
      /\d(?<![\w.+-]\d)(?<!\d,\d)(?:\d{12,18}|\d{3}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{3}([ -])\d{6}\2\d{4,5})(?![\w]|[.,]\d)/g,
    validate: isPaymentCard,
    priority: PRIORITY_PII,
  },
];
