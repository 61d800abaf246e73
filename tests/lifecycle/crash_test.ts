/**
 * Crash safety of the destructive lifecycle commands: `key reencrypt` and `forget --yes` are
 * killed with SIGKILL at random points, again and again; then run to completion. Afterwards
 * `verify --read-data` is clean and every memory that should exist is readable.
 */
import assert from "node:assert/strict";
import { baseEnv, CLI_FLAGS, MAIN, runMain } from "../helpers/permissions.ts";
import { fill, open, record, withKeyedHome } from "./_helpers.ts";

const KILLS = 20;

let seed = 20261126;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

/** Runs the CLI to completion and returns how long it took (ms). */
async function timed(args: string[], env: Record<string, string>): Promise<number> {
  const t = performance.now();
  const r = await runMain(args, env);
  assert.equal(r.code, 0, r.stderr);
  return performance.now() - t;
}

/**
 * Starts the CLI and kills it with SIGKILL after a random delay between 40% and 100% of `fullMs`
 * (how long a whole run takes), so most kills land in the middle of the work.
 */
async function killAtRandom(args: string[], env: Record<string, string>, fullMs: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...CLI_FLAGS, MAIN, ...args],
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  }, Math.floor(fullMs * (0.4 + 0.6 * random())));
  const status = await child.status;
  clearTimeout(timer);
  return status;
}

async function verifyClean(env: Record<string, string>) {
  const v = await runMain(["verify", "--read-data", "--json"], env);
  assert.equal(v.code, 0, v.stdout);
  const r = JSON.parse(v.stdout);
  assert.deepEqual(r.problems, []);
  return r.checked as number;
}

Deno.test({
  name: `crash: key reencrypt killed ${KILLS}+ times at random points loses nothing`,
  sanitizeResources: false,
  fn: () =>
    withKeyedHome(async (home) => {
      await fill(home, 150);
      const env = { LUMERA_MEMORY_HOME: home };
      assert.equal((await runMain(["key", "rotate"], env)).code, 0);
      const full = await timed(["key", "reencrypt"], env);
      let killed = 0;
      for (let i = 0; i < KILLS; i++) {
        const rot = await runMain(["key", "rotate", "--json"], env);
        assert.equal(rot.code, 0, rot.stderr);
        const st = await killAtRandom(["key", "reencrypt"], env, full);
        if (st.signal === "SIGKILL") killed++;
      }
      assert.ok(killed >= KILLS / 4, `enough runs were killed mid-way (${killed} of ${KILLS})`);
      const done = await runMain(["key", "reencrypt", "--json"], env);
      assert.equal(done.code, 0, done.stderr);
      assert.equal(await verifyClean(env), 150);
      const s = await open(home);
      try {
        const stats = s.stats();
        assert.deepEqual(stats.by_key.map((g) => [g.name, g.count]), [[stats.current_key_id, 150]]);
        for (const h of s.query({ limit: 100 }).hits) {
          assert.equal((await s.retrieve(h.pointer)).verified, true);
        }
      } finally {
        s.close();
      }
    }),
});

Deno.test({
  name: `crash: forget --yes killed ${KILLS} times at random points; reruns finish cleanly`,
  sanitizeResources: false,
  fn: () =>
    withKeyedHome(async (home) => {
      const n = (KILLS + 1) * 15;
      const s0 = await open(home);
      try {
        for (let i = 0; i < n; i++) {
          await s0.store({
            kind: "record",
            record: record(i, { tags: [`round-${i % (KILLS + 1)}`] }),
          });
        }
      } finally {
        s0.close();
      }
      const env = { LUMERA_MEMORY_HOME: home };
      const full = await timed(["forget", "--tag", `round-${KILLS}`, "--yes"], env);
      let killed = 0;
      for (let i = 0; i < KILLS; i++) {
        const st = await killAtRandom(["forget", "--tag", `round-${i}`, "--yes"], env, full);
        if (st.signal === "SIGKILL") killed++;
      }
      assert.ok(killed >= KILLS / 4, `enough runs were killed mid-way (${killed} of ${KILLS})`);
      for (let i = 0; i < KILLS; i++) {
        const fin = await runMain(["forget", "--tag", `round-${i}`, "--yes"], env);
        assert.equal(fin.code, 0, fin.stderr);
      }
      const s = await open(home);
      try {
        assert.equal(s.stats().memories, 0, "every round fully forgotten");
      } finally {
        s.close();
      }
      assert.equal(await verifyClean(env), 0);
      const blobs = [];
      for await (const e of Deno.readDir(`${home}/blobs`)) blobs.push(e.name);
      for (const d of blobs) {
        assert.deepEqual([...Deno.readDirSync(`${home}/blobs/${d}`)], [], `no blob left in ${d}`);
      }
    }),
});

Deno.test({
  name: "crash: forget of one tag killed at random leaves every other memory readable",
  sanitizeResources: false,
  fn: () =>
    withKeyedHome(async (home) => {
      await fill(home, 100);
      const env = { LUMERA_MEMORY_HOME: home };
      for (let i = 0; i < KILLS; i++) {
        await killAtRandom(["forget", "--tag", "t2", "--yes"], env, 300);
      }
      const fin = await runMain(["forget", "--tag", "t2", "--yes"], env);
      assert.equal(fin.code, 0, fin.stderr);
      assert.equal(await verifyClean(env), 80);
      const s = await open(home);
      try {
        let seen = 0;
        let cursor: string | undefined;
        do {
          const page = s.query({ limit: 50, cursor });
          for (const h of page.hits) {
            assert.ok(!h.tags.includes("t2"));
            assert.equal((await s.retrieve(h.pointer)).verified, true);
            seen++;
          }
          cursor = page.next_cursor;
        } while (cursor);
        assert.equal(seen, 80);
      } finally {
        s.close();
      }
    }),
});
