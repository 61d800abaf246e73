import assert from "node:assert/strict";
import { RULES, scanText } from "../../src/scan/mod.ts";
import { assertNoLeak, fakeGithubToken, fakePem, ruleIds } from "./_helpers.ts";
import { FORMATS } from "./corpus/formats.ts";

/** One positive sample per rule: the text to scan, the secret inside it, its shown prefix. */
interface Sample {
  text: string;
  secret: string;
  prefix?: string;
  preview: string;
}

const awsId = "AKIA" + "Z7QW3XR5".repeat(2);
const awsSecret = "wJa1rXUtnF" + "Qm9/K7MDnG/bPxRfiCY" + "zzKEYab12Zq";
const fineGrained = "github_pat_" + "11ABCDEFG0".repeat(3) + "_" + "Zx9".repeat(10);
const genericValue = "q8Zr2" + "Lm9Xv4Tp";
const bearer = "abc123" + "XYZ789def" + "456ghi";
const basic = btoa("deploy:" + "hunter22x");
const urlPassword = "s3cr3t" + "Pw0rd";
const email = "jane.roe" + "@" + "acme-corp.io";
// Luhn-valid, a known issuer prefix, and not a documented test card (those are not flagged).
const card = "4539" + "5787" + "6362" + "1486";
const openai = "sk-proj-" + "Ab1Cd2Ef3G".repeat(5);
const anthropic = "sk-ant-" + "api03-" + "Zq9_Xw8-Vu7".repeat(8);
const slack = "xoxb-" + "1234567890" + "12-123456789" + "0123-" + "AbCdEfGhIjKlMnOp";
const stripe = "sk_" + "live_" + "4eC39HqLyjW" + "DarjtT1zdp7dc";
const google = "AIza" + "Sy" + "A1b2C3d4E5".repeat(3) + "f6G";
const npm = "npm_" + "Ab1Cd2Ef3G".repeat(3) + "h4Ij5K";
const pypi = "pypi-" + "AgEIcHlwaS5vcmc" + "CJ8Zq1".repeat(10);
const jwt = "eyJhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "." +
  "Sf1Kx" + "wRJSMeKKF2QT4fwpMeJf36POk6yJ";
const lumeraKey = "0f1e2d3c4b5a6978".repeat(4);
const mnemonic = "abandon ability able about above absent absorb abstract absurd abuse access " +
  "accident";
const slackHook = "https://hooks.slack.com/services/" + "T0ABC1234/" + "B0DEF5678/" +
  "aBcD".repeat(6);
const gitlab = "glpat-" + "x9Yz".repeat(5);
const mysqlPw = "S3cret" + "Pw!";
const cliValue = "S3cr3t" + "V4lue";

const SAMPLES: Record<string, Sample[]> = {
  "private-key": [
    { text: fakePem(), secret: fakePem(), prefix: "-----BEGIN", preview: "-----BEGIN…(" },
    {
      text: fakePem("OPENSSH PRIVATE KEY"),
      secret: fakePem("OPENSSH PRIVATE KEY"),
      prefix: "-----BEGIN",
      preview: "-----BEGIN…(",
    },
    {
      text: fakePem("PGP PRIVATE KEY BLOCK").replace("\n", "\nVersion: Fake 1.0\n\n"),
      secret: fakePem("PGP PRIVATE KEY BLOCK"),
      prefix: "-----BEGIN",
      preview: "-----BEGIN…(",
    },
    {
      text: fakePem("PRIVATE KEY"),
      secret: fakePem("PRIVATE KEY"),
      prefix: "-----BEGIN",
      preview: "-----BEGIN…(",
    },
  ],
  "aws-access-key-id": [{
    text: `aws_access_key_id = ${awsId}`,
    secret: awsId,
    prefix: "AKIA",
    preview: "AKIA…(20 chars)",
  }],
  "aws-secret-access-key": [
    { text: `aws_secret_access_key = ${awsSecret}`, secret: awsSecret, preview: "…(40 chars)" },
    { text: `{"SecretAccessKey": "${awsSecret}"}`, secret: awsSecret, preview: "…(40 chars)" },
    {
      text: `AWS Secret Access Key [None]: ${awsSecret}`,
      secret: awsSecret,
      preview: "…(40 chars)",
    },
  ],
  "github-token": ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map((p) => ({
    text: `export GH_TOKEN=${fakeGithubToken(p)}`,
    secret: fakeGithubToken(p),
    prefix: p,
    preview: `${p}…(40 chars)`,
  })),
  "github-fine-grained-token": [{
    text: fineGrained,
    secret: fineGrained,
    prefix: "github_pat_",
    preview: "github_pat_…(72 chars)",
  }],
  "gitlab-token": [{
    text: gitlab,
    secret: gitlab,
    prefix: "glpat-",
    preview: "glpat-…(26 chars)",
  }],
  "anthropic-api-key": [{
    text: `ANTHROPIC_API_KEY=${anthropic}`,
    secret: anthropic,
    prefix: "sk-ant-",
    preview: `sk-ant-…(${anthropic.length} chars)`,
  }],
  "openai-api-key": [{
    text: `key: ${openai}`,
    secret: openai,
    prefix: "sk-proj-",
    preview: "sk-proj-…(58 chars)",
  }],
  "slack-token": [{
    text: slack,
    secret: slack,
    prefix: "xoxb-",
    preview: `xoxb-…(${slack.length} chars)`,
  }],
  "slack-webhook": [{
    text: `curl -X POST ${slackHook}`,
    secret: slackHook,
    prefix: "https://hooks.slack.com/services/",
    // The value starts at the host: "https://" is not part of it.
    preview: `…(${slackHook.length - "https://".length} chars)`,
  }],
  "stripe-secret-key": [{
    text: stripe,
    secret: stripe,
    prefix: "sk_live_",
    preview: `sk_live_…(${stripe.length} chars)`,
  }],
  "google-api-key": [{ text: google, secret: google, prefix: "AIza", preview: "AIza…(39 chars)" }],
  "npm-token": [{
    text: `//registry.npmjs.org/:_authToken=${npm}`,
    secret: npm,
    prefix: "npm_",
    preview: "npm_…(40 chars)",
  }],
  "pypi-token": [{
    text: `password = ${pypi}`,
    secret: pypi,
    prefix: "pypi-AgEIcHlwaS5vcmc",
    preview: `pypi-…(${pypi.length} chars)`,
  }],
  "jwt": [{
    text: `id_token=${jwt}`,
    secret: jwt,
    prefix: "eyJ",
    preview: `eyJ…(${jwt.length} chars)`,
  }],
  "lumera-memory-key": [{
    text: `LUMERA_MEMORY_KEY=${lumeraKey}`,
    secret: lumeraKey,
    preview: "…(64 chars)",
  }],
  "mnemonic-phrase": [{
    text: `mnemonic: "${mnemonic}"`,
    secret: mnemonic,
    preview: `…(${mnemonic.length} chars)`,
  }],
  "authorization-header": [
    {
      text: `curl -H "Authorization: Bearer ${bearer}" https://api.acme.io`,
      secret: bearer,
      preview: `Bearer…(${bearer.length + 7} chars)`,
    },
    {
      text: `Authorization: Basic ${basic}`,
      secret: basic,
      preview: `Basic…(${basic.length + 6} chars)`,
    },
    {
      text: `headers = {"authorization": "token ${bearer}"}`,
      secret: bearer,
      preview: `Token…(${bearer.length + 6} chars)`,
    },
  ],
  "url-credentials": [{
    text: `DATABASE_URL=postgres://app:${urlPassword}@db.acme.io:5432/prod`,
    secret: urlPassword,
    preview: "…(11 chars)",
  }],
  "bearer-token": [{
    text: `send it with Bearer ${bearer} as the header`,
    secret: bearer,
    preview: `Bearer…(${bearer.length + 7} chars)`,
  }],
  "generic-secret-assignment": [
    { text: `api_key=${genericValue}`, secret: genericValue, preview: "…(13 chars)" },
    { text: `apikey: "${genericValue}"`, secret: genericValue, preview: "…(13 chars)" },
    { text: `token: ${genericValue}`, secret: genericValue, preview: "…(13 chars)" },
    { text: `secret='${genericValue}'`, secret: genericValue, preview: "…(13 chars)" },
    { text: `password=${genericValue}`, secret: genericValue, preview: "…(13 chars)" },
    { text: `passwd ${"="} ${genericValue}`, secret: genericValue, preview: "…(13 chars)" },
    { text: `POSTGRES_PASSWORD=${genericValue}`, secret: genericValue, preview: "…(13 chars)" },
    { text: `"client_secret": "${genericValue}"`, secret: genericValue, preview: "…(13 chars)" },
    { text: `accessToken := "${genericValue}"`, secret: genericValue, preview: "…(13 chars)" },
  ],
  "cli-secret-flag": [{
    text: `app login --password ${cliValue}`,
    secret: cliValue,
    preview: "…(11 chars)",
  }],
  "mysql-password-flag": [{
    text: `mysql -u root -h db -p${mysqlPw} app`,
    secret: mysqlPw,
    preview: "…(9 chars)",
  }],
  "password-in-prose": [{
    text: `the staging db password is ${mysqlPw}7 btw`,
    secret: `${mysqlPw}7`,
    preview: "…(10 chars)",
  }],
  "email-address": [{ text: `mail ${email} today`, secret: email, preview: "…@…(21 chars)" }],
  "payment-card": [
    { text: `card ${card} exp 12/29`, secret: card, preview: "…(16 digits)" },
    {
      text: `card ${card.replace(/(\d{4})(?=\d)/g, "$1 ")}`,
      secret: card,
      preview: "…(16 digits)",
    },
    {
      text: `card ${card.replace(/(\d{4})(?=\d)/g, "$1-")}`,
      secret: card,
      preview: "…(16 digits)",
    },
    { text: "amex 3714 296351 82076", secret: "371429635182076", preview: "…(15 digits)" },
    { text: "mc 5223819072645313", secret: "5223819072645313", preview: "…(16 digits)" },
  ],
};

Deno.test("every rule has a stable id, a global pattern, readable metadata and positive samples", () => {
  const ids = new Set<string>();
  const withFormat = new Set(FORMATS.map((f) => f.rule));
  for (const rule of RULES) {
    assert.match(rule.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.ok(!ids.has(rule.id), `duplicate rule id ${rule.id}`);
    ids.add(rule.id);
    assert.ok(rule.pattern.global, `${rule.id} pattern must be global`);
    assert.ok(rule.description.length > 0);
    assert.ok(rule.category !== undefined && rule.severity !== undefined, `${rule.id} metadata`);
    for (const k of rule.keywords) {
      assert.ok(/^[\x20-\x7e]{3,}$/.test(k) || k === "@", `${rule.id} keyword shape`);
    }
    if (rule.anchor === "digits") assert.ok((rule.digits ?? 0) > 0, `${rule.id} digits`);
    assert.ok(
      SAMPLES[rule.id]?.length || withFormat.has(rule.id),
      `no positive sample or corpus format for rule ${rule.id}`,
    );
  }
  for (const id of Object.keys(SAMPLES)) assert.ok(ids.has(id), `sample for unknown rule ${id}`);
});

Deno.test("the rule table covers at least 60 credential formats", () => {
  const secretFormats = FORMATS.filter((f) => f.kind !== "pii");
  assert.ok(secretFormats.length >= 60, `only ${secretFormats.length} secret formats`);
  assert.ok(RULES.filter((r) => r.group === "secret").length >= 60);
});

for (const [id, samples] of Object.entries(SAMPLES)) {
  Deno.test(`rule ${id}: positive samples are found once, masked, without leaking`, () => {
    samples.forEach((s, i) => {
      const findings = scanText(s.text);
      assert.deepEqual(ruleIds(findings), [id], `${id} sample ${i}`);
      const f = findings[0];
      assert.equal(f.path, "(text)");
      if (s.preview.endsWith(")")) assert.equal(f.preview, s.preview, `${id} sample ${i}`);
      else assert.ok(f.preview.startsWith(s.preview), `${id} sample ${i} preview`);
      assertNoLeak(findings, s.secret, `${id} sample ${i}`, s.prefix);
    });
  });
}

Deno.test("JSON-escaped private keys are found (raw JSONL, and JSON inside JSON)", () => {
  for (const kind of ["RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"]) {
    const pem = fakePem(kind);
    const once = JSON.stringify({ type: "tool_result", content: pem });
    assert.ok(once.includes("\\n"));
    const f1 = scanText(once);
    assert.deepEqual(ruleIds(f1), ["private-key"]);
    assert.deepEqual([f1[0].line, f1[0].column], [1, once.indexOf("-----BEGIN") + 1]);
    assertNoLeak(f1, pem, kind, "-----BEGIN");
    const twice = JSON.stringify({ line: once });
    const f2 = scanText(twice);
    assert.deepEqual(ruleIds(f2), ["private-key"]);
    assertNoLeak(f2, pem, kind, "-----BEGIN");
  }
});

Deno.test("secrets in raw JSONL with escaped quotes are found", () => {
  const inner = JSON.stringify({ password: genericValue, user: "bob" });
  const line = JSON.stringify({ type: "assistant", text: inner });
  assert.ok(line.includes('\\"password\\"'));
  const findings = scanText(line);
  assert.deepEqual(ruleIds(findings), ["generic-secret-assignment"]);
  assertNoLeak(findings, genericValue, "jsonl");
});

Deno.test("a specific rule wins over a generic one on the same secret", () => {
  const gh = fakeGithubToken();
  const cases: [string, string, string][] = [
    [`GITHUB_TOKEN=${gh}`, "github-token", gh],
    [`token: "${gh}"`, "github-token", gh],
    [`Authorization: token ${gh}`, "github-token", gh],
    [`git clone https://x-access-token:${gh}@github.com/o/r.git`, "github-token", gh],
    [`Authorization: Bearer ${jwt}`, "jwt", jwt],
    [`aws_secret_access_key=${awsSecret}`, "aws-secret-access-key", awsSecret],
    [`OPENAI_API_KEY=${openai}`, "openai-api-key", openai],
    [`https://bob:${urlPassword}@mail.acme.io/`, "url-credentials", urlPassword],
  ];
  for (const [text, id, secret] of cases) {
    const findings = scanText(text);
    assert.deepEqual(ruleIds(findings), [id], `expected only ${id}`);
    assertNoLeak(findings, secret, id, secret.slice(0, 4));
  }
});

Deno.test("placeholders, env references and templates are not flagged", () => {
  const texts = [
    "token: ${GITHUB_TOKEN}",
    "password=changeme",
    "api_key=<your-key>",
    "API_KEY=<YOUR_API_KEY>",
    "secret={{ token }}",
    "secret: {{ .Values.secret }}",
    "passwd=***",
    "password: ********",
    "token=...",
    "api_key=xxxxxxxxxxxxxxxx",
    "api_key=XXXX-XXXX-XXXX",
    "api_key=os.getenv('API_KEY')",
    'password = os.environ["DB_PASSWORD"]',
    "secret=process.env.SECRET",
    "const token = process.env.GITHUB_TOKEN!;",
    'const key = Deno.env.get("LUMERA_MEMORY_KEY");',
    "token: string;",
    "password: str",
    "password = request.form['password']",
    "api_key: self.api_key",
    "token = get_token()",
    "TOKEN=$(gh auth token)",
    "PASSWORD=$DB_PASSWORD",
    "client_secret: your_client_secret_here",
    "secret: my-secret-name",
    "secretName: db-credentials",
    "password: hashedPassword",
    "password=None",
    "token: null",
    "Authorization: Bearer ${token}",
    "Authorization: Bearer <token>",
    "Authorization: Bearer YOUR_TOKEN_HERE",
    'headers: { Authorization: "Bearer " + token }',
    "curl -H 'Authorization: Bearer $API_TOKEN' https://api.acme.io",
    "postgres://postgres:postgres@localhost:5432/db",
    "mysql://root:root@127.0.0.1/app",
    "https://user:${PASSWORD}@db.acme.io/",
    "https://user:<password>@db.acme.io/",
    "redis://:password@localhost:6379",
    "ssh://git@github.com/owner/repo.git",
    "https://alice@github.com/owner/repo.git",
    "mysql -u root -p",
    "mysql -uroot -p$MYSQL_PWD",
    '"input_tokens": 12345678, "max_tokens": 4096, "token_type": "Bearer"',
    "token_count=123456789",
    "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')",
    "TOKEN_URL=https://auth.acme.io/oauth/token",
    "password_min_length: 12",
    "credentials: kEnumerableProperty,",
    "response.requestIncludesCredentials = includeCredentials",
    'const expectedType = secret ? "secret" : requiresPrivateKey ? "private" : "public";',
    'def f(private_key: "_EllipticCurvePrivateKey", data: bytes)',
    ":type passphrase: :py:data:`bytes`",
    "token_number = self.tokens_taken+len(self.tokens)",
    "const createToken = (password, readonly, cidrs) => 1",
    "//registry.acme.io/:_authToken=MYTOKEN1",
    "Authorization: OAuth oauth_token=234lsdkf....",
    "https://abc:xyz@example.com/",
    "AWS key " + "AKIA" + "IOSFODNN7" + "EXAMPLE" + " from the docs",
    "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY",
    "if (pem.startsWith('-----BEGIN PRIVATE KEY-----')) return;",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
  ];
  for (const t of texts) {
    assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t}`);
  }
});

Deno.test("prose about tokens and passwords is not flagged", () => {
  const texts = [
    "set your API token in the settings page",
    "The password must be at least 12 characters long.",
    "Password: please enter it twice",
    "Token: the access token is stored in the keychain.",
    "We rotate the secret key every 90 days; the API key lives in Vault.",
    "Bearer tokens are sent in the Authorization header.",
    "Use a credential helper so git never asks for the password.",
    "The mnemonic: a phrase that helps you remember something",
  ];
  for (const t of texts) assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t}`);
});

Deno.test("hashes, ids and integrity strings are not flagged", () => {
  const sha1 = "3f2a9c0b1d4e5f60718293a4b5c6d7e8f9012345";
  const sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const integrity = "sha512-" + "Ab3+Zk9/".repeat(11) + "==";
  const texts = [
    `commit ${sha1}`,
    `git checkout ${sha1.slice(0, 7)} && git log ${sha1}`,
    `id: 550e8400-e29b-41d4-a716-446655440000`,
    `"session_id": "0191d2a4-7c3b-7f1e-9a2b-3c4d5e6f7a8b"`,
    `sha256:${sha256}`,
    `"checksum": "${sha256}"`,
    `"integrity": "${integrity}"`,
    `resolved "https://registry.npmjs.org/zod/-/zod-4.6.7.tgz#${sha1}"`,
    `cascade://${sha256}`,
    `"timestamp": 1717171717171, "size": 1234567890123`,
    "version 1.2.3-beta.4+build.5678",
    "npm:zod@4.6.7 and @types/node@20.11.5",
  ];
  for (const t of texts) assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t}`);
});

Deno.test("emails: SSH remotes, no-reply, example domains and asset names are not flagged", () => {
  const texts = [
    "git@github.com:owner/repo.git",
    "remote: git@gitlab.com",
    "scp build.tar deploy@build.acme.io:/srv/releases",
    "Co-Authored-By: Claude <noreply@anthropic.com>",
    "12345+octocat@users.noreply.github.com",
    "mail alice@example.com or bob@test.example.org",
    "user@localhost and root@server.local",
    "icon@2x.png and logo@3x.webp",
    "user@host",
  ];
  for (const t of texts) assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t}`);
  assert.deepEqual(ruleIds(scanText("ping jane@acme.io or ops-team+alerts@mail.acme.co.uk")), [
    "email-address",
    "email-address",
  ]);
});

Deno.test("documented test cards and dummy phone numbers are not personal data", () => {
  const texts = [
    'expect(z.string().creditCard().parse("4111 1111 1111 1111")).toBe(true);',
    "Use 4242 4242 4242 4242 with any future date and any CVC.",
    '["Mastercard", "5555555555554444"], ["AmEx", "378282246310005"]',
    '["Discover", "6011111111111117"], ["JCB", "3530111333300000"], ["Diners", "30569309025904"]',
    "declined: 4000 0000 0000 0002; insufficient funds: 4000000000009995",
    'parse("+15555555555"); parse("+1 555 555 5555")',
  ];
  for (const t of texts) assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t}`);
});

Deno.test("card-like numbers failing Luhn or without a known issuer are not flagged", () => {
  const texts = [
    "4111 1111 1111 1112",
    "4111111111111112",
    "1234 5678 9012 3456",
    "9999999999999995",
    "0000 0000 0000 0000",
    "4111 1111-1111 1111",
    "score 0.4111111111111111",
    "order 41111111111111111111111",
  ];
  for (const t of texts) assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t}`);
  assert.deepEqual(ruleIds(scanText("4539 5787 6362 1486")), ["payment-card"]);
  // A phone number is personal data of its own kind, never a card.
  assert.deepEqual(ruleIds(scanText("phone +1 415 555 0123")), ["phone-number"]);
});

Deno.test("no rule repeats a group or a backreference without bound (backtracking stack)", () => {
  for (const rule of RULES) {
    const src = rule.pattern.source;
    const unbounded = /(\)|\\k<\w+>|\\\d)(\*|\+|\{\d+,\})/.exec(src);
    assert.equal(unbounded, null, `${rule.id}: unbounded repetition at ${unbounded?.index}`);
  }
});
