/**
 * End to end over HTTP: the real CLI (`main.ts` under the documented permission flags plus
 * `--allow-net=127.0.0.1`) with the real protocol client against the Lumera stand-in
 * (tests/helpers/cascade_standin.ts, which checks signatures, fees and BLAKE3 like the chain and a
 * SuperNode). Store → sync (batched into one segment, registered, uploaded, finalized, manifest)
 * → restore on a second, empty home with only the key and the account → query → retrieve (the
 * segment is downloaded once for two memories) — plus transient faults and an unfunded account.
 */

import assert from "node:assert/strict";
import { type CascadeStandIn, startCascadeStandIn } from "../helpers/cascade_standin.ts";
import { randomKeyHex, tempHome } from "../helpers/home.ts";
import { runMain, serveFlags } from "../helpers/permissions.ts";
import { writeStandInConfig } from "./_helpers.ts";

const NET = "--allow-net=127.0.0.1";

function flagsFor(home: string): string[] {
  return [...serveFlags(home), NET];
}

async function storeNote(env: Record<string, string>, home: string, text: string, tag: string) {
  const file = `${home}/rec.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      session_id: crypto.randomUUID(),
      timestamp: "2026-11-20T10:00:00Z",
      tool_name: "claude-code",
      success: true,
      summary: text,
      tags: [tag],
    }),
  );
  const r = await runMain(["store", "--file", file, "--json"], env, { flags: flagsFor(home) });
  assert.equal(r.code, 0, r.stderr);
  await Deno.remove(file);
  return JSON.parse(r.stdout).pointer as string;
}

function assertNoMnemonic(s: CascadeStandIn, ...texts: string[]): void {
  const words = s.mnemonic.split(" ");
  for (const t of texts) {
    // Any run of 4 consecutive mnemonic words in an output would be a leak.
    for (let i = 0; i + 4 <= words.length; i++) {
      assert.ok(!t.includes(words.slice(i, i + 4).join(" ")), "an output contains the mnemonic");
    }
  }
}

async function withTwoHomes(
  options: Parameters<typeof startCascadeStandIn>[0],
  fn: (s: CascadeStandIn, a: string, b: string, key: string) => Promise<void>,
): Promise<void> {
  const s = await startCascadeStandIn({ fundUlume: 50_000_000n, ...options });
  const a = await tempHome();
  const b = await tempHome();
  try {
    await writeStandInConfig(a, s);
    await writeStandInConfig(b, s);
    await fn(s, a, b, randomKeyHex());
  } finally {
    await s.close();
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
}

Deno.test("cascade over HTTP: sync batches and finalizes, restore on a new home, retrieve downloads once", async () => {
  await withTwoHomes(
    { indexDelay404s: 2, fail5xx: { upload: 1, params: 1 }, statusStyle: "sse" },
    async (s, homeA, homeB, key) => {
      const envA = { LUMERA_MEMORY_HOME: homeA, LUMERA_MEMORY_KEY: key };
      const notes = [
        ["SQLite WAL lets readers run during writes", "sqlite"],
        ["the login race was a missing await in refreshToken", "auth"],
        ["RaptorQ symbols are spread over the DHT", "cascade"],
      ];
      const pointers = [];
      for (const [text, tag] of notes) pointers.push(await storeNote(envA, homeA, text, tag));
      const before = JSON.parse((await runMain(["stats", "--json"], envA)).stdout);
      assert.equal(before.remote.configured, true);
      assert.equal(before.remote.by_state["local-only"], 3);

      const balance0 = s.balanceOf(s.address);
      const withAccount = { ...envA, LUMERA_MEMORY_MNEMONIC: s.mnemonic };
      const sync = await runMain(["sync", "--now", "--wait", "60", "--json"], withAccount, {
        flags: flagsFor(homeA),
      });
      assertNoMnemonic(s, sync.stdout, sync.stderr);
      assert.equal(sync.code, 0, sync.stderr);
      const report = JSON.parse(sync.stdout);
      assert.equal(report.segments_built, 1, "three small notes go into one segment");
      assert.equal(report.memories_batched, 3);
      assert.equal(report.manifests_built, 1);
      assert.equal(report.finalized, 2, "the segment and the manifest");
      assert.deepEqual(report.remaining, { uploads: 0, pending_memories: 0, rejected: 0 });
      const paid = balance0 - s.balanceOf(s.address);
      assert.equal(BigInt(report.fees_paid_ulume), paid, "reported fees = what the chain charged");
      assert.equal(s.actionIds().length, 2);
      for (const id of s.actionIds()) assert.equal(s.actionState(id), 3, "DONE on chain");
      assert.ok(s.hits["upload"] >= 2, "the injected 5xx on upload was retried");

      const stats = JSON.parse((await runMain(["stats", "--json"], envA)).stdout);
      assert.equal(stats.remote.by_state.finalized, 3);
      assert.equal(stats.remote.paid_ulume, Number(paid));
      const q = JSON.parse((await runMain(["query", "login race", "--json"], envA)).stdout);
      assert.equal(q.hits[0].pointer, pointers[1]);
      assert.equal(q.hits[0].remote.state, "finalized");
      assert.match(q.hits[0].remote.action_id, /^\d+$/);
      assert.match(q.hits[0].remote.tx_hash, /^[0-9A-F]{64}$/);

      // A new machine: only the key and the account.
      const envB = { LUMERA_MEMORY_HOME: homeB, LUMERA_MEMORY_KEY: key };
      const restore = await runMain(
        ["restore", "--json"],
        { ...envB, LUMERA_MEMORY_MNEMONIC: s.mnemonic },
        { flags: flagsFor(homeB) },
      );
      assertNoMnemonic(s, restore.stdout, restore.stderr);
      assert.equal(restore.code, 0, restore.stderr);
      const r = JSON.parse(restore.stdout);
      assert.equal(r.restored, 3);
      const qb = JSON.parse((await runMain(["query", "login race", "--json"], envB)).stdout);
      assert.equal(qb.hits[0].pointer, pointers[1], "the restored index finds the memory");

      const downloadsBefore = s.hits["download_request"] ?? 0;
      for (const p of [pointers[0], pointers[2]]) {
        const got = await runMain(
          ["retrieve", p, "--json"],
          { ...envB, LUMERA_MEMORY_MNEMONIC: s.mnemonic },
          { flags: flagsFor(homeB) },
        );
        assert.equal(got.code, 0, got.stderr);
        const rec = JSON.parse(got.stdout);
        assert.equal(rec.verified, true);
        assert.ok(notes.some(([text]) => JSON.stringify(rec).includes(text)));
      }
      assert.equal(
        (s.hits["download_request"] ?? 0) - downloadsBefore,
        1,
        "two memories of one segment: one download",
      );
      // Fetched blobs are local now: verify reads them all back.
      const verify = await runMain(["verify", "--read-data", "--json"], envB);
      assert.equal(JSON.parse(verify.stdout).problems.length, 0, verify.stdout);
    },
  );
});

Deno.test("cascade over HTTP: an unfunded account is refused, parked, and nothing is lost", async () => {
  await withTwoHomes({ fundUlume: 0n }, async (s, home, _b, key) => {
    const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
    const p = await storeNote(env, home, "a note that cannot be uploaded yet", "x");
    const sync = await runMain(
      ["sync", "--now", "--wait", "5", "--json"],
      { ...env, LUMERA_MEMORY_MNEMONIC: s.mnemonic },
      { flags: flagsFor(home) },
    );
    assertNoMnemonic(s, sync.stdout, sync.stderr);
    assert.equal(sync.code, 7, sync.stdout + sync.stderr);
    const report = JSON.parse(sync.stdout);
    assert.ok(report.errors.length >= 1);
    assert.ok(
      report.errors.every((e: { code: string }) => /^REMOTE_(REJECTED|UNAVAILABLE)$/.test(e.code)),
    );
    assert.equal(s.actionIds().length, 0, "nothing registered");
    const got = await runMain(["retrieve", p, "--json"], env);
    assert.equal(got.code, 0, "the memory is still local and readable");
    const stats = JSON.parse((await runMain(["stats", "--json"], env)).stdout);
    assert.equal(stats.remote.by_state["local-only"], 1);
  });
});

Deno.test("cascade over HTTP: estimate --live reads the chain's current fee parameters and gas", async () => {
  await withTwoHomes(
    { baseActionFeeUlume: 20_000n, feePerKbyteUlume: 7n },
    async (s, home, _b, key) => {
      const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
      const r = await runMain(
        ["estimate", "--bytes", "1048576", "--live", "--json"],
        { ...env, LUMERA_MEMORY_MNEMONIC: s.mnemonic },
        { flags: flagsFor(home) },
      );
      assertNoMnemonic(s, r.stdout, r.stderr);
      assert.equal(r.code, 0, r.stderr);
      const live = JSON.parse(r.stdout).live;
      assert.equal(live.base_action_fee_ulume, 20_000, "not the offline default of 10,000");
      assert.equal(live.fee_per_kbyte_ulume, 7);
      assert.equal(live.action_fee_ulume, 20_000 + 7 * 1024);
      assert.ok(live.gas_used > 0);
      assert.equal(live.total_ulume, live.action_fee_ulume + live.gas_fee_ulume);
      assert.equal(live.account, s.address);
      const offline = await runMain(["estimate", "--bytes", "1048576", "--json"], env);
      assert.equal(JSON.parse(offline.stdout).fee_ulume, 20_240, "without --live: the defaults");
    },
  );
});

Deno.test("cascade over HTTP: two sync processes at once register each segment once", async () => {
  await withTwoHomes({ doneDelayMs: 100 }, async (s, home, _b, key) => {
    const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
    for (let i = 0; i < 6; i++) await storeNote(env, home, `concurrent sync note ${i}`, "c");
    const withAccount = { ...env, LUMERA_MEMORY_MNEMONIC: s.mnemonic };
    const run = () =>
      runMain(["sync", "--now", "--wait", "60", "--json"], withAccount, {
        flags: flagsFor(home),
      });
    const [a, b] = await Promise.all([run(), run()]);
    assertNoMnemonic(s, a.stdout, a.stderr, b.stdout, b.stderr);
    // One of them may leave the other's in-flight upload to it; both end without error or with
    // work left only because the other process holds it.
    for (const r of [a, b]) assert.ok(r.code === 0 || r.code === 7, r.stdout + r.stderr);
    const finish = await run(); // whatever is left, one more pass finishes
    assert.equal(finish.code, 0, finish.stdout + finish.stderr);
    const stats = JSON.parse((await runMain(["stats", "--json"], env)).stdout);
    assert.equal(stats.remote.by_state.finalized, 6);
    // Every registered action is either the one segment or a manifest: no segment paid twice.
    const segments = new Set(
      JSON.parse((await runMain(["query", "concurrent", "--json"], env)).stdout).hits
        .map((h: { remote: { action_id: string } }) => h.remote.action_id),
    );
    assert.equal(segments.size, 1, "six small notes in one segment");
    const registrations = JSON.parse(a.stdout).registered + JSON.parse(b.stdout).registered +
      JSON.parse(finish.stdout).registered;
    assert.equal(registrations, s.actionIds().length, "reports add up to the chain's actions");
    const reports = [a, b, finish].map((r) => JSON.parse(r.stdout));
    const sum = (k: string) => reports.reduce((n, r) => n + r[k], 0);
    assert.equal(sum("segments_built"), 1, "one segment built, by one of the processes");
    assert.equal(
      s.actionIds().length,
      1 + sum("manifests_built"),
      "the chain holds that segment once plus the manifests",
    );
  });
});
