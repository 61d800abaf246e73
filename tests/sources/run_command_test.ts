import assert from "node:assert/strict";
import { DEFAULT_SOURCE_TIMEOUT_MS, runSourceCommand } from "../../src/sources/run_command.ts";
import { fixture, noToolsEnv, rejectsWith, standinEnv } from "./_helpers.ts";

Deno.test("runSourceCommand returns the stand-in cm's stdout", async () => {
  const out = await runSourceCommand("cm", ["context", "fix the login race", "--json"], {
    env: standinEnv(),
  });
  const envelope = JSON.parse(out);
  assert.equal(envelope.success, true);
  assert.equal(envelope.data.task, "fix the login race");
});

Deno.test("runSourceCommand passes arguments verbatim (no shell)", async () => {
  const task = `quotes " and $HOME and \`backticks\` and ; rm -rf /`;
  const out = await runSourceCommand("cm", ["context", task, "--json"], { env: standinEnv() });
  assert.equal(JSON.parse(out).data.task, task);
});

Deno.test("cm not on PATH → SOURCE_UNAVAILABLE with an install hint", async () => {
  const env = noToolsEnv();
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "x", "--json"], { env }),
    "SOURCE_UNAVAILABLE",
  );
  assert.match(err.message, /`cm`/);
  assert.match(err.message, /not installed or not on PATH/);
  assert.match(err.hint ?? "", /cass_memory_system/);
  assert.match(err.hint ?? "", /GitHub releases/);
  assert.match(err.hint ?? "", /Homebrew/);
});

Deno.test("cass not on PATH → SOURCE_UNAVAILABLE with an install hint", async () => {
  const env = noToolsEnv();
  const err = await rejectsWith(
    runSourceCommand("cass", ["export", "x.jsonl", "--format", "json"], { env }),
    "SOURCE_UNAVAILABLE",
  );
  assert.match(err.message, /`cass`/);
  assert.match(err.hint ?? "", /coding_agent_session_search/);
  assert.match(err.hint ?? "", /Homebrew/);
});

Deno.test("cm failure envelope → SOURCE_FAILED with cm's message, code and hint", async () => {
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "fail-please", "--json"], { env: standinEnv() }),
    "SOURCE_FAILED",
  );
  assert.match(err.message, /^`cm context` failed \(exit 1, INTERNAL_ERROR\): Playbook could not/);
  assert.equal(err.hint, "Run cm doctor to repair the playbook");
});

Deno.test("cass error envelope → SOURCE_FAILED with cass's message", async () => {
  const err = await rejectsWith(
    runSourceCommand("cass", ["export", fixture("sessions/missing.jsonl"), "--format", "json"], {
      env: standinEnv(),
    }),
    "SOURCE_FAILED",
  );
  assert.match(err.message, /^`cass export` failed \(exit 3, 3\): session file not found/);
  assert.match(err.hint ?? "", /cass sessions --json/);
});

Deno.test("a long envelope message is cut to about 300 characters", async () => {
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "long-fail-please", "--json"], { env: standinEnv() }),
    "SOURCE_FAILED",
  );
  const message = err.message.slice(err.message.indexOf("): ") + 3);
  assert.ok(message.length <= 300, `message is ${message.length} characters`);
  assert.ok(message.endsWith("…"));
});

Deno.test("a failure without an envelope never echoes stderr", async () => {
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "crash-please", "--json"], { env: standinEnv() }),
    "SOURCE_FAILED",
  );
  assert.match(err.message, /failed \(exit 1\) without a JSON error message/);
  assert.doesNotMatch(err.message, /private-notes|panic/);
  assert.doesNotMatch(err.hint ?? "", /private-notes|panic/);
});

Deno.test("bare cass with no arguments is refused before anything runs", async () => {
  const env = noToolsEnv();
  // USAGE, not SOURCE_UNAVAILABLE: nothing was spawned.
  await rejectsWith(runSourceCommand("cass", [], { env }), "USAGE");
});

Deno.test("the stand-in cass refuses to open a TUI when run bare", async () => {
  const out = await new Deno.Command(`${fixture("bin/cass")}`, {
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /refusing to open the interactive TUI/);
});

Deno.test("timeout stops the child → SOURCE_FAILED", async () => {
  const started = Date.now();
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "sleep-please", "--json"], {
      env: standinEnv(),
      timeoutMs: 300,
    }),
    "SOURCE_FAILED",
  );
  assert.match(err.message, /did not finish within 300 ms/);
  assert.ok(Date.now() - started < 5_000, "the child was not stopped promptly");
  assert.equal(DEFAULT_SOURCE_TIMEOUT_MS, 60_000);
});

Deno.test("aborting stops the child → SOURCE_FAILED (cancelled)", async () => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 150);
  try {
    const err = await rejectsWith(
      runSourceCommand("cm", ["context", "sleep-please", "--json"], {
        env: standinEnv(),
        signal: controller.signal,
      }),
      "SOURCE_FAILED",
    );
    assert.match(err.message, /cancelled/);
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("an already-aborted signal runs nothing", async () => {
  const env = noToolsEnv();
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "x", "--json"], { env, signal: AbortSignal.abort() }),
    "SOURCE_FAILED",
  );
  assert.match(err.message, /cancelled/);
});

Deno.test("output over maxBytes → TOO_LARGE", async () => {
  const err = await rejectsWith(
    runSourceCommand("cm", ["context", "big-please", "--json"], {
      env: standinEnv(),
      maxBytes: 1000,
    }),
    "TOO_LARGE",
  );
  assert.match(err.message, /larger than 1000 bytes/);
});

Deno.test("output within maxBytes is returned whole", async () => {
  const out = await runSourceCommand("cm", ["context", "big-please", "--json"], {
    env: standinEnv(),
    maxBytes: 200_000,
  });
  assert.equal(out.length, 200_000);
});

Deno.test("with no options the child inherits this process's PATH", async () => {
  const saved = Deno.env.get("PATH");
  Deno.env.set("PATH", standinEnv().PATH);
  try {
    const out = await runSourceCommand("cm", ["context", "inherited env", "--json"]);
    assert.equal(JSON.parse(out).data.task, "inherited env");
  } finally {
    if (saved === undefined) Deno.env.delete("PATH");
    else Deno.env.set("PATH", saved);
  }
});
