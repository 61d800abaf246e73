/**
 * The scanner's rule table: what counts as a secret or as personal data.
 *
 * Rules are data. To add one, append an entry to {@link RULES} with a stable kebab-case id, a
 * keyword prefilter (the rule's regex only runs when the lowercased text contains one of its
 * keywords), a global regex and, where a regex alone would be noisy, a `validate` function over the
 * captured value. Write regexes that cannot backtrack badly: anchor them on a literal or a
 * lookbehind, and bound every repetition that can meet its own continuation.
 *
 * Choices worth knowing:
 * - Generic assignments (`password=…`, `api_key: …`) need a value that looks random (length,
 *   Shannon entropy, a digit or a symbol, or long mixed case) and that is not a placeholder or a
 *   reference (`changeme`, `<your-key>`, `${VAR}`, `{{ x }}`, `process.env.X`, `os.getenv(…)`).
 *   Lower-case identifiers such as `db-credentials` are treated as names, not secrets, and digits
 *   alone (token counts) are never a secret.
 * - Email addresses skip SSH remotes (`git@github.com`, and any `user@host:path` scp target),
 *   user names in URLs (`https://alice@github.com/…`), no-reply addresses (commit trailers),
 *   reserved or placeholder domains (RFC 2606/6761, `domain.com`, `test.com`) and asset names such
 *   as `icon@2x.png`: these are not personal data.
 * - Card numbers must pass Luhn and start with a known IIN (Visa, Mastercard, Amex, Discover).
 * - URL passwords that are well-known defaults (`postgres`, `root`, `password`, …), or whose host is
 *   a reserved example domain, are not flagged.
 * - AWS's documented example keys (ending in `EXAMPLE`/`EXAMPLEKEY`) are not flagged.
 *
 * @module
 */

import { luhnValid } from "./luhn.ts";
import { shannonEntropy } from "./entropy.ts";

/** Whether a rule finds secrets (credentials, keys) or personal data. */
export type RuleGroup = "secret" | "pii";

/** One detection rule. */
export interface Rule {
  /** Stable kebab-case id, reported in findings. Never rename one. */
  readonly id: string;
  /** Human description, reported in findings. */
  readonly description: string;
  /** Secret or personal data. */
  readonly group: RuleGroup;
  /**
   * Lowercase prefilter: the rule only runs when the lowercased text contains one of these.
   * Empty means the rule always runs.
   */
  readonly keywords: readonly string[];
  /** The matcher; must have the global (`g`) flag. */
  readonly pattern: RegExp;
  /** Capture group holding the secret value (default 0, the whole match). */
  readonly secretGroup?: number;
  /** Extra check on the captured value; a match is only reported when this returns true. */
  readonly validate?: (value: string) => boolean;
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
// Value checks
// ---------------------------------------------------------------------------------------------

/** Values that are defaults or documentation, not secrets (compared lowercased). */
const DEFAULT_VALUES = new Set([
  "password",
  "passwd",
  "pass",
  "pwd",
  "secret",
  "token",
  "apikey",
  "api_key",
  "changeme",
  "change_me",
  "change-me",
  "changeit",
  "example",
  "placeholder",
  "default",
  "admin",
  "administrator",
  "root",
  "toor",
  "guest",
  "user",
  "username",
  "test",
  "testing",
  "dummy",
  "postgres",
  "mysql",
  "redis",
  "mongo",
  "rabbitmq",
  "sa",
  "null",
  "none",
  "nil",
  "undefined",
  "true",
  "false",
  "string",
  "str",
  "required",
  "optional",
  "redacted",
  "hidden",
  "masked",
  "secret123",
  "password123",
  "password1",
]);

/** Substrings that mark a placeholder or a masked value (compared lowercased). */
const PLACEHOLDER_PARTS: readonly string[] = [
  "xxx",
  "***",
  "...",
  "…",
  "•••",
  "changeme",
  "change_me",
  "change-me",
  "your_",
  "your-",
  "yourapi",
  "yourtoken",
  "yoursecret",
  "yourpass",
  "mytoken",
  "my_token",
  "my-token",
  "mysecret",
  "my_secret",
  "my-secret",
  "mypassword",
  "my_password",
  "my-password",
  "example",
  "placeholder",
  "dummy",
  "redacted",
  "replace_me",
  "replace-me",
  "replaceme",
  "replace_with",
  "insert_",
  "insert-",
  "<",
  ">",
  "${",
  "{{",
  "}}",
  "%(",
  "os.getenv",
  "os.environ",
  "process.env",
  "deno.env",
  "getenv(",
  "env(",
  "env[",
  "env.",
  "secrets.",
  "vault:",
  "keyring",
];

/**
 * A dotted member chain (`self.token`, `config.api.key!`) or a call/index (`getToken(`,
 * `env["X"]`). Values containing a call (`a+len(b)`) are caught separately.
 */
const CODE_REFERENCE =
  /^(?:[A-Za-z_$][\w$]*(?:(?:\?\.|\.|::|->)[A-Za-z_$][\w$]*)+[!?;]*|[A-Za-z_$][\w$.]*\s*[([].*)$/;
/** Words in camelCase or PascalCase (`includeCredentials`, `AccessTokenProvider`): code names. */
const CAMEL_WORDS = /^_*(?:[a-z]+|[A-Z][a-z]{2,})(?:[A-Z][a-z]{2,})+$/;

/**
 * True when `value` is a placeholder, a masked value, a default, an environment or template
 * reference, or code that reads a secret from elsewhere.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  if (DEFAULT_VALUES.has(v)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/^[$%@&(\[{:]/.test(value)) return true;
  if (/[A-Za-z0-9_]\(/.test(value)) return true;
  for (const p of PLACEHOLDER_PARTS) if (v.includes(p)) return true;
  if (CODE_REFERENCE.test(value)) return true;
  return false;
}

function isPathLike(value: string): boolean {
  return /^(?:\/|~\/|\.\.?\/|[A-Za-z]:[\\/])/.test(value) || value.includes("://");
}

function stripQuotes(value: string): string {
  return value.replace(/^["'`]+/, "").replace(/["'`.,;:)\]}>]+$/, "");
}

/**
 * True when `value` looks like a real secret in a `name = value` position: at least 8 characters,
 * not a placeholder, reference, path or number, random enough by Shannon entropy, and with a digit
 * or symbol (or, when at least 16 long, mixed case that is not CamelCase words).
 */
export function looksLikeSecretValue(raw: string): boolean {
  const value = stripQuotes(raw);
  const n = value.length;
  if (n < 8 || n > 4096) return false;
  if (/^\d+$/.test(value)) return false;
  if (isPlaceholder(raw) || isPlaceholder(value) || isPathLike(value)) return false;
  const h = shannonEntropy(value);
  if (h < (n < 16 ? 2.5 : 3.0)) return false;
  const hasDigit = /\d/.test(value);
  const hasSymbol = /[^A-Za-z0-9_.\-]/.test(value);
  if (hasDigit || hasSymbol) return true;
  return n >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value) && !CAMEL_WORDS.test(value);
}

function randomToken(minEntropy: number): (value: string) => boolean {
  return (value) => /\d/.test(value) && shannonEntropy(value) >= minEntropy;
}

function notAwsExample(value: string): boolean {
  return !/EXAMPLE/.test(value);
}

function awsSecret(value: string): boolean {
  if (!notAwsExample(value)) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/\d/.test(value)) classes++;
  return classes >= 3 && shannonEntropy(value) >= 3.5;
}

function authCredential(value: string): boolean {
  const m = /^\S+\s+(\S+)$/.exec(value);
  if (!m) return false;
  const cred = m[1];
  return cred.length >= 8 && !isPlaceholder(cred) && shannonEntropy(cred) >= 2.5;
}

function urlPassword(value: string): boolean {
  return value.length > 0 && !isPlaceholder(value);
}

function mysqlPassword(value: string): boolean {
  return value.length >= 4 && !isPlaceholder(value);
}

function mnemonic(value: string): boolean {
  const words = value.trim().split(/\s+/);
  return [12, 15, 18, 21, 24].includes(words.length) && value === value.toLowerCase();
}

/** Reserved or non-personal email domains (RFC 2606 / 6761 and asset-name look-alikes). */
const EMAIL_SKIP_DOMAIN =
  /(?:^|\.)(?:(?:example|domain|yourdomain|test)\.(?:com|org|net)|[^.]+\.(?:example|test|invalid|localhost|local|internal)|users\.noreply\.github\.com)$|\.(?:png|jpe?g|gif|svg|webp|ico|bmp|tiff?|avif|js|mjs|cjs|jsx|ts|tsx|json|css|scss|less|html?|txt|lock|ya?ml|toml|map|wasm|pdf|zip|gz|tgz|mp[34]|mov|woff2?|ttf|otf)$/i;

function personalEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  const local = value.slice(0, at).toLowerCase();
  const domain = value.slice(at + 1).toLowerCase();
  if (local === "git") return false;
  if (/^(?:no-?reply|do-?not-?reply)(?:[+.-]|$)/.test(local) || domain.includes("noreply")) {
    return false;
  }
  return !EMAIL_SKIP_DOMAIN.test(domain);
}

/** True for a Luhn-valid 13–19 digit number with a Visa, Mastercard, Amex or Discover prefix. */
export function isPaymentCard(value: string): boolean {
  const seps = value.match(/[ -]/g);
  if (seps && new Set(seps).size > 1) return false;
  const d = value.replace(/[ -]/g, "");
  const n = d.length;
  if (n < 13 || n > 19 || /^(\d)\1*$/.test(d)) return false;
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  const three = Number(d.slice(0, 3));
  const known = (d[0] === "4" && (n === 13 || n === 16 || n === 19)) ||
    (((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) && n === 16) ||
    ((two === 34 || two === 37) && n === 15) ||
    ((four === 6011 || two === 65 || (three >= 644 && three <= 649)) && n >= 16);
  return known && luhnValid(d);
}

// ---------------------------------------------------------------------------------------------
// Pattern pieces
// ---------------------------------------------------------------------------------------------

/** Separator between a name and its value: `=`, `:`, `:=`, `=>`, with optional quotes. */
const SEP = String.raw`\\?["'\]]{0,2}[ \t]{0,5}(?::=|=>|[:=])(?![=:])[ \t]{0,5}\\?["'\`]?`;

/** Names that hold secrets in generic assignments. */
const GENERIC_NAME = String.raw`(?:pass(?:word|wd|phrase)|pwd|secret|token|api[_-]?key|` +
  String
    .raw`(?:access|private|auth|encryption|signing|master|client|app|license)[_-]?key|credentials?)`;

/** Name suffixes that make the value metadata, not a secret (`token_count`, `secret_name`). */
const GENERIC_NOT = String.raw`(?![\w.-]*?(?:count|limit|type|url|uri|endpoint|path|file|name|` +
  String.raw`len|length|ttl|expir|usage|size|index|policy|less|ref|helper|header|version|prefix|` +
  String.raw`iz(?:e|er|ed|ing)|id\b))`;

/** Token68 characters (RFC 7235) for authorization credentials. */
const TOKEN68 = String.raw`[A-Za-z0-9\-._~+\/]+=*`;

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** Every rule the scanner applies, in reporting order for equal priorities. */
export const RULES: readonly Rule[] = [
  {
    id: "private-key",
    description: "private key block (PEM, OpenSSH or PGP)",
    group: "secret",
    keywords: ["private key"],
    pattern: new RegExp(
      String.raw`-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[rn])*` +
        String.raw`(?:[A-Za-z][A-Za-z0-9-]{0,40}:[^\r\n\\]{0,200}(?:\s|\\[rn])+)*` +
        String.raw`[A-Za-z0-9+\/=]{24,}` +
        String
          .raw`(?:(?:[A-Za-z0-9+\/=]|\s|\\[rn]){0,65536}?-----END[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----)?`,
      "g",
    ),
  },
  {
    id: "aws-access-key-id",
    description: "AWS access key id",
    group: "secret",
    keywords: ["akia", "asia", "abia", "acca"],
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    validate: notAwsExample,
  },
  {
    id: "aws-secret-access-key",
    description: "AWS secret access key (40-character key next to an AWS/secret key name)",
    group: "secret",
    keywords: ["aws", "secret"],
    pattern: new RegExp(
      String.raw`(?:aws[_ -]?secret(?:[_ -]?access)?(?:[_ -]?key)?|secret[_ -]?access[_ -]?key)` +
        String.raw`[^\r\n]{0,40}?(?<![A-Za-z0-9\/+])([A-Za-z0-9\/+]{40})(?![A-Za-z0-9\/+=])`,
      "gi",
    ),
    secretGroup: 1,
    validate: awsSecret,
  },
  {
    id: "github-token",
    description: "GitHub token (personal, OAuth, user-to-server, server-to-server or refresh)",
    group: "secret",
    keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/g,
  },
  {
    id: "github-fine-grained-token",
    description: "GitHub fine-grained personal access token",
    group: "secret",
    keywords: ["github_pat_"],
    pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])/g,
  },
  {
    id: "gitlab-token",
    description: "GitLab personal access token",
    group: "secret",
    keywords: ["glpat-"],
    pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])/g,
  },
  {
    id: "anthropic-api-key",
    description: "Anthropic API key",
    group: "secret",
    keywords: ["sk-ant-"],
    pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{32,255}(?![A-Za-z0-9_-])/g,
  },
  {
    id: "openai-api-key",
    description: "OpenAI API key",
    group: "secret",
    keywords: ["sk-"],
    pattern:
      /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,255}|[A-Za-z0-9]{32,255})(?![A-Za-z0-9_-])/g,
    validate: randomToken(3.5),
  },
  {
    id: "slack-token",
    description: "Slack token",
    group: "secret",
    keywords: ["xox"],
    pattern: /(?<![A-Za-z0-9_-])xox[abeoprs]-[A-Za-z0-9-]{10,255}(?![A-Za-z0-9_-])/g,
    validate: randomToken(3.0),
  },
  {
    id: "slack-webhook",
    description: "Slack incoming-webhook URL",
    group: "secret",
    keywords: ["hooks.slack.com"],
    pattern:
      /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g,
  },
  {
    id: "stripe-secret-key",
    description: "Stripe secret or restricted key",
    group: "secret",
    keywords: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
    pattern: /(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,255}(?![A-Za-z0-9_])/g,
  },
  {
    id: "google-api-key",
    description: "Google API key",
    group: "secret",
    keywords: ["aiza"],
    pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
  },
  {
    id: "npm-token",
    description: "npm access token",
    group: "secret",
    keywords: ["npm_"],
    pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g,
  },
  {
    id: "pypi-token",
    description: "PyPI API token",
    group: "secret",
    keywords: ["pypi-"],
    pattern: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
  },
  {
    id: "jwt",
    description: "JSON Web Token",
    group: "secret",
    keywords: ["eyj"],
    pattern:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])/g,
  },
  {
    id: "lumera-memory-key",
    description: "lumera-memory master key (LUMERA_MEMORY_KEY value)",
    group: "secret",
    keywords: ["lumera_memory_key"],
    pattern: new RegExp(
      String.raw`LUMERA_MEMORY_KEY${SEP}([0-9a-fA-F]{64})(?![0-9a-fA-F])`,
      "g",
    ),
    secretGroup: 1,
  },
  {
    id: "mnemonic-phrase",
    description: "wallet seed / recovery phrase",
    group: "secret",
    keywords: ["mnemonic", "seed", "recovery", "phrase"],
    pattern: new RegExp(
      String
        .raw`(?:mnemonic|seed[ _-]?phrase|recovery[ _-]?phrase|secret[ _-]?phrase)\w{0,20}${SEP}` +
        String.raw`((?:[a-z]{3,8}[ \t]+){11,23}[a-z]{3,8})(?![a-z]|[ \t]+[a-z])`,
      "gi",
    ),
    secretGroup: 1,
    validate: mnemonic,
  },
  {
    id: "authorization-header",
    description: "credential in an Authorization header (Bearer, Basic or token)",
    group: "secret",
    keywords: ["authorization"],
    pattern: new RegExp(
      String.raw`(?<![\w-])(?:proxy-)?authorization${SEP}((?:bearer|basic|token)[ \t]+${TOKEN68})`,
      "gi",
    ),
    secretGroup: 1,
    validate: authCredential,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "url-credentials",
    description: "password in a URL (scheme://user:password@host)",
    group: "secret",
    keywords: ["://"],
    pattern:
      /(?<=[A-Za-z0-9]):\/\/[^\s:\/?#@"'`<>\\]{1,256}:([^\s\/?#@"'`<>\\]{1,256})@(?!(?:[\w-]+\.)*example\.(?:com|org|net)\b)[A-Za-z0-9[]/g,
    secretGroup: 1,
    validate: urlPassword,
    priority: PRIORITY_STRUCTURAL,
  },
  {
    id: "bearer-token",
    description: "bearer token",
    group: "secret",
    keywords: ["bearer"],
    pattern: new RegExp(String.raw`(?<![\w-])bearer[ \t]+[A-Za-z0-9\-._~+\/]{20,}=*`, "gi"),
    validate: (value) => {
      const cred = value.replace(/^\S+\s+/, "");
      return authCredential(value) && /\d/.test(cred) && shannonEntropy(cred) >= 3.0;
    },
    priority: PRIORITY_GENERIC,
  },
  {
    id: "generic-secret-assignment",
    description: "secret-looking value assigned to a password/token/secret/API-key name",
    group: "secret",
    keywords: ["pass", "pwd", "secret", "token", "key", "credential"],
    pattern: new RegExp(
      GENERIC_NAME + GENERIC_NOT + String.raw`[\w.-]{0,40}?` + SEP +
        String.raw`([^\s"'\`,;&\\]{1,4096})`,
      "gi",
    ),
    secretGroup: 1,
    validate: looksLikeSecretValue,
    priority: PRIORITY_GENERIC,
  },
  {
    id: "cli-secret-flag",
    description: "secret-looking value passed as a --password/--token/--secret command-line flag",
    group: "secret",
    keywords: ["-pass", "-token", "-secret", "-api"],
    pattern: new RegExp(
      String
        .raw`(?<![\w-])--?(?:password|passwd|pass|token|auth-token|access-token|api-key|apikey|` +
        String.raw`secret|client-secret)[ \t]+["']?([^\s"'\`]{8,4096})`,
      "gi",
    ),
    secretGroup: 1,
    validate: looksLikeSecretValue,
    priority: PRIORITY_GENERIC,
  },
  {
    id: "mysql-password-flag",
    description: "password given to a MySQL client as -p<password>",
    group: "secret",
    keywords: ["mysql"],
    pattern: /\bmysql(?:dump|admin|sh)?\b[^\r\n]{0,200}?[ \t]-p([^\s"'`\-][^\s"'`]{3,255})/g,
    secretGroup: 1,
    validate: mysqlPassword,
    priority: PRIORITY_GENERIC,
  },
  {
    id: "email-address",
    description: "email address (personal data)",
    group: "pii",
    keywords: ["@"],
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
    id: "payment-card",
    description: "payment card number (Luhn-valid, known issuer prefix)",
    group: "pii",
    keywords: [],
    pattern:
      /\d(?<![\w.,+-]\d)(?:\d{12,18}|\d{3}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{3}([ -])\d{6}\2\d{4,5})(?![\w]|[.,]\d)/g,
    validate: isPaymentCard,
    priority: PRIORITY_PII,
  },
];
