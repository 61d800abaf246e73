import assert from "node:assert/strict";
import { comparePaths, scanRecord, scanText } from "../../src/scan/mod.ts";
import { assertNoLeak, fakeGithubToken, fakePem, ruleIds } from "./_helpers.ts";

const secretValue = "Zx8" + "Qw7Er6Ty5";
const email = "sam.smith" + "@" + "acme.io";

Deno.test("scanText: empty and clean text have no findings", () => {
  assert.deepEqual(scanText(""), []);
  assert.deepEqual(scanText("just a normal sentence about refactoring the parser"), []);
});

Deno.test("scanText: line and column are 1-based and point at the secret value", () => {
  const gh = fakeGithubToken();
  const text = `first line\n  second\n\tcfg password=${secretValue} and ${gh}\n`;
  const findings = scanText(text, "body");
  assert.deepEqual(
    findings.map((f) => [f.rule, f.path, f.line, f.column]),
    [
      ["generic-secret-assignment", "body", 3, 15],
      ["github-token", "body", 3, 32],
    ],
  );
  assertNoLeak(findings, secretValue, "line/column text");
  assertNoLeak(findings, gh, "line/column text", "ghp_");
});

Deno.test("scanText: positions found in the unescaped view map back to the raw text", () => {
  const gh = fakeGithubToken();
  const raw = JSON.stringify({ a: "x\ny", b: `line1\nline2 ${gh}` });
  const findings = scanText(raw);
  assert.deepEqual(ruleIds(findings), ["github-token"]);
  assert.equal(findings[0].line, 1);
  assert.equal(findings[0].column, raw.indexOf("ghp_") + 1);
});

Deno.test("scanText: several secrets are each reported once, sorted by position", () => {
  const gh = fakeGithubToken();
  const text = `${email} ${gh} ${email}\nkey ${gh}`;
  const findings = scanText(text);
  assert.deepEqual(ruleIds(findings), [
    "email-address",
    "github-token",
    "email-address",
    "github-token",
  ]);
  assert.deepEqual(findings.map((f) => f.line), [1, 1, 1, 2]);
  assertNoLeak(findings, gh, "repeat", "ghp_");
});

Deno.test("scanRecord: names nested field paths and sorts by path then position", () => {
  const gh = fakeGithubToken();
  const messages = Array.from({ length: 12 }, (_, i) => ({ role: "user", text: `message ${i}` }));
  messages[10].text = `token=${gh}`;
  messages[2].text = `ok\nthen mail ${email}`;
  const record = {
    schema_version: 1,
    session_id: "s-1",
    summary: `deployed with password=${secretValue}`,
    tags: ["ops", email],
    messages: [
      ...messages.slice(0, 3),
      {
        role: "assistant",
        text: "running it",
        tool_calls: [{ name: "Bash", input_summary: `export GH=${gh}` }],
      },
      ...messages.slice(4),
    ],
    body: fakePem(),
  };
  const findings = scanRecord(record);
  assert.deepEqual(
    findings.map((f) => [f.path, f.rule, f.line, f.column]),
    [
      ["body", "private-key", 1, 1],
      ["messages[2].text", "email-address", 2, 11],
      ["messages[3].tool_calls[0].input_summary", "github-token", 1, 11],
      ["messages[10].text", "github-token", 1, 7],
      ["summary", "generic-secret-assignment", 1, 24],
      ["tags[1]", "email-address", 1, 1],
    ],
  );
  assertNoLeak(findings, gh, "record", "ghp_");
  assertNoLeak(findings, secretValue, "record");
  assertNoLeak(findings, email, "record");
  assertNoLeak(findings, fakePem(), "record", "-----BEGIN");
});

Deno.test("scanRecord: secrets in object keys are found and never written into a path", () => {
  const gh = fakeGithubToken();
  const record = {
    extra: { plain: "fine", "content-type": "text/plain", [gh]: `password=${secretValue}` },
  };
  const findings = scanRecord(record);
  assert.deepEqual(
    findings.map((f) => [f.path, f.rule]),
    [
      ["extra[key #2]", "generic-secret-assignment"],
      ["extra[key #2] (key)", "github-token"],
    ],
  );
  assertNoLeak(findings, gh, "key", "ghp_");
  assert.deepEqual(scanRecord({ "content-type": `mail ${email}` }).map((f) => f.path), [
    '["content-type"]',
  ]);
});

Deno.test("scanRecord: root values, numbers, nulls and cycles", () => {
  assert.deepEqual(scanRecord(`mail ${email}`).map((f) => f.path), ["(root)"]);
  assert.deepEqual(scanRecord([`mail ${email}`]).map((f) => f.path), ["[0]"]);
  assert.deepEqual(scanRecord(null), []);
  assert.deepEqual(scanRecord({ a: 1, b: true, c: null, d: [] }), []);
  const card = Number("4539" + "5787" + "6362" + "1486"); // Luhn-valid, not a test card
  assert.deepEqual(scanRecord({ payment: { number: card } }).map((f) => [f.path, f.rule]), [
    ["payment.number", "payment-card"],
  ]);
  const cyclic: Record<string, unknown> = { text: `mail ${email}` };
  cyclic.self = cyclic;
  assert.deepEqual(ruleIds(scanRecord(cyclic)), ["email-address"]);
});

Deno.test("scanRecord: JSON-escaped PEM inside a string field (a raw transcript line)", () => {
  const line = JSON.stringify({ type: "tool_result", content: fakePem("OPENSSH PRIVATE KEY") });
  const findings = scanRecord({ messages: [{ role: "tool", text: line }] });
  assert.deepEqual(findings.map((f) => [f.path, f.rule]), [["messages[0].text", "private-key"]]);
  assertNoLeak(findings, fakePem("OPENSSH PRIVATE KEY"), "escaped pem", "-----BEGIN");
});

Deno.test("comparePaths orders array indexes numerically", () => {
  const paths = ["summary", "messages[10].text", "messages[2].text", "body", "messages[2]"];
  assert.deepEqual(paths.sort(comparePaths), [
    "body",
    "messages[2]",
    "messages[2].text",
    "messages[10].text",
    "summary",
  ]);
});

Deno.test("findings have exactly the documented fields, and a fingerprint that is not the value", () => {
  const [f] = scanText(`password=${secretValue}`);
  assert.deepEqual(Object.keys(f).sort(), [
    "column",
    "description",
    "fingerprint",
    "group",
    "line",
    "path",
    "preview",
    "rule",
  ]);
  assert.equal(f.group, "secret");
  assert.match(f.fingerprint ?? "", /^[0-9a-f]{64}$/);
  assertNoLeak([f], secretValue, "fingerprinted finding");
});

Deno.test("long texts (keyword pass over 64 KiB) still find every rule's matches", () => {
  const gh = fakeGithubToken();
  const filler = "an ordinary line about refactoring the parser and its tests\n".repeat(3000);
  const text = `${filler}token=${gh}\n${filler}mail ${email}\nsk-ant-nothing\n`;
  assert.ok(text.length > 64 * 1024);
  const findings = scanText(text);
  assert.deepEqual(ruleIds(findings), ["github-token", "email-address"]);
  assert.deepEqual(findings.map((f) => f.line), [3001, 6002]);
  assertNoLeak(findings, gh, "long text", "ghp_");
});

Deno.test("scanText and scanRecord accept a custom rule table", () => {
  const rules = [{
    id: "internal-ticket-secret",
    description: "internal ticket secret",
    group: "secret" as const,
    keywords: ["tks-"],
    pattern: /\btks-[0-9a-f]{8}\b/g,
  }];
  const value = "tks-" + "0a1b2c3d";
  assert.deepEqual(ruleIds(scanText(`see ${value}`, "x", rules)), ["internal-ticket-secret"]);
  assert.deepEqual(
    scanRecord({ a: `see ${value}`, b: fakeGithubToken() }, rules).map((f) => f.path),
    [
      "a",
    ],
  );
});

Deno.test("scanRecord scans fields together but reports exactly what scanning each alone does", () => {
  const gh = ["ghp", "_", "R4nd0mT0k3nV4lu3".repeat(2), "abcd"].join("");
  const pem = [
    "-----BEGIN",
    " RSA PRIVATE KEY-----\n",
    "MIIEowIBAAKCAQEA7".repeat(4),
    "\n-----END RSA PRIVATE KEY-----",
  ].join("");
  const fragments = [
    "plain prose about a login race",
    `export GH=${gh}`,
    "password=",
    "Zq8rT2vX9wLp4sKd",
    "-----BEGIN RSA PRIVATE KEY-----",
    pem,
    "line one\nline two " + gh,
    "Authorization: Bearer",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVlLTEyMw",
    "4111 1111 1111",
    "1111",
    "",
  ];
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 40; round++) {
    const messages = Array.from({ length: 3 + Math.floor(rand() * 8) }, () => ({
      role: "user",
      text: fragments[Math.floor(rand() * fragments.length)],
    }));
    const record = { summary: fragments[Math.floor(rand() * fragments.length)], messages };
    const expected = [
      ...scanText(record.summary, "summary"),
      ...messages.flatMap((m, i) => scanText(m.text, `messages[${i}].text`)),
      ...messages.flatMap((m, i) => scanText(m.role, `messages[${i}].role`)),
    ].map((f) => `${f.path} ${f.line}:${f.column} ${f.rule}`).sort();
    const actual = scanRecord(record).map((f) => `${f.path} ${f.line}:${f.column} ${f.rule}`)
      .sort();
    assert.deepEqual(actual, expected, `round ${round}`);
  }
});
