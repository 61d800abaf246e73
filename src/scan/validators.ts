/**
 * Checks on matched values: what separates a real credential or personal datum from a
 * placeholder, a reference, an identifier, a hash or prose. Rules in `rules.ts` use these as
 * their `validate` functions.
 *
 * Choices worth knowing:
 * - A value in a `name = value` position must look random for its alphabet (Shannon entropy
 *   against what a random string of that length and alphabet would reach), must not be a
 *   placeholder (`changeme`, `<your-key>`, `${VAR}`, `{{ x }}`, `xxxx`, `…`), a reference
 *   (`process.env.X`, `os.getenv(…)`, `self.token`), a path, a date, a version, a run of
 *   sequential or repeated characters, or a phrase made of common words (`test_key_123`).
 * - A provider token recognised by its fixed prefix only has to avoid being an obvious
 *   placeholder: its format is already specific.
 * - Documented example credentials (the jwt.io token, Stripe's and Google's documentation keys,
 *   AWS's `…EXAMPLE` keys) are recognised by their fingerprint or their marker, never reported.
 *
 * @module
 */

import { shannonEntropy } from "./entropy.ts";
import { luhnValid } from "./luhn.ts";
import { base62Crc32Valid } from "./checksum.ts";

// ---------------------------------------------------------------------------------------------
// Placeholders and references
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
  "letmein",
  "qwerty",
  "hunter2",
  "foobar",
]);

/** Substrings that mark a placeholder or a masked value (compared lowercased). */
const PLACEHOLDER_PARTS: readonly string[] = [
  "xxxx",
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
  "yourkey",
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
  "${",
  "#{", // Ruby interpolation, Octopus / Azure DevOps variable substitution (`#{Secret}#`)
  "put your", // wp-config.php sample: "put your unique phrase here"
  "unique phrase",
  "{{",
  "}}",
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

/** {@link PLACEHOLDER_PARTS} as one regex (on the lowercased value). */
const PLACEHOLDER_PART = new RegExp(
  PLACEHOLDER_PARTS.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
);

/**
 * Placeholder shapes: `<your-key>`, `%(name)s`, an `xxx` standing alone (`sk-xxx`, `xxx-xxx`).
 */
const PLACEHOLDER_SHAPES =
  /<[^<>]{0,60}>|^[<>]|%\(\w+\)[sdr]|(?:^|[^A-Za-z0-9])[xX]{3}(?:$|[^A-Za-z0-9])/;

/**
 * A dotted member chain (`self.token`, `config.api.key!`, `this.#key`) or a call/index
 * (`getToken(`, `env["X"]`). Values containing a call (`a+len(b)`) are caught separately.
 */
const CODE_REFERENCE =
  /^(?:[A-Za-z_$][\w$]*(?:(?:\?\.|\.|::|->)#?[A-Za-z_$][\w$]*)+[!?;]*|[A-Za-z_$][\w$.#]*\s*[([].*)$/;
/** Words in camelCase or PascalCase (`includeCredentials`, `AccessTokenProvider`): code names. */
const CAMEL_WORDS = /^_*(?:[a-z]+|[A-Z][a-z]{2,})(?:[A-Z][a-z]{2,})+$/;

/**
 * True when `value` is a placeholder, a masked value, a default, an environment or template
 * reference, or (unless `literal`: the value was quoted or sits in a `.env` line, so it is not
 * code) code that reads a secret from elsewhere.
 */
export function isPlaceholder(value: string, literal = false): boolean {
  const v = value.toLowerCase();
  if (DEFAULT_VALUES.has(v)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/^[$%@&(\[{:]/.test(value)) return true;
  if (PLACEHOLDER_PART.test(v) || PLACEHOLDER_SHAPES.test(value)) return true;
  if (literal) return false;
  if (/[A-Za-z0-9_]\(/.test(value)) return true;
  if (CODE_REFERENCE.test(value)) return true;
  return false;
}

/**
 * Placeholder marks inside the random part of a prefixed token: runs of `x`, `*`, `.`, `0` or
 * one repeated character, template syntax, masking characters and placeholder words. Looser
 * than {@link isPlaceholder} (a random token may contain `xxx` by chance, not `xxxx`).
 */
const TOKEN_PLACEHOLDER_MARK = /\*\*|\.\.\.|…|•|[<>{}$]/;
/**
 * The runs of x and placeholder words of {@link TOKEN_PLACEHOLDER_MARK}, in any case, apart:
 * two small regexes run faster than one with every alternative.
 */
const TOKEN_PLACEHOLDER_WORD =
  /xxxx|your|example|sample|dummy|placeholder|redacted|insert|replace|changeme|fake|token_?here|key_?here/i;

/** Per UTF-16 code unit: the call of {@link plausibleTokenBody} that last saw it. */
const SEEN = new Int32Array(65536);
let seenStamp = 0;

/**
 * True when the random part of a prefixed token is plausible: not a placeholder, a run of six
 * identical characters, a sequence ({@link isSequential}) or made of fewer than three distinct
 * characters. Placeholders show early, so only the first 160 characters of a long body are read
 * for them. The last three checks share one pass over the characters.
 */
export function plausibleTokenBody(body: string): boolean {
  if (body.length === 0) return false;
  const head = body.length > 160 ? body.slice(0, 160) : body;
  if (TOKEN_PLACEHOLDER_MARK.test(head) || TOKEN_PLACEHOLDER_WORD.test(head)) return false;
  const n = head.length;
  if (++seenStamp === 0x7fffffff) {
    SEEN.fill(0);
    seenStamp = 1;
  }
  let prev = head.charCodeAt(0);
  SEEN[prev] = seenStamp;
  let distinct = 1;
  let run = 1;
  let steps = 0;
  for (let i = 1; i < n; i++) {
    const c = head.charCodeAt(i);
    const d = c - prev;
    if (d === 0) {
      if (++run >= 6) return false;
    } else {
      run = 1;
    }
    if (d >= -1 && d <= 1) steps++;
    if (SEEN[c] !== seenStamp) {
      SEEN[c] = seenStamp;
      distinct++;
    }
    prev = c;
  }
  if (n >= 6 && steps >= 0.6 * (n - 1)) return false;
  return distinct >= 3;
}

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/**
 * True when at least 60% of adjacent characters step by 0 or ±1 (`abcdef123456`,
 * `1234567890abcdef`, `aaaabbbb`): sequences people type, not random values.
 */
export function isSequential(value: string): boolean {
  const n = value.length;
  if (n < 6) return false;
  let steps = 0;
  for (let i = 1; i < n; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d >= -1 && d <= 1) steps++;
  }
  return steps >= 0.6 * (n - 1);
}

/** True when `value` repeats a chunk of at most a third of its length (`abc1abc1abc1`). */
function isPeriodic(value: string): boolean {
  const n = value.length;
  for (let p = 1; p * 3 <= n; p++) {
    let ok = true;
    for (let i = p; i < n; i++) {
      if (value.charCodeAt(i) !== value.charCodeAt(i - p)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/** Size of the smallest common alphabet `value` is drawn from (10, 16, 26, 36, 62 or 94). */
function alphabetSize(value: string): number {
  if (/^[0-9]*$/.test(value)) return 10;
  if (/^[0-9a-f]*$/.test(value) || /^[0-9A-F]*$/.test(value)) return 16;
  if (/^[a-z]*$/.test(value) || /^[A-Z]*$/.test(value)) return 26;
  if (/^[a-z0-9]*$/.test(value) || /^[A-Z0-9]*$/.test(value)) return 36;
  if (/^[A-Za-z0-9]*$/.test(value)) return 62;
  return 94;
}

/**
 * True when the Shannon entropy of `value` reaches `factor` × log2(min(length, alphabet)): the
 * most a string of that length over that alphabet can have, scaled. Random strings sit near 0.85
 * of it; words, identifiers and repetitive values well below.
 */
export function randomEnough(value: string, factor = 0.75): boolean {
  const n = value.length;
  if (n < 2) return false;
  const k = alphabetSize(value);
  return shannonEntropy(value) >= factor * Math.log2(Math.min(n, k));
}

/** Common English and programming words that make up placeholder-like values. */
const WORDS = new Set(
  (
    "a an the my your our his her its their this that some any new old test tests testing tester " +
    "demo sample example examples dummy fake mock stub foo bar baz qux quux abc xyz api apis key " +
    "keys secret secrets token tokens pass passwd password passwords pwd admin user users root " +
    "dev devel develop development prod production stage staging local localhost default temp tmp " +
    "value values here goes go change changed replace insert put super top very random string " +
    "hello world welcome letmein qwerty access auth oauth app apps application client server " +
    "service services db database data private public shared session cookie jwt signing sign " +
    "encryption encrypt decrypt master live sandbox internal external web site main base config " +
    "setting settings env environment var variable name names id ids my_ not real valid invalid " +
    "please set get use using only for from with and or to of in on at is it be do no yes ok " +
    "one two three four five six seven eight nine ten first second last next prev previous " +
    "account accounts login logout sign signup signin admin123 guest info basic bearer credential " +
    "credentials pat personal webhook hook hooks url uri link path file files dir folder " +
    "project projects repo repository org team company acme corp inc cloud aws gcp azure github " +
    "gitlab slack stripe google openai anthropic npm docker k8s kube kubernetes redis postgres " +
    "mysql mongo mongodb rabbit queue cache bucket storage upload download read write admin_pass " +
    "supersecret topsecret verysecret secretkey apikey authtoken accesstoken refresh refreshtoken " +
    "should be must will would could can need needs needed todo fixme tbd none null empty blank " +
    "argon bcrypt scrypt pbkdf hkdf hmac sha aes gcm cbc rsa ecdsa chacha poly blake crc base hex " +
    "utf ascii json yaml http https tls ssl ssh jwt uuid node deno python java golang rust linux " +
    "ubuntu debian alpine amd arm win mac ios android chrome firefox safari sqlite react vue next " +
    "vite webpack babel eslint docker compose helm terraform consul nginx apache kafka elastic " +
    "grafana sentry version release beta alpha final latest stable"
  ).split(/\s+/),
);

/** {@link WORDS} as a trie over lowercase letters: node → 26 children (0 = none), end flags. */
const WORD_TRIE: { next: Int32Array; end: Uint8Array } = (() => {
  const next: number[] = new Array(26).fill(0);
  const end: number[] = [0];
  for (const w of WORDS) {
    if (!/^[a-z]+$/.test(w)) continue;
    let node = 0;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i) - 97;
      let child = next[node * 26 + c];
      if (child === 0) {
        child = end.length;
        end.push(0);
        for (let j = 0; j < 26; j++) next.push(0);
        next[node * 26 + c] = child;
      }
      node = child;
    }
    end[node] = 1;
  }
  return { next: Int32Array.from(next), end: Uint8Array.from(end) };
})();

/**
 * The share (0–1) of letters in `value` that belong to common words ({@link WORDS}), found by a
 * greedy longest-match segmentation of each letter run.
 */
function wordShare(value: string): number {
  const { next, end } = WORD_TRIE;
  const lower = value.toLowerCase();
  const n = lower.length;
  let letters = 0;
  let covered = 0;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i) - 97;
    if (c < 0 || c >= 26) {
      i++;
      continue;
    }
    letters++;
    // Longest word starting at i.
    let node = 0;
    let best = 0;
    for (let j = i; j < n; j++) {
      const d = lower.charCodeAt(j) - 97;
      if (d < 0 || d >= 26) break;
      node = next[node * 26 + d];
      if (node === 0) break;
      if (end[node] === 1) best = j - i + 1;
    }
    if (best >= 2) {
      covered += best;
      letters += best - 1;
      i += best;
    } else {
      i++;
    }
  }
  return letters === 0 ? 0 : covered / letters;
}

/** True for a value built from common words, separators and at most 4 digits (`test_key_123`). */
function isWordy(value: string): boolean {
  if (/[^A-Za-z0-9_.\-]/.test(value)) return false;
  const digits = value.replace(/\D/g, "").length;
  return digits <= 4 && wordShare(value) >= 0.8;
}

/** The passwords every tutorial uses, once leetspeak, case and a short suffix are undone. */
const NOTORIOUS = new Set(
  ("password passwd passw pass welcome letmein qwerty admin secret changeme iloveyou sunshine " +
    "dragon monkey football baseball summer winter spring autumn master hello login test guest " +
    "default root abc")
    .split(" "),
);

/**
 * True for a notorious example password: `P@ssw0rd!`, `Password123!`, `Summer2024!`,
 * `Welcome1` — a word from {@link NOTORIOUS} in any case or leetspeak, then at most 4 digits and
 * 2 punctuation marks.
 */
function isNotoriousPassword(value: string): boolean {
  const core = value.replace(/[!?.#*@$]{0,2}$/, "").replace(/\d{0,4}$/, "")
    .replace(/[!?.#*@$_-]{0,2}$/, "").toLowerCase();
  const plain = core.replace(/[@4]/g, "a").replace(/0/g, "o").replace(/[1!]/g, "i")
    .replace(/[$5]/g, "s").replace(/3/g, "e").replace(/7/g, "t");
  return NOTORIOUS.has(plain);
}

function isPathLike(value: string): boolean {
  return /^(?:\/|~\/|\.\.?\/|[A-Za-z]:[\\/])/.test(value) || value.includes("://");
}

/** ISO dates and times, versions, IP addresses and durations: never secrets. */
const NOT_SECRET_SHAPE =
  /^(?:\d{4}-\d\d-\d\d(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?|v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?|\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?|\d+(?:ms|s|m|h|d|w|y)|sha(?:1|256|384|512)[:-].*|[a-z]+(?:[-_][a-z]+)+)$/;

/**
 * True when the `value` captured at the end of `match` is a literal: quoted, or assigned in a
 * `.env`-style `UPPER_NAME=value` line.
 */
export function isLiteralValue(value: string, match: string): boolean {
  const at = match.lastIndexOf(value);
  const before = at > 0 ? match.charAt(at - 1) : "";
  return before === '"' || before === "'" || before === "`" || /^[A-Z][A-Z0-9_]*=/.test(match);
}

function stripQuotes(value: string): string {
  return value.replace(/^["'`]+/, "").replace(/["'`.,;:)\]}>]+$/, "");
}

/** Segments of an identifier: an acronym, a (capitalised) word, or a number. */
const NAME_SEGMENT = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g;

/** Words of type and variable names, besides {@link WORDS}. */
const CODE_WORDS = new Set(
  (
    "uint int float double long short char bool boolean str array arrays buffer bytes byte bits " +
    "hash hashed hasher digest nonce salt seed cipher crypto payload message msg raw encoded " +
    "decoded encoder decoder encode decode result results response request req res params param " +
    "options opts state store handler fn func callback type types schema model entity record " +
    "item items list map set vec slice text number promise future async stream reader writer " +
    "input output optional maybe nullable readonly partial ref box handle len length count size " +
    "max min pair round pub priv point scalar field sig signature signer verify verifier curve " +
    "frost schnorr bls secp ed wallet address provider derive derived child parent leaf proof " +
    "share shares threshold issued expires expired invalid error errors opaque key_ id_ hex64 " +
    "object obj instance class interface impl util utils helper spec specs fixture fixtures " +
    "cred creds pwd hash256 lookup from to at by as new old prev cur current"
  ).split(/\s+/),
);

/**
 * True for a code name: an identifier whose parts are all known words (of type and variable
 * names) and at most two numbers (`Uint8Array`, `Ed25519PrivateKey`, `round1Public`,
 * `JWTPayload2`) — a type or a variable written where a value would go (`secretKey: Uint8Array`).
 * Random values practically never qualify.
 */
export function isCodeName(value: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(value) || !/[a-z]/.test(value)) return false;
  let numbers = 0;
  let parts = 0;
  for (const part of value.replace(/[_$]/g, " ").match(NAME_SEGMENT) ?? []) {
    parts++;
    if (part.charCodeAt(0) <= 57) {
      if (++numbers > 2) return false;
      continue;
    }
    const word = part.toLowerCase();
    if (word.length < 2 || (!WORDS.has(word) && !CODE_WORDS.has(word))) return false;
  }
  return parts >= 2;
}

/**
 * True when `value` looks like a real secret in a `name = value` position: at least 8
 * characters, not a placeholder, reference, path, number, date or version, random enough for its
 * alphabet, not sequential, periodic or made of common words, and with a digit or symbol (or,
 * when at least 16 long, mixed case that is not CamelCase words). `literal`: the value is known
 * to be a literal (quoted, or in a `.env` line), so code-like shapes do not clear it.
 */
export function looksLikeSecretValue(raw: string, literal = false): boolean {
  const value = stripQuotes(raw);
  const n = value.length;
  if (n < 8 || n > 4096) return false;
  if (/^\d+$/.test(value)) return false;
  if (
    isPlaceholder(value, literal) || (raw !== value && isPlaceholder(raw, literal)) ||
    isPathLike(value)
  ) {
    return false;
  }
  if (NOT_SECRET_SHAPE.test(value)) return false;
  if (!literal && isCodeName(value)) return false;
  const h = shannonEntropy(value);
  if (h < (n < 16 ? 2.5 : 3.0)) return false;
  if (isSequential(value) || isPeriodic(value) || isWordy(value)) return false;
  if (isNotoriousPassword(value)) return false;
  const hasDigit = /\d/.test(value);
  const hasSymbol = /[^A-Za-z0-9_.\-]/.test(value);
  if (hasDigit || hasSymbol) return true;
  return n >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value) && !CAMEL_WORDS.test(value);
}

/**
 * A stricter {@link looksLikeSecretValue} for weak names (`SOMETHING_KEY`): at least 16
 * characters, random for its alphabet, with letters and digits.
 */
export function looksLikeStrongSecret(raw: string, literal = false): boolean {
  const value = stripQuotes(raw);
  if (value.length < 16 || !looksLikeSecretValue(value, literal)) return false;
  return /[A-Za-z]/.test(value) && /\d/.test(value) && randomEnough(value, 0.8);
}

/** A random-looking token: a digit and at least `minEntropy` bits per character. */
export function randomToken(minEntropy: number): (value: string) => boolean {
  return (value) =>
    /\d/.test(value) && shannonEntropy(value) >= minEntropy && plausibleTokenBody(value);
}

// ---------------------------------------------------------------------------------------------
// Format-specific checks
// ---------------------------------------------------------------------------------------------

/**
 * GitHub classic-format tokens (`ghp_` and friends, 40 characters) carry a CRC-32: a valid one
 * proves the format. A token without it (a hand-made or truncated copy, other lengths) is still
 * reported when its random part is plausible, so the checksum never hides a credential.
 */
export function githubToken(value: string): boolean {
  if (value.length === 40 && base62Crc32Valid(value, value.slice(0, 4))) return true;
  return plausibleTokenBody(value.slice(4));
}

/** npm tokens carry the same CRC-32 as GitHub's; see {@link githubToken}. */
export function npmToken(value: string): boolean {
  if (base62Crc32Valid(value, "npm_")) return true;
  return plausibleTokenBody(value.slice(4));
}

/** AWS documentation keys end in `EXAMPLE` / `EXAMPLEKEY`. */
function notAwsExample(value: string): boolean {
  return !/EXAMPLE/.test(value);
}

/** An AWS access key id: not the documented example, and random after its 4-letter prefix. */
export function awsKeyId(value: string): boolean {
  return notAwsExample(value) && plausibleTokenBody(value.slice(4));
}

/** A 40-character AWS secret access key: lower, upper and digits, random, not an example. */
export function awsSecret(value: string): boolean {
  if (!notAwsExample(value)) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/\d/.test(value)) classes++;
  return classes >= 3 && shannonEntropy(value) >= 3.5 && plausibleTokenBody(value);
}

/** Decodes standard or URL-safe base64 (padding optional) to a binary string, or undefined. */
export function decodeBase64(value: string): string | undefined {
  let s = value.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) return undefined;
  while (s.length % 4 !== 0) s += "=";
  try {
    return atob(s);
  } catch {
    return undefined;
  }
}

/** True when every character of `s` is printable ASCII, tab, CR or LF. */
export function isPrintable(s: string): boolean {
  return /^[\x20-\x7e\t\r\n]*$/.test(s);
}

/** `Bearer x`, `Basic x`, `token x`: the credential after the scheme is not a placeholder. */
export function authCredential(value: string): boolean {
  const m = /^(\S+)\s+(\S+)$/.exec(value);
  if (!m) return false;
  const cred = m[2];
  if (cred.length < 8 || isPlaceholder(cred) || shannonEntropy(cred) < 2.5) return false;
  if (m[1].toLowerCase() === "basic") return basicCredential(cred);
  return true;
}

/** Well-known documentation `user:password` pairs behind `Basic` headers. */
const EXAMPLE_BASIC =
  /^(?:user(?:name)?|admin|foo|test|demo|aladdin|client_?id):(?:pass(?:word)?|admin|bar|test|secret|demo|open ?sesame|client_?secret|)$/i;

/**
 * A `Basic` credential: when it decodes to `user:password`, the password must not be empty, a
 * placeholder or a documentation pair; other values only need to look random.
 */
function basicCredential(cred: string): boolean {
  const decoded = decodeBase64(cred);
  if (decoded === undefined || !isPrintable(decoded) || !decoded.includes(":")) {
    return shannonEntropy(cred) >= 3.0;
  }
  if (EXAMPLE_BASIC.test(decoded)) return false;
  const password = decoded.slice(decoded.indexOf(":") + 1);
  return password.length > 0 && !isPlaceholder(password) && !/^\$/.test(password);
}

/** Credentials in a URL: not empty, a placeholder or a default. */
export function urlPassword(value: string): boolean {
  return value.length > 0 && !isPlaceholder(value);
}

/**
 * A password written where only a password can be (a command's password flag, a `.netrc`
 * `password` field, a plain-text PowerShell string): 4 characters or more, not a placeholder,
 * default value or reference (`$PASSWORD`, `%PASS%`, `{{ pass }}`). No randomness is required,
 * as the place says what it is.
 */
export function plainPassword(value: string): boolean {
  return value.length >= 4 && !isPlaceholder(value);
}

/** A BIP-39-shaped phrase: 12, 15, 18, 21 or 24 lowercase words. */
export function mnemonic(value: string): boolean {
  const words = value.trim().split(/\s+/);
  return [12, 15, 18, 21, 24].includes(words.length) && value === value.toLowerCase() &&
    new Set(words).size >= words.length * 0.75;
}

/**
 * A JSON Web Token: its header decodes to a JSON object (`{"alg":…}`), its signature part is
 * not a placeholder.
 */
export function jwt(value: string): boolean {
  const parts = value.split(".");
  if (parts.length < 3) return false;
  const header = decodeBase64(parts[0]);
  if (header === undefined || !/^\s*\{/.test(header)) return false;
  return plausibleTokenBody(parts[2]);
}

/**
 * A Discord bot token: `<base64 user id>.<timestamp>.<hmac>`; the first part, when it decodes,
 * must decode to a numeric snowflake id, and the rest must be plausible.
 */
export function discordBotToken(value: string): boolean {
  const [id, , mac] = value.split(".");
  const decoded = decodeBase64(id);
  if (decoded !== undefined && isPrintable(decoded) && !/^\d{15,21}$/.test(decoded)) return false;
  return /\d/.test(id + mac) && plausibleTokenBody(mac ?? "");
}

/**
 * An Azure shared access signature `sig=`: percent-decoded, base64 (of a 32-byte HMAC-SHA256:
 * 43 characters and `=`; any 40 to 90 are accepted) that is not a placeholder.
 */
export function azureSasSignature(value: string): boolean {
  let v: string;
  try {
    v = decodeURIComponent(value);
  } catch {
    return false;
  }
  return /^[A-Za-z0-9+/]{40,90}={0,2}$/.test(v) && plausibleTokenBody(v);
}

/** A base64 blob that decodes to a PEM private key (`LS0tLS1CRUdJTi…`). */
export function base64PrivateKey(value: string): boolean {
  const head = decodeBase64(value.slice(0, 64).replace(/=+$/, "").slice(0, 60));
  return head !== undefined && /^-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY/.test(head);
}

/** A docker / npm `auth` value: base64 of `user:password` with a non-placeholder password. */
export function dockerAuth(value: string): boolean {
  const decoded = decodeBase64(value);
  if (decoded === undefined || !isPrintable(decoded)) return false;
  const i = decoded.indexOf(":");
  if (i <= 0) return false;
  const password = decoded.slice(i + 1);
  return password.length >= 4 && !isPlaceholder(password);
}

// ---------------------------------------------------------------------------------------------
// Personal data
// ---------------------------------------------------------------------------------------------

/** Reserved or non-personal email domains (RFC 2606 / 6761 and asset-name look-alikes). */
const EMAIL_SKIP_DOMAIN =
  /(?:^|\.)(?:(?:example|domain|yourdomain|yourcompany|company|email|test)\.(?:com|org|net)|[^.]+\.(?:example|test|invalid|localhost|local|internal)|users\.noreply\.github\.com|gserviceaccount\.com)$|\.(?:png|jpe?g|gif|svg|webp|ico|bmp|tiff?|avif|js|mjs|cjs|jsx|ts|tsx|json|css|scss|less|html?|txt|lock|ya?ml|toml|map|wasm|pdf|zip|gz|tgz|mp[34]|mov|woff2?|ttf|otf)$/i;

/** Local parts of role or placeholder addresses (`noreply`, `you`, `user`, `name`…). */
const EMAIL_SKIP_LOCAL =
  /^(?:no-?reply|do-?not-?reply|git|you|your[._-]?(?:name|email)?|user(?:name)?|name|email|someone|somebody|foo|bar|test|example|me|x+)(?:[+.-]|$)/;

/** A personal email address: not an SSH remote, a no-reply or example address, or an asset. */
export function personalEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  const local = value.slice(0, at).toLowerCase();
  const domain = value.slice(at + 1).toLowerCase();
  if (EMAIL_SKIP_LOCAL.test(local) || domain.includes("noreply")) return false;
  return !EMAIL_SKIP_DOMAIN.test(domain);
}

/**
 * True for a Luhn-valid 13–19 digit number with a known issuer prefix (Visa, Mastercard, Amex,
 * Discover, JCB, Diners Club, UnionPay, Mir) and one kind of separator at most.
 */
export function isPaymentCard(value: string): boolean {
  const seps = value.match(/[ -]/g);
  if (seps && new Set(seps).size > 1) return false;
  const d = value.replace(/[ -]/g, "");
  const n = d.length;
  if (n < 13 || n > 19 || /^(\d)\1*$/.test(d)) return false;
  if (TEST_CARDS.has(d) || LONG_DIGIT_RUN.test(d)) return false;
  const two = Number(d.slice(0, 2));
  const three = Number(d.slice(0, 3));
  const four = Number(d.slice(0, 4));
  const known = (d[0] === "4" && (n === 13 || n === 16 || n === 19)) ||
    (((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) && n === 16) ||
    ((two === 34 || two === 37) && n === 15) ||
    ((four === 6011 || two === 65 || (three >= 644 && three <= 649)) && n >= 16) ||
    (four >= 3528 && four <= 3589 && n >= 16) ||
    (((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39) && n >= 14) ||
    (two === 62 && n >= 16) ||
    (four >= 2200 && four <= 2204 && n >= 16);
  return known && luhnValid(d);
}

/**
 * A phone number: 10 to 15 digits (country code included), not one repeated digit and not a run
 * such as `1234567` (placeholders like `555-123-4567`, `+1 234 567 8900`).
 */
export function phoneNumber(value: string): boolean {
  const d = value.replace(/\D/g, "");
  return d.length >= 10 && d.length <= 15 && !dummyDigits(d);
}

/**
 * Seven or more identical digits in a row: a test or dummy number (`4111 1111 1111 1111`,
 * `4000 0000 0000 0002`, `+1 555 555 5555`), practically never a real card or phone number.
 */
const LONG_DIGIT_RUN = /(\d)\1{6}/;

/**
 * Documented test card numbers (Stripe, Braintree, PayPal, Adyen and others print them for
 * integration tests; they are public and belong to no one) that {@link LONG_DIGIT_RUN} does not
 * already cover. Test code and docs in transcripts are full of them.
 */
const TEST_CARDS: ReadonlySet<string> = new Set([
  "4242424242424242",
  "4000056655665556",
  "5105105105105100",
  "5200828282828210",
  "2223003122003222",
  "378282246310005",
  "371449635398431",
  "378734493671000",
  "6011000990139424",
  "3566002020360505",
  "3530111333300000",
  "30569309025904",
  "38520000023237",
  "36227206271667",
  "3056930009020004",
  "4007000000027",
]);

/** Digits that are a placeholder: one repeated digit, a long run of one, or `1234567`. */
function dummyDigits(d: string): boolean {
  return /^(\d)\1*$/.test(d) || LONG_DIGIT_RUN.test(d) ||
    /0123456|1234567|2345678|3456789|9876543|8765432|7654321/.test(d);
}

/** {@link phoneNumber} after a phone keyword: 7 digits suffice. */
export function phoneAfterKeyword(value: string): boolean {
  const d = value.replace(/\D/g, "");
  return d.length >= 7 && d.length <= 15 && !dummyDigits(d);
}
