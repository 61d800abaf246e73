/**
 * End-to-end: the real entry point, spawned as a user runs it (`deno run` with the compiled
 * binary's permission flags), in a throwaway home.
 */
import assert from "node:assert/strict";
import { listFiles, randomKeyHex, tempHome } from "../helpers/home.ts";
import { runMain } from "../helpers/permissions.ts";

const FIXTURE_BIN = new URL("../fixtures/bin", import.meta.url).pathname;

const record = {
  session_id: "cli-1",
  timestamp: "2026-11-20T10:00:00Z",
  tool_name: "claude-code",
  success: true,
  summary: "Fixed the login race in the refresh handler",
  tags: ["auth"],
  messages: [{ role: "user", text: "users are logged out right after login" }],
};

async function withHome(fn: (home: string, env: Record<string, string>) => Promise<void>) {
  const home = await tempHome();
  try {
    await fn(home, { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("cli: store → query → retrieve with --json, nothing but JSON on stdout", () =>
  withHome(async (home, env) => {
    const file = `${home}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(record));
    const s = await runMain(
      ["store", "--file", file, "--tag", "bugfix", "--tag", "auth", "--json"],
      env,
    );
    assert.equal(s.code, 0, s.stderr);
    const stored = JSON.parse(s.stdout);
    assert.match(stored.pointer, /^cascade:\/\/[0-9a-f]{64}$/);
    assert.deepEqual(stored.tags, ["auth", "bugfix"]);

    const q = await runMain([
      "query",
      "login",
      "race",
      "--tag",
      "bugfix",
      "--since",
      "2026-11-01",
      "--limit",
      "5",
      "--json",
    ], env);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(JSON.parse(q.stdout).hits[0].pointer, stored.pointer);

    const r = await runMain(["retrieve", stored.pointer, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const back = JSON.parse(r.stdout);
    assert.equal(back.verified, true);
    assert.equal(back.record.summary, record.summary);

    const human = await runMain(["query", "login"], env);
    assert.match(human.stdout, /1 match:/);
  }));

Deno.test("cli: exit codes — usage 2, secret 3, key 4, not found 5, integrity 6", () =>
  withHome(async (home, env) => {
    assert.equal((await runMain(["store"], env)).code, 2);
    assert.equal((await runMain(["nope"], env)).code, 2);
    assert.equal((await runMain(["query", "--limit", "0"], env)).code, 2);
    assert.equal((await runMain(["retrieve", "cascade://../../etc/passwd"], env)).code, 2);
    assert.equal((await runMain(["retrieve", `cascade://${"a".repeat(64)}`], env)).code, 5);
    assert.equal((await runMain(["store", "--file", `${home}/missing.json`], env)).code, 5);

    const token = "gho_" + "Z9y8".repeat(9);
    const before = await listFiles(home);
    const refused = await runMain(["store", "--file", "-", "--json"], env, {
      stdin: JSON.stringify({
        ...record,
        messages: [{ role: "tool", text: `Authorization: token ${token}` }],
      }),
    });
    assert.equal(refused.code, 3);
    assert.ok(
      !refused.stdout.includes(token) && !refused.stderr.includes(token),
      "secret must not be echoed",
    );
    assert.equal(JSON.parse(refused.stdout).error.code, "SECRET_REFUSED");
    assert.deepEqual(await listFiles(home), before);

    const noKey = await runMain(["query", "x"], { LUMERA_MEMORY_HOME: `${home}/other` });
    assert.equal(noKey.code, 4);
    assert.match(noKey.stderr, /lumera-memory init/);
    const badKey = await runMain(["query", "x"], { ...env, LUMERA_MEMORY_KEY: "12345" });
    assert.equal(badKey.code, 4);
    assert.ok(!badKey.stderr.includes("12345"), "a malformed key is not echoed");

    const file = `${home}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(record));
    const { pointer } = JSON.parse(
      (await runMain(["store", "--file", file, "--json"], env)).stdout,
    );
    const blob = `${home}/blobs/${pointer.slice(10, 12)}/${pointer.slice(10)}`;
    const bytes = await Deno.readFile(blob);
    await Deno.writeFile(blob, bytes.subarray(0, bytes.length - 3));
    const t = await runMain(["retrieve", pointer], env);
    assert.equal(t.code, 6);
    assert.match(t.stderr, new RegExp(pointer));
    const wrong = await runMain(["retrieve", pointer], {
      ...env,
      LUMERA_MEMORY_KEY: randomKeyHex(),
    });
    assert.equal(
      wrong.code,
      6,
      "hash is checked before the key: a truncated blob is integrity first",
    );
  }));

Deno.test("cli: wrong key on an intact blob is a key error (4)", () =>
  withHome(async (home, env) => {
    const file = `${home}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(record));
    const { pointer } = JSON.parse(
      (await runMain(["store", "--file", file, "--json"], env)).stdout,
    );
    const r = await runMain(["retrieve", pointer], { ...env, LUMERA_MEMORY_KEY: randomKeyHex() });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /WRONG_KEY/);
  }));

Deno.test("cli: malformed and oversize record files are clear usage errors", () =>
  withHome(async (home, env) => {
    const cases: [string, RegExp][] = [
      ['{"session_id": ', /INVALID_RECORD/],
      ["[1,2,3]", /INVALID_RECORD/],
      [JSON.stringify({ ...record, timestamp: "not a time" }), /timestamp/],
      [JSON.stringify({ ...record, body: "word ".repeat(2 * 1024 * 1024) }), /TOO_LARGE/],
    ];
    for (const [text, expected] of cases) {
      const file = `${home}/bad.json`;
      await Deno.writeTextFile(file, text);
      const r = await runMain(["store", "--file", file], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
      assert.ok(!r.stderr.includes("    at "), "no stack trace");
    }
  }));

Deno.test("cli: init creates a 0600 key file and refuses to overwrite it", () =>
  withHome(async (home) => {
    const env = { LUMERA_MEMORY_HOME: `${home}/h` };
    const a = await runMain(["init", "--json"], env);
    assert.equal(a.code, 0, a.stderr);
    const out = JSON.parse(a.stdout);
    assert.match(out.key_file, new RegExp(`^${home}/h/keys/[0-9a-f]{16}-[0-9a-f]{8}\\.json$`));
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(out.key_file)).mode! & 0o777, 0o600);
    }
    const human = await runMain(["init"], env);
    assert.equal(human.code, 2);
    const file = `${home}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(record));
    assert.equal((await runMain(["store", "--file", file], env)).code, 0);
  }));

Deno.test("cli: scan exits 0 clean and 3 with findings; estimate; help everywhere", () =>
  withHome(async (_home, env) => {
    const clean = await runMain(["scan"], env, { stdin: "just prose about a login race\n" });
    assert.equal(clean.code, 0);
    const key = ["AKIA", "IOSFODNN7ZXCVBNM"].join("");
    const dirty = await runMain(["scan", "--json"], env, { stdin: `aws_access_key_id = ${key}\n` });
    assert.equal(dirty.code, 3);
    assert.ok(!dirty.stdout.includes(key));
    assert.equal(JSON.parse(dirty.stdout).findings.length >= 1, true);

    const e = await runMain(["estimate", "--bytes", "1048576", "--redundancy", "3", "--json"], env);
    assert.equal(JSON.parse(e.stdout).fee_ulume, 20240);
    assert.equal((await runMain(["estimate", "--bytes", "-5"], env)).code, 2);

    for (
      const cmd of [
        "init",
        "store",
        "query",
        "retrieve",
        "estimate",
        "scan",
        "verify",
        "serve",
        "demo",
      ]
    ) {
      const h = await runMain([cmd, "--help"], env);
      assert.equal(h.code, 0, cmd);
      assert.match(h.stdout, /Usage: lumera-memory/);
    }
  }));

Deno.test("cli: cm and cass go through their binaries; missing binaries say how to install", () =>
  withHome(async (home, env) => {
    const emptyPath = `${home}/emptybin`;
    await Deno.mkdir(emptyPath);
    const missing = await runMain(["store", "--cm-task", "fix the login race"], {
      ...env,
      PATH: emptyPath,
    });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /SOURCE_UNAVAILABLE/);
    assert.match(missing.stderr, /install/i);
    assert.deepEqual((await listFiles(home)).filter((f) => f.startsWith("blobs/")), []);

    const withBins = { ...env, PATH: `${FIXTURE_BIN}:${Deno.env.get("PATH")}` };
    const cm = await runMain(["store", "--cm-task", "fix the login race", "--json"], withBins);
    assert.equal(cm.code, 0, cm.stderr);
    const session =
      new URL("../fixtures/sessions/claude-code-login-race.jsonl", import.meta.url).pathname;
    const cass = await runMain(["store", "--cass", session, "--json"], withBins);
    assert.equal(cass.code, 0, cass.stderr);
    const q = await runMain(["query", "--agent", "cm", "--json"], withBins);
    assert.equal(JSON.parse(q.stdout).total, 1);
  }));

Deno.test("cli: demo runs the whole flow and cleans up", async () => {
  const r = await runMain(["demo", "--json"], {});
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verify.ok, true);
  assert.equal(report.retrieved.round_trip, true);
  assert.equal(report.refused.code, "SECRET_REFUSED");
  await assert.rejects(Deno.stat(report.home), Deno.errors.NotFound);
});
