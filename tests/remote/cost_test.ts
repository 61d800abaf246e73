import assert from "node:assert/strict";
import { DEFAULT_BATCH_POLICY } from "../../src/config/remote_config.ts";
import { batchingCost, liveEstimate } from "../../src/remote/cost.ts";
import { randomKeyHex, tempHome } from "../helpers/home.ts";
import { MemoryCascadeRemote } from "../helpers/memory_cascade_remote.ts";
import { runMain } from "../helpers/permissions.ts";

Deno.test("100 memories of 5 KiB: one batched upload costs a fraction of 100 separate ones", () => {
  const c = batchingCost(100 * 5 * 1024, 100, DEFAULT_BATCH_POLICY);
  assert.equal(c.separate_fee_ulume, 100 * (10_000 + 10 * 5));
  assert.equal(c.segments, 1);
  assert.ok(c.segment_bytes >= 100 * 5 * 1024);
  assert.equal(c.batched_fee_ulume, 10_000 + 10 * Math.ceil(c.segment_bytes / 1024));
  // ~67× without padding (the reference's figure); padding to a bucket costs a little of it.
  assert.ok(c.ratio > 55 && c.ratio <= 67, `${c.ratio}`);
});

Deno.test("big memories gain little from batching; the cap splits segments", () => {
  const c = batchingCost(10 * 50 * 1024 * 1024, 10, DEFAULT_BATCH_POLICY);
  assert.equal(c.segments, 10, "50 MiB each: one per 64 MiB segment");
  assert.ok(c.ratio < 1.2);
});

Deno.test("live estimate reads params, fee, gas and balance from the remote", async () => {
  const remote = new MemoryCascadeRemote();
  const l = await liveEstimate(remote, 2048);
  assert.equal(l.action_fee_ulume, 10_020);
  assert.equal(l.base_action_fee_ulume, 10_000);
  assert.equal(l.total_ulume, 10_020 + l.gas_fee_ulume);
  assert.equal(l.account, remote.address);
});

Deno.test("estimate --memories compares offline; --live without a remote explains", async () => {
  const home = await tempHome();
  try {
    const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() };
    const r = await runMain(["estimate", "--bytes", "512000", "--memories", "100", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.fee_ulume, 10_000 + 10 * 500);
    assert.equal(out.batching.separate_fee_ulume, 100 * 10_050);
    assert.ok(out.batching.ratio > 50);
    const human = await runMain(["estimate", "--bytes", "512000", "--memories", "100"], env);
    assert.match(human.stdout, /batched into 1 segment/);
    const live = await runMain(["estimate", "--bytes", "1000", "--live", "--json"], env);
    assert.equal(live.code, 2);
    assert.match(JSON.parse(live.stdout).error.message, /no Cascade remote is configured/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
