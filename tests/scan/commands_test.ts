import assert from "node:assert/strict";
import { scanText } from "../../src/scan/mod.ts";
import { assertNoLeak, ruleIds } from "./_helpers.ts";

/** A password-like test value assembled from pieces (never a real credential). */
function testPassword(n: number): string {
  return "Tq8" + "vR2m".repeat(n) + "#Lw5";
}

/** The transcript forms a line arrives in: raw, JSONL (escaped), line-numbered, base64 config. */
function forms(line: string): [string, string][] {
  return [
    ["raw", line],
    ["jsonl", JSON.stringify({ type: "tool_result", content: `$ history\n${line}\n` })],
    ["json twice", JSON.stringify({ line: JSON.stringify({ content: `ran: ${line}` }) })],
    ["numbered", `    41→# deploy notes\n    42→${line}\n    43→exit 0`],
    ["base64", `echo ${btoa(`#!/bin/sh\n${line}\nexit 0\n`)} | base64 -d > run.sh`],
  ];
}

const POSITIVES: [string, (pw: string) => string][] = [
  ["command-line-password", (pw) => `docker login -u ci-bot -p ${pw} registry.acme-corp.io`],
  ["command-line-password", (pw) => `podman login --username ci -p '${pw}' quay.io`],
  ["command-line-password", (pw) => `sshpass -p '${pw}' ssh deploy@10.0.3.7 uptime`],
  ["command-line-password", (pw) => `redis-cli -h cache.internal -a ${pw} ping`],
  ["command-line-password", (pw) => `mongosh "mongodb://db.internal/shop" -u app -p ${pw}`],
  ["command-line-password", (pw) => `ldapsearch -x -D cn=admin,dc=acme -w ${pw} -b dc=acme`],
  ["command-line-password", (pw) => `openssl pkcs12 -export -out a.p12 -passout pass:${pw}`],
  ["netrc-password", (pw) => `machine api.github.com login octocat password ${pw}`],
  ["netrc-password", (pw) => `machine git.acme-corp.io\n  login deploy\n  password ${pw}\n`],
  [
    "powershell-plaintext-password",
    (pw) => `$s = ConvertTo-SecureString "${pw}" -AsPlainText -Force`,
  ],
  [
    "powershell-plaintext-password",
    (pw) => `$s = ConvertTo-SecureString -AsPlainText -Force -String '${pw}'`,
  ],
  ["xml-config-secret", (pw) => `<add key="PaymentGatewaySecret" value="${pw}${pw}" />`],
  ["command-line-password", (pw) => `zip -P ${pw} -r backup.zip data/`],
  ["command-line-password", (pw) => `ssh-keygen -t ed25519 -N '${pw}' -f ~/.ssh/id_deploy`],
  ["command-line-password", (pw) => `smbclient //fs/share -U admin%${pw}`],
  ["sql-password", (pw) => `CREATE USER app_rw IDENTIFIED BY '${pw}';`],
  ["sql-password", (pw) => `ALTER ROLE app WITH LOGIN PASSWORD '${pw}';`],
  ["sql-password", (pw) => `SET PASSWORD FOR 'app'@'%' = PASSWORD('${pw}');`],
  ["php-define-secret", (pw) => `define( 'DB_PASSWORD', '${pw}' );`],
  ["setter-secret", (pw) => `dataSource.setPassword("${pw}");`],
  ["setter-secret", (pw) => `Client.builder().withApiKey("${pw}${pw}").build();`],
  ["basic-auth-pair", (pw) => `requests.get(url, auth=("svc", "${pw}"))`],
  ["name-value-secret", (pw) => `env:\n  - name: API_TOKEN\n    value: "${pw}${pw}"`],
  ["name-value-secret", (pw) => `{"name": "DB_PASSWORD", "value": "${pw}"}`],
  ["generic-secret-assignment", (pw) => `SMTP_PASS=${pw}`],
  ["generic-secret-assignment", (pw) => `const smtpPass = "${pw}";`],
];

Deno.test("passwords on command lines, in .netrc, SQL, PHP, setters, name/value pairs, PowerShell and XML configs, in every form", () => {
  POSITIVES.forEach(([rule, make], i) => {
    const pw = testPassword(2 + (i % 3));
    for (const [form, text] of forms(make(pw))) {
      const findings = scanText(text);
      assert.ok(ruleIds(findings).includes(rule), `case ${i} (${rule}) as ${form}`);
      assertNoLeak(findings, pw, `case ${i} as ${form}`);
    }
  });
});

Deno.test("the password rules report where the password starts", () => {
  const pw = testPassword(3);
  const text = `machine api.github.com login octocat password ${pw}`;
  const [f] = scanText(text);
  assert.equal(f.rule, "netrc-password");
  assert.equal(f.column, text.indexOf(pw) + 1);
  const cmd = `docker login -u ci -p ${pw} ghcr.io`;
  const [g] = scanText(cmd);
  assert.equal(g.rule, "command-line-password");
  assert.equal(g.column, cmd.indexOf(pw) + 1);
});

Deno.test("references, prompts, placeholders and prose near the same words are not findings", () => {
  const negatives = [
    'docker login -u "$DOCKER_USER" -p "$DOCKER_PASSWORD" ghcr.io',
    'echo "$CR_PAT" | docker login ghcr.io -u octocat --password-stdin',
    "docker login -u ci -p ${{ secrets.REGISTRY_TOKEN }} registry.acme-corp.io",
    "docker login -p <password> registry.acme-corp.io",
    "docker run -p 8080:80 nginx && docker login",
    'sshpass -p "$SSHPASS" ssh deploy@host',
    "sshpass -f ~/.pw ssh deploy@host",
    'redis-cli -a "${REDIS_PASSWORD}" ping',
    "mongosh -u admin -p --authenticationDatabase admin",
    "ldapsearch -x -W -b dc=acme,dc=io",
    "openssl pkcs12 -export -passout env:P12_PASS -out a.p12",
    "openssl req -new -passout pass:changeme",
    "machine api.github.com login octocat password <your-token>",
    "machine api.github.com login octocat password $GITHUB_TOKEN",
    "The machine learning password policy requires 12 characters.",
    "By default password authentication is disabled.",
    "$pw = ConvertTo-SecureString $plain -AsPlainText -Force",
    '$enc = ConvertTo-SecureString "76492d1116743f0423413b16050a5345" -Key $key',
    '<add key="ApiKeyHeaderName" value="X-Api-Key" />',
    '<add key="ClientSecret" value="#{ClientSecret}#" />',
    '<add key="SecretName" value="prod-db-credentials" />',
    "DB_PASS=${DB_PASS}",
    "pass: true",
    "bypass=1 compass_heading=275.5",
    'passport_number: "X1234567"',
    'npm test -- --grep "pass"  # 42 passing (3s)',
    'pass_through = "enabled"',
    'dbPass := os.Getenv("DB_PASS")',
    "[PASS] 12 tests, pass rate: 100%",
    "cursor.execute(\"SELECT * FROM users WHERE password = '%s'\", (pw,))",
    "CREATE USER app IDENTIFIED BY 'password';",
    "CREATE USER app WITH PASSWORD '${DB_PASSWORD}';",
    "const label = t('password'); getPassword('db'); reset_password('user')",
    '{"password": "Password", "confirm_password": "Confirm password"}',
    '- name: TOKEN_TTL\n  value: "3600"',
    '{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}',
    "define('DB_PASSWORD', getenv('DB_PASSWORD'));",
    "define('AUTH_KEY', 'put your unique phrase here');",
    'builder.setApiKey("YOUR_API_KEY").withSecret("${SECRET}")',
    'tokenizer.setTokenizer("whitespace"); stats.setTokenCount("12345678")',
    'requests.get(url, auth=("user", os.environ["PW"]))',
    "ssh-keygen -t ed25519 -N '' -f ~/.ssh/id_ci",
    "smbclient //fs/share -U admin -N",
    "unzip -P $ZIP_PASSWORD archive.zip",
  ];
  for (const [i, text] of negatives.entries()) {
    for (const [form, t] of forms(text)) {
      assert.deepEqual(ruleIds(scanText(t)), [], `negative ${i} as ${form}`);
    }
  }
});

Deno.test("a password stated in a sentence is found; sentences about passwords are not", () => {
  const pw = testPassword(2);
  for (
    const text of [
      `the db password is ${pw} btw`,
      `Password is now '${pw}'.`,
      `the wifi passphrase was ${pw}.`,
      `FYI: root pwd is ${pw}`,
    ]
  ) {
    const findings = scanText(text);
    assert.deepEqual(ruleIds(findings), ["password-in-prose"], "a stated password");
    assertNoLeak(findings, pw, "a stated password");
  }
  for (
    const text of [
      "the password is required",
      "The password is 12345678.",
      "the password is stored in AWS Secrets Manager",
      "password is `$DB_PASSWORD`",
      "the password is config.db.password",
      "Password: must be at least 12 characters and include a number.",
      "password is set to changeme",
      "The password is correct.",
      "the password is at least 12 characters",
      "password is v2.3.1-beta",
      "the password was rotated on 2026-11-20 after the incident",
    ]
  ) {
    assert.deepEqual(ruleIds(scanText(text)), [], text);
  }
});
