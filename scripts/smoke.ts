/**
 * The smoke gate: store → query → retrieve → estimate → integrity on the real entry point, run
 * exactly as a user runs it (`deno run` with the compiled binary's permission flags), in a
 * throwaway home, within 90 seconds. Exits non-zero on the first step that does not hold.
 *
 * Run: `deno task smoke`
 *
 * @module
 */

import { type CliRun, runMain } from "../tests/helpers/permissions.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";

const DEADLINE_MS = 90_000;
const started = performance.now();
const home = await Deno.makeTempDir({ prefix: "lumera-memory-smoke-" });
const key = randomKeyHex();
const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

/** Runs the CLI (its flags, a clean environment) against the throwaway home and key. */
function cli(args: string[], stdin?: string): Promise<CliRun> {
  return runMain(args, { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key }, { stdin });
}

function check(ok: boolean, step: string, detail = ""): void {
  if (!ok) {
    say(`smoke: FAILED at ${step}${detail ? `: ${detail}` : ""}`);
    Deno.exit(1);
  }
  const elapsed = performance.now() - started;
  say(`smoke: ok  ${step} (${(elapsed / 1000).toFixed(1)}s)`);
  if (elapsed > DEADLINE_MS) {
    say(`smoke: FAILED: over the ${DEADLINE_MS / 1000}s gate`);
    Deno.exit(1);
  }
}

try {
  const record = {
    session_id: "smoke-1",
    timestamp: new Date().toISOString(),
    tool_name: "claude-code",
    success: true,
    summary: "Fixed the login race in the session refresh handler",
    tags: ["auth", "bugfix"],
    messages: [
      { role: "user", text: "The login sometimes logs users out right after signing in." },
      {
        role: "assistant",
        text: "Two refresh requests overlap; I serialized them behind a mutex.",
      },
    ],
  };
  const file = `${home}/session.json`;
  await Deno.writeTextFile(file, JSON.stringify(record));

  const stored = await cli(["store", "--file", file, "--tag", "smoke", "--json"]);
  check(stored.code === 0, "store", stored.stderr);
  const { pointer } = JSON.parse(stored.stdout);
  check(/^cascade:\/\/[0-9a-f]{64}$/.test(pointer), "store returns a pointer");

  const again = await cli(["store", "--file", file, "--tag", "smoke", "--json"]);
  check(again.code === 0 && JSON.parse(again.stdout).pointer === pointer, "store is deduplicated");

  const q = await cli(["query", "login race", "--tag", "auth", "--json"]);
  check(
    q.code === 0 && JSON.parse(q.stdout).hits[0]?.pointer === pointer,
    "query finds it",
    q.stderr,
  );

  const r = await cli(["retrieve", pointer, "--json"]);
  const back = r.code === 0 ? JSON.parse(r.stdout).record : undefined;
  check(
    back?.summary === record.summary && back?.messages?.length === 2,
    "retrieve round-trips",
    r.stderr,
  );

  const e = await cli(["estimate", "--bytes", "1048576", "--json"]);
  check(
    e.code === 0 && JSON.parse(e.stdout).fee_ulume === 20240,
    "estimate (1 MiB = 20,240 ulume)",
  );

  const secret = ["AKIA", "QWERTYUIOPASDFGH"].join("");
  const refused = await cli(
    ["store", "--file", "-", "--json"],
    JSON.stringify({ ...record, session_id: "smoke-2", summary: `key ${secret}` }),
  );
  check(
    refused.code === 3 && !refused.stdout.includes(secret) && !refused.stderr.includes(secret),
    "a secret is refused (exit 3), not echoed",
  );

  const v = await cli(["verify", "--read-data", "--json"]);
  check(v.code === 0 && JSON.parse(v.stdout).ok === true, "verify --read-data is clean", v.stderr);

  const blob = `${home}/blobs/${pointer.slice(10, 12)}/${pointer.slice(10)}`;
  const bytes = await Deno.readFile(blob);
  bytes[bytes.length - 5] ^= 0x01;
  await Deno.writeFile(blob, bytes);
  const t = await cli(["retrieve", pointer]);
  check(t.code === 6, "a flipped bit is an integrity failure (exit 6)", `exit ${t.code}`);
  const tv = await cli(["verify"]);
  check(tv.code === 6, "verify reports the corrupt blob (exit 6)");

  say(`smoke: passed in ${((performance.now() - started) / 1000).toFixed(1)}s`);
} finally {
  await Deno.remove(home, { recursive: true });
}
