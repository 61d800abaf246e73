import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";
import { policyFromFlags } from "../../src/config/config_file.ts";
import { openMemoryService } from "../../src/service/memory_service.ts";
import { envOf, randomKeyHex, tempHome } from "../helpers/home.ts";
import { runMain } from "../helpers/permissions.ts";

const email = ["dana.reviewer", "@", "corp-mail.io"].join("");
const record = {
  session_id: "policy-1",
  timestamp: "2026-11-20T10:00:00Z",
  tool_name: "claude-code",
  summary: "asked the reviewer about the flaky test",
  messages: [{ role: "user", text: `ping ${email} about the flaky test` }],
};

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

Deno.test("scan policy: default refuses PII; a configured redact stores [REDACTED:…] and finds it", async () => {
  const home = await tempHome();
  const env = envOf({ LUMERA_MEMORY_KEY: randomKeyHex() });
  try {
    let s = await openMemoryService({ home, env });
    await assert.rejects(
      s.store({ kind: "record", record }),
      (e) => codeOf(e) === "SECRET_REFUSED",
    );
    const perCall = await s.store({ kind: "record", record }, {
      scanPolicy: policyFromFlags({ redact: ["email"] }),
    });
    assert.equal(perCall.redactions, 1);
    const back = await s.retrieve(perCall.pointer);
    const text = back.record.messages![0].text;
    assert.ok(!text.includes(email), "the address is not stored");
    assert.match(text, /\[REDACTED:email-address\]/);
    assert.equal(s.query({ text: "flaky" }).hits[0].pointer, perCall.pointer);
    s.close();

    await Deno.writeTextFile(
      `${home}/config.json`,
      JSON.stringify({ scan: { actions: { pii: "allow" } } }),
    );
    s = await openMemoryService({ home, env });
    try {
      const allowed = await s.store({
        kind: "record",
        record: { ...record, session_id: "policy-2" },
      });
      assert.equal(allowed.redactions, undefined);
      assert.ok((await s.retrieve(allowed.pointer)).record.messages![0].text.includes(email));
      const token = "ghp_" + "Kq7Zx2".repeat(6);
      await assert.rejects(
        s.store({ kind: "record", record: { ...record, session_id: "policy-3", summary: token } }),
        (e) => codeOf(e) === "SECRET_REFUSED",
        "allowing PII never lets a secret through",
      );
    } finally {
      s.close();
    }

    for (const bad of ['{"scan": {"actions": {"secret": "allow"}}}', "{nope", '{"colour": 1}']) {
      await Deno.writeTextFile(`${home}/config.json`, bad);
      await assert.rejects(openMemoryService({ home, env }), (e) => codeOf(e) === "USAGE");
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("cli: store --redact email, scan --allow email, scan --json reports redactions", async () => {
  const home = await tempHome();
  const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() };
  try {
    const file = `${home}/r.json`;
    await Deno.writeTextFile(file, JSON.stringify(record));
    assert.equal((await runMain(["store", "--file", file], env)).code, 3);
    const red = await runMain(["store", "--file", file, "--redact", "email", "--json"], env);
    assert.equal(red.code, 0, red.stderr);
    assert.equal(JSON.parse(red.stdout).redactions, 1);
    assert.ok(!red.stdout.includes(email) && !red.stderr.includes(email));

    const text = `contact ${email}\n`;
    assert.equal((await runMain(["scan"], env, { stdin: text })).code, 3);
    assert.equal((await runMain(["scan", "--allow", "email"], env, { stdin: text })).code, 0);
    const j = await runMain(["scan", "--redact", "pii", "--json"], env, { stdin: text });
    assert.equal(j.code, 0);
    assert.deepEqual([JSON.parse(j.stdout).clean, JSON.parse(j.stdout).redacted], [true, 1]);
    const secret = "AKIA" + "Z7Q4W8E2R6T1Y3U9";
    const refused = await runMain(["scan", "--allow", "secret"], env, { stdin: secret });
    assert.equal(refused.code, 2, "secrets cannot be allowed by rule or group");
    assert.ok(!refused.stderr.includes(secret));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
