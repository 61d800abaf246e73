/**
 * Secrets as agents' transcripts carry them: JSON-escaped (once and twice), with `\u002b`-style
 * escapes, in tool output with line-number prefixes, in shell commands, base64-encoded in
 * configs — and the ordinary text around them that must not be refused.
 */
import assert from "node:assert/strict";
import { scanRecord, scanText } from "../../src/scan/mod.ts";
import { assertNoLeak, checksummedToken, fakePem, ruleIds } from "./_helpers.ts";

const gh = checksummedToken("ghp_", 3);
const awsSecret = "wJa1rXUtnF" + "Qm9/K7MDnG/bPxRfiCY" + "zzKEYab12Zq";
const password = "S3cr3t" + "&Pw0rd!x";

function unicodeEscape(text: string): string {
  return text.replace(
    /[^A-Za-z0-9 ]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

Deno.test("JSON-escaped once and twice, and \\uXXXX-escaped: found, positions in the raw text", () => {
  const line = JSON.stringify({ type: "tool_result", content: `$ cat .env\nGH=${gh}\n` });
  const twice = JSON.stringify({ raw: line });
  const unicode = `{"text":"${unicodeEscape(`export AWS_SECRET_ACCESS_KEY=${awsSecret}`)}"}`;
  assert.ok(unicode.includes("\\u002b") || unicode.includes("\\u002f"));
  for (
    const [text, id, secret] of [
      [line, "github-token", gh],
      [twice, "github-token", gh],
      [unicode, "aws-secret-access-key", awsSecret],
    ] as const
  ) {
    const findings = scanText(text);
    assert.deepEqual(ruleIds(findings), [id]);
    assert.ok(findings[0].column > 1 && findings[0].line === 1);
    assertNoLeak(findings, secret, id, secret.slice(0, 4));
  }
});

Deno.test("tool output with line-number prefixes (Read results, cat -n), multi-line keys too", () => {
  const pem = fakePem("OPENSSH PRIVATE KEY");
  const numbered = pem.split("\n").map((l, i) => `${String(i + 40).padStart(6)}→${l}`).join("\n");
  const catN = `     1\tDB_HOST=db\n     2\tDB_PASSWORD=${password}\n`;
  assert.deepEqual(ruleIds(scanText(numbered)), ["private-key"]);
  assert.deepEqual(ruleIds(scanText(`    12→API_TOKEN=${gh}`)), ["github-token"]);
  assert.deepEqual(ruleIds(scanText(catN)), ["dotenv-secret"]);
  assertNoLeak(scanText(catN), password, "cat -n");
});

Deno.test("shell commands: curl headers and -u, exports, docker -e, mysql -p, kubectl literals", () => {
  const bearer = "abc123" + "XYZ789def" + "456ghi";
  const cases: [string, string][] = [
    [`curl -H "Authorization: Bearer ${bearer}" https://api.acme-corp.io`, "authorization-header"],
    [`curl -u deploy:${password.replace("&", "")} https://ci.acme-corp.io`, "curl-user-password"],
    [`export AWS_SECRET_ACCESS_KEY=${awsSecret}`, "aws-secret-access-key"],
    [`docker run -e GITHUB_TOKEN=${gh} app`, "github-token"],
    [`mysql -h db -u root -p${password.replace("&", "")} app`, "mysql-password-flag"],
    [
      `kubectl create secret generic x --from-literal=token=${"Zx8Qw7Er6Ty5"}`,
      "generic-secret-assignment",
    ],
  ];
  for (const [text, id] of cases) assert.deepEqual(ruleIds(scanText(text)), [id], id);
});

Deno.test("base64-encoded configs: .env files, kubeconfig keys, docker auths", () => {
  const env = btoa(`NODE_ENV=production\nGITHUB_TOKEN=${gh}\n`);
  const findings = scanText(`echo ${env} | base64 -d > .env`);
  assert.deepEqual(ruleIds(findings), ["github-token"]);
  assert.match(findings[0].description, /base64-encoded/);
  assertNoLeak(findings, gh, "base64 env", "ghp_");
  const kubeconfig = `users:\n- name: admin\n  user:\n    client-key-data: ${btoa(fakePem())}`;
  assert.deepEqual(ruleIds(scanText(kubeconfig)), ["base64-private-key"]);
  const docker = JSON.stringify({ auths: { "ghcr.io": { auth: btoa(`bot:${password}`) } } });
  assert.deepEqual(ruleIds(scanText(docker)), ["docker-config-auth"]);
});

Deno.test("a whole JSONL session line as a record field is scanned through its escapes", () => {
  const jsonl = [
    JSON.stringify({ type: "user", message: { content: "please deploy" } }),
    JSON.stringify({ type: "tool_result", content: `Read .env\n  1→DB_PASSWORD=${password}` }),
  ].join("\n");
  const findings = scanRecord({ messages: [{ role: "tool", text: jsonl }] });
  assert.deepEqual(findings.map((f) => [f.path, f.line, f.rule]), [
    ["messages[0].text", 2, "dotenv-secret"],
  ]);
  assertNoLeak(findings, password, "jsonl record");
});

Deno.test("ordinary transcript text is not refused", () => {
  const texts = [
    JSON.stringify({
      usage: { input_tokens: 12034, output_tokens: 812 },
      session_id: "0191d2a4-7c3b-7f1e-9a2b-3c4d5e6f7a8b",
      model: "claude-sonnet",
    }),
    "    12→  const token = await getToken(session);\n    13→  headers.Authorization = `Bearer ${token}`;",
    "$ git log --oneline\n3f2a9c0 fix: refresh token race\n9b1d4e7 chore: bump deps",
    `"integrity": "sha512-${"Ab3+Zk9/".repeat(11)}=="`,
    `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">`,
    "The API key lives in Vault; set OPENAI_API_KEY=<your-key> locally or use ${OPENAI_API_KEY}.",
    "password = os.environ['DB_PASSWORD']  # never hard-code it",
    "Call me maybe: version 1.2.3 released 2026-11-20, build 4111-1111 done.",
    '!function(e,t){var n={token:null,apiKey:t,authDomain:"x"};return e.password===n.password}',
  ];
  for (const t of texts) assert.deepEqual(ruleIds(scanText(t)), [], `flagged: ${t.slice(0, 60)}`);
});

Deno.test("a whole session on one long line: escaped secrets deep inside are still found", () => {
  const filler = "ordinary tool output about the login race\\n".repeat(4000);
  const pem = JSON.stringify(fakePem()).slice(1, -1); // \n-escaped, as in raw JSONL
  const hidden = unicodeEscape(`GITHUB_TOKEN=${gh}`); // every symbol \u-escaped
  const line = `{"content":"${filler}DB=x\\nGH=${gh}\\n${filler}${pem}\\n${filler}${hidden}"}`;
  assert.ok(!line.includes("\n") && line.length > 500_000);
  const findings = scanText(line);
  assert.deepEqual(ruleIds(findings), ["github-token", "private-key", "github-token"]);
  assertNoLeak(findings, gh, "long line", "ghp_");
});
