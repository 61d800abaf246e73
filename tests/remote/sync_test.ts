import assert from "node:assert/strict";
import { RemoteIndex } from "../../src/index/remote_index.ts";
import { LEASE_MS, REGISTER_SETTLE_MS } from "../../src/remote/sync_engine.ts";
import {
  engineFor,
  MemoryCascadeRemote,
  openHome,
  storeNotes,
  TestClock,
  withHome,
  withService,
} from "./_helpers.ts";

Deno.test("sync --now batches every pending memory into one segment and finalizes it", async () => {
  await withService(async (s, home) => {
    const pointers = await storeNotes(s, 20);
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    const report = await engineFor(s, remote, clock).sync({ now: true, waitMs: 60_000 });
    assert.equal(report.segments_built, 1);
    assert.equal(report.memories_batched, 20);
    assert.equal(report.registered, 2, "the segment and then the manifest");
    assert.equal(report.finalized, 2);
    assert.equal(report.manifests_built, 1);
    assert.equal(remote.calls.register, 2);
    assert.deepEqual(report.remaining, { uploads: 0, pending_memories: 0, rejected: 0 });
    const states = new RemoteIndex(s.index.db).stateOf(pointers);
    for (const p of pointers) {
      const st = states.get(p)!;
      assert.equal(st.state, "finalized");
      assert.equal(st.action_id, "1");
      assert.ok(st.tx_hash && st.data_hash && st.price_ulume! >= 10_000);
    }
    const stats = s.stats();
    assert.equal(stats.remote.by_state.finalized, 20);
    assert.equal(stats.remote.segments.finalized, 1);
    assert.equal(stats.remote.manifests.finalized, 1);
    assert.equal(stats.remote.manifest_seq, 1);
    // Two registrations: both action prices plus two gas fees.
    const paid = remote.actions.reduce((n, a) => n + Number(a.priceUlume), 0) + 2 * 3_250;
    assert.equal(stats.remote.paid_ulume, paid);
    assert.equal(report.fees_paid_ulume, paid);
    // Query hits carry the state; the outbox is empty once finalized.
    const hit = s.query({ text: "memory", limit: 1 }).hits[0];
    assert.equal(hit.remote.state, "finalized");
    assert.deepEqual([...Deno.readDirSync(`${home}/outbox`)], []);
    // A second sync has nothing to do and uploads no new manifest.
    const again = await engineFor(s, remote, clock).sync({ now: true });
    assert.equal(again.segments_built + again.registered + again.manifests_built, 0);
    assert.equal(remote.calls.register, 2);
  });
});

Deno.test("without --now, the policy waits for enough bytes or age", async () => {
  await withService(async (s) => {
    await storeNotes(s, 3);
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    const engine = engineFor(s, remote, clock, { flushAgeMs: 10 * 60_000 });
    const early = await engine.sync();
    assert.equal(early.flush, "none");
    assert.equal(early.segments_built, 0);
    assert.equal(remote.calls.register, 0);
    clock.now += 11 * 60_000;
    const late = await engine.sync({ waitMs: 60_000 });
    assert.equal(late.flush, "age");
    assert.equal(late.segments_built, 1);
    const byBytes = engineFor(s, remote, clock, { flushBytes: 1 });
    await storeNotes(s, 1, 200, 100);
    assert.equal((await byBytes.sync()).flush, "bytes");
  });
});

Deno.test("a dry run plans segments and fees and touches nothing", async () => {
  await withService(async (s) => {
    await storeNotes(s, 100, 5000);
    const remote = new MemoryCascadeRemote();
    const r = await engineFor(s, remote, new TestClock()).sync({ now: true, dryRun: true });
    assert.equal(r.dry_run, true);
    assert.equal(r.segments_built, 1);
    assert.equal(r.memories_batched, 100);
    assert.ok(r.estimated_fee_ulume! > 10_000);
    assert.equal(Object.values(remote.calls).reduce((a, b) => a + b, 0), 0);
    assert.equal(s.stats().remote.pending_memories, 100);
  });
});

Deno.test("batching 100 small memories costs a fraction of uploading each alone", async () => {
  await withService(async (s) => {
    await storeNotes(s, 100, 5000);
    const remote = new MemoryCascadeRemote();
    await engineFor(s, remote, new TestClock()).sync({ now: true, waitMs: 60_000 });
    const segment = remote.actions[0];
    const rows = s.index.allRows();
    const alone = rows.reduce((n, r) => n + 10_000 + 10 * Math.ceil(r.stored_bytes / 1024), 0);
    const ratio = alone / Number(segment.priceUlume);
    assert.ok(ratio > 30, `batched is ${ratio.toFixed(1)}× cheaper`);
  });
});

Deno.test("segments are capped by max_segment_bytes", async () => {
  await withService(async (s) => {
    await storeNotes(s, 30, 20_000);
    const remote = new MemoryCascadeRemote();
    const r = await engineFor(s, remote, new TestClock(), { maxSegmentBytes: 128 * 1024 })
      .sync({ now: true, waitMs: 60_000 });
    assert.ok(r.segments_built >= 3, `${r.segments_built} segments`);
    for (const a of remote.actions) {
      assert.ok(remote.bytesOf(a.actionId)!.byteLength <= 128 * 1024);
    }
    assert.equal(s.stats().remote.by_state.finalized, 30);
  });
});

Deno.test("transient failures retry with backoff; a rejection parks the upload", async () => {
  await withService(async (s) => {
    await storeNotes(s, 5);
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    const engine = engineFor(s, remote, clock);
    remote.failNext("register", 2);
    const first = await engine.sync({ now: true });
    assert.equal(first.errors[0].code, "REMOTE_UNAVAILABLE");
    const row = new RemoteIndex(s.index.db).uploads()[0];
    assert.equal(row.attempts, 1);
    assert.ok(row.next_attempt_ms > clock.now, "backoff scheduled");
    assert.equal(row.state, "registering");
    // Retries after the backoff; registration outcome unknown → checks the chain first.
    const done = await engine.sync({ waitMs: 10 * 60_000 });
    assert.equal(done.remaining.uploads, 0);
    assert.equal(remote.actions.filter((a) => a.fileName === row.file_name).length, 1);
    assert.equal(s.stats().remote.by_state.finalized, 5);

    await storeNotes(s, 2, 200, 50);
    remote.setBalance(0n);
    const poor = await engine.sync({ now: true, waitMs: 60_000 });
    assert.equal(poor.errors[0].code, "REMOTE_REJECTED");
    const stats = s.stats().remote;
    assert.equal(stats.rejected.length, 1);
    assert.equal(stats.segments.rejected, 1);
    assert.equal(stats.by_state["local-only"], 2);
    // Not retried by itself …
    const idle = await engine.sync({ waitMs: 60_000 });
    assert.equal(idle.registered, 0);
    // … until the user asks.
    remote.setBalance(10_000_000n);
    const retried = await engine.sync({ retryRejected: true, waitMs: 60_000 });
    assert.equal(retried.remaining.rejected, 0);
    assert.equal(s.stats().remote.by_state.finalized, 7);
  });
});

for (
  const [method, when] of [
    ["register", "before"],
    ["register", "after"],
    ["upload", "before"],
    ["upload", "after"],
    ["uploadStatus", "after"],
    ["action", "after"],
  ] as const
) {
  Deno.test(`a sync that dies ${when} ${method} is resumed by the next one: no double registration, no loss`, async () => {
    await withService(async (s) => {
      const pointers = await storeNotes(s, 8);
      const remote = new MemoryCascadeRemote();
      const clock = new TestClock();
      remote.crashAt(method, when);
      const dead = engineFor(s, remote, clock, {}, "dead").sync({ now: true, waitMs: 60_000 });
      void dead; // never settles: that syncer "died" inside the call
      await remote.crashed;
      clock.now += LEASE_MS + REGISTER_SETTLE_MS + 1;
      const r = await engineFor(s, remote, clock, {}, "next").sync({ waitMs: 10 * 60_000 });
      assert.equal(r.remaining.uploads, 0, JSON.stringify(r.errors));
      const names = remote.actions.map((a) => a.fileName);
      assert.equal(new Set(names).size, names.length, "each upload registered once");
      assert.equal(remote.actions.length, 2, "one segment and one manifest");
      if (method === "register" && when === "after") {
        assert.ok(remote.calls.listOwnActions >= 1, "recovered from the chain, not re-paid");
      }
      const states = new RemoteIndex(s.index.db).stateOf(pointers);
      for (const p of pointers) assert.equal(states.get(p)!.state, "finalized");
    });
  });
}

Deno.test("two concurrent syncers on one home never register the same segment twice", async () => {
  await withHome(async (home, key) => {
    const a = await openHome(home, key);
    const b = await openHome(home, key);
    try {
      await storeNotes(a, 40, 3000);
      const remote = new MemoryCascadeRemote();
      const clock = new TestClock();
      const policy = { maxSegmentBytes: 64 * 1024 };
      const [ra, rb] = await Promise.all([
        engineFor(a, remote, clock, policy, "a").sync({ now: true, waitMs: 60_000 }),
        engineFor(b, remote, clock, policy, "b").sync({ now: true, waitMs: 60_000 }),
      ]);
      const names = remote.actions.map((x) => x.fileName);
      assert.equal(new Set(names).size, names.length, "no file registered twice");
      const uploads = new RemoteIndex(a.index.db).uploads().filter((u) => u.kind === "segment");
      assert.equal(
        ra.segments_built + rb.segments_built,
        uploads.filter((u) => u.state !== "abandoned").length,
      );
      assert.equal(a.stats().remote.by_state.finalized, 40);
      assert.equal(remote.calls.register, new Set(names).size);
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("forgetting a member before upload abandons its segment; the rest is queued again", async () => {
  await withService(async (s, home) => {
    const pointers = await storeNotes(s, 6);
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    remote.failNext("register", 1);
    await engineFor(s, remote, clock).sync({ now: true }); // built, registration failed
    await s.forget({ pointer: pointers[0] }, { confirm: true });
    clock.now += 60 * 60_000;
    const r = await engineFor(s, remote, clock).sync({ now: true, waitMs: 60_000 });
    assert.equal(r.abandoned, 1);
    assert.equal(r.segments_built, 1);
    const uploaded = remote.actions.filter((a) => remote.bytesOf(a.actionId));
    const bytes = remote.bytesOf(uploaded[0].actionId)!;
    // The forgotten envelope never left the machine.
    const forgottenHex = pointers[0].slice("cascade://".length);
    const members = new RemoteIndex(s.index.db).members(1);
    assert.equal(members.length, 0, "abandoned segment keeps no members");
    assert.ok(!new RemoteIndex(s.index.db).location(pointers[0]));
    assert.ok(bytes.byteLength > 0 && forgottenHex.length === 64);
    const states = new RemoteIndex(s.index.db).stateOf(pointers.slice(1));
    for (const p of pointers.slice(1)) assert.equal(states.get(p)!.state, "finalized");
    assert.deepEqual([...Deno.readDirSync(`${home}/outbox`)], []);
  });
});

Deno.test("a new manifest waits for the manifest interval unless --now", async () => {
  await withService(async (s) => {
    await storeNotes(s, 3);
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    const engine = engineFor(s, remote, clock, { flushAgeMs: 60_000 });
    assert.equal((await engine.sync({ now: true, waitMs: 60_000 })).manifests_built, 1);
    await storeNotes(s, 2, 200, 10);
    clock.now += 2 * 60_000;
    const r = await engine.sync({ waitMs: 60_000 });
    assert.equal(r.segments_built, 1, "the age policy flushed the new memories");
    assert.equal(r.manifests_built, 0, "but the manifest waits for the interval");
    clock.now += 60 * 60_000;
    assert.equal((await engine.sync({ waitMs: 60_000 })).manifests_built, 1);
    assert.equal(s.stats().remote.manifest_seq, 2);
  });
});

Deno.test("a sync that dies right after registering a second manifest does not mistake the first for it", async () => {
  await withService(async (s) => {
    await storeNotes(s, 3);
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    await engineFor(s, remote, clock).sync({ now: true, waitMs: 60_000 }); // segment + manifest 1
    await storeNotes(s, 2, 200, 10);
    remote.crashAt("register", "after", 1); // the new segment registers; manifest 2 "crashes"
    void engineFor(s, remote, clock, {}, "dead").sync({ now: true, waitMs: 60_000 });
    await remote.crashed;
    clock.now += LEASE_MS + REGISTER_SETTLE_MS + 1;
    const r = await engineFor(s, remote, clock, {}, "next").sync({ waitMs: 10 * 60_000 });
    assert.equal(r.remaining.uploads, 0, JSON.stringify(r.errors));
    assert.equal(remote.actions.length, 4, "two segments, two manifests, none paid twice");
    const manifests = new RemoteIndex(s.index.db).uploads().filter((u) => u.kind === "manifest");
    assert.deepEqual(manifests.map((m) => m.action_id).sort(), ["2", "4"]);
    assert.ok(manifests.every((m) => m.state === "finalized"));
    assert.equal(s.stats().remote.manifest_seq, 2);
  });
});

Deno.test("a syncer that died while building leaves nothing behind once the next one runs", async () => {
  await withService(async (s, home) => {
    const pointers = await storeNotes(s, 4);
    const clock = new TestClock();
    // Simulate the dead builder: a claimed segment, a stray temporary outbox file.
    const ri = new RemoteIndex(s.index.db);
    const id = ri.createUpload(
      {
        kind: "segment",
        fileName: "ab".repeat(16),
        owner: "dead",
        leaseUntilMs: clock.now + 1,
        nowMs: clock.now,
      },
      [{ pointer: pointers[0], offset: 16, length: 10 }],
    )!;
    await Deno.mkdir(`${home}/outbox`, { recursive: true });
    await Deno.writeFile(`${home}/outbox/${"ab".repeat(16)}.x.tmp`, new Uint8Array(3));
    clock.now += 10;
    const remote = new MemoryCascadeRemote();
    const r = await engineFor(s, remote, clock).sync({ now: true, waitMs: 60_000 });
    assert.equal(ri.upload(id)!.state, "abandoned");
    assert.ok(r.abandoned >= 1);
    assert.equal(s.stats().remote.by_state.finalized, 4);
    assert.deepEqual([...Deno.readDirSync(`${home}/outbox`)], []);
  });
});
