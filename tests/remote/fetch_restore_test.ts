import assert from "node:assert/strict";
import { RemoteIndex } from "../../src/index/remote_index.ts";
import { restoreFromRemote } from "../../src/remote/restore.ts";
import { parsePointer } from "../../src/store/pointer.ts";
import { LumeraError } from "../../src/errors.ts";
import {
  attachFetcher,
  engineFor,
  MemoryCascadeRemote,
  storeNotes,
  TestClock,
  withHome,
  withOpenHome,
  withService,
} from "./_helpers.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

Deno.test("retrieve falls back to Cascade: one segment download serves two memories", async () => {
  await withService(async (s) => {
    const pointers = await storeNotes(s, 10);
    const remote = new MemoryCascadeRemote();
    await engineFor(s, remote, new TestClock()).sync({ now: true, waitMs: 60_000 });
    const before = [await s.retrieve(pointers[2]), await s.retrieve(pointers[7])];
    // The local blobs go (disk lost, or another machine).
    for (const p of pointers) await s.blobs.delete(parsePointer(p));
    await assert.rejects(() => s.retrieve(pointers[2]), (e) => codeOf(e) === "NOT_FOUND");
    const fetcher = attachFetcher(s, remote);
    const after = [await s.retrieve(pointers[2]), await s.retrieve(pointers[7])];
    assert.deepEqual(after, before);
    assert.equal(remote.calls.download, 1, "the segment was downloaded once");
    assert.equal(fetcher.downloads, 1);
    // Fetched blobs are local again; the segment stays cached for the other members.
    assert.ok(await s.blobs.has(parsePointer(pointers[2])));
    await s.retrieve(pointers[5]);
    assert.equal(remote.calls.download, 1);
    // A new fetcher (another process) reads the cached segment, no network.
    const second = attachFetcher(s, remote);
    await s.retrieve(pointers[6]);
    assert.equal(second.downloads, 0);
    assert.equal(remote.calls.download, 1);
  });
});

Deno.test("a damaged cached segment is downloaded again; a damaged download is refused", async () => {
  await withService(async (s, home) => {
    const pointers = await storeNotes(s, 3);
    const remote = new MemoryCascadeRemote();
    await engineFor(s, remote, new TestClock()).sync({ now: true, waitMs: 60_000 });
    for (const p of pointers) await s.blobs.delete(parsePointer(p));
    attachFetcher(s, remote);
    await s.retrieve(pointers[0]);
    // Corrupt the cached copy: the next fetch (new process) notices and downloads again.
    const cache = `${home}/segments/1`;
    const bytes = await Deno.readFile(cache);
    const loc = new RemoteIndex(s.index.db).location(pointers[1])!;
    bytes[loc.member.offset + 3] ^= 0xff;
    await Deno.writeFile(cache, bytes);
    const f = attachFetcher(s, remote);
    await s.retrieve(pointers[1]);
    assert.equal(f.downloads, 1);
    assert.equal(remote.calls.download, 2);
  });
});

Deno.test("without a remote, a missing blob is still NOT_FOUND and nothing is fetched", async () => {
  await withService(async (s) => {
    const [p] = await storeNotes(s, 1);
    assert.equal(s.hasRemote, false);
    await s.blobs.delete(parsePointer(p));
    await assert.rejects(() => s.retrieve(p), (e) => codeOf(e) === "NOT_FOUND");
    assert.equal(s.query({}).hits[0].remote.state, "local-only");
    assert.equal(s.stats().remote.configured, false);
  });
});

Deno.test("restore into an empty home rebuilds the index; retrieve then fetches on demand", async () => {
  await withHome(async (home, key) => {
    const remote = new MemoryCascadeRemote();
    const clock = new TestClock();
    const { pointers, expected } = await withOpenHome(home, key, async (s) => {
      const pointers = await storeNotes(s, 12, 3000);
      await engineFor(s, remote, clock).sync({ now: true, waitMs: 60_000 });
      // The store changes: more memories and a forget; the next sync uploads a new manifest.
      pointers.push(...await storeNotes(s, 3, 300, 100));
      await s.forget({ pointer: pointers[0] }, { confirm: true });
      clock.now += 60_000;
      const r = await engineFor(s, remote, clock).sync({ now: true, waitMs: 60_000 });
      assert.equal(r.manifests_built, 1);
      const expected: unknown[] = [];
      for (const p of pointers.slice(1)) expected.push(await s.retrieve(p));
      return { pointers, expected };
    });
    await withHome(async (home2) => {
      await withOpenHome(home2, key, async (fresh) => {
        const report = await restoreFromRemote(fresh, remote);
        assert.equal(report.manifest.seq, 2);
        assert.equal(report.restored, 14);
        assert.equal(report.tombstones, 2, "the forget's content and session tombstones");
        assert.equal(fresh.stats().memories, 14);
        assert.equal(fresh.stats().remote.by_state.finalized, 14);
        // Search works from the restored index alone (titles, summaries, text).
        const hits = fresh.query({ text: "memory 5", all_workspaces: true }).hits;
        assert.ok(hits.some((h) => h.title === "note 5"));
        assert.equal(remote.calls.download, 1, "only the manifest so far");
        // The forgotten memory is not back.
        assert.equal(fresh.index.hasPointer(pointers[0]), false);
        attachFetcher(fresh, remote);
        const got = [];
        for (const p of pointers.slice(1)) got.push(await fresh.retrieve(p));
        assert.deepEqual(got, expected);
        assert.equal(remote.calls.download, 1 + 2, "manifest + the two segments, once each");
        // Verify does not count memories held remotely as missing, and all blobs are local now.
        assert.equal((await fresh.verify()).ok, true);
        // A sync on the restored home has nothing to upload (no new manifest either).
        const again = await engineFor(fresh, remote, clock).sync({ now: true, waitMs: 60_000 });
        assert.equal(again.registered, 0);
        // Restoring again changes nothing.
        const twice = await restoreFromRemote(fresh, remote);
        assert.equal(twice.restored, 0);
        assert.equal(twice.already_indexed, 14);
      });
    });
  });
});

Deno.test("restore --fetch-all downloads each segment once and re-indexes full texts", async () => {
  await withHome(async (home, key) => {
    const remote = new MemoryCascadeRemote();
    let longWord = "";
    await withOpenHome(home, key, async (s) => {
      // A long note: its searchable text is cut in the manifest; the tail word is only found
      // after the blob is fetched.
      const text = "x".repeat(10) + " " + "filler ".repeat(500) + "zebracorn";
      longWord = "zebracorn";
      await s.store({ kind: "note", title: "long", text });
      await storeNotes(s, 5);
      await engineFor(s, remote, new TestClock()).sync({ now: true, waitMs: 60_000 });
    });
    await withHome(async (home2) => {
      await withOpenHome(home2, key, async (fresh) => {
        await restoreFromRemote(fresh, remote);
        assert.equal(fresh.query({ text: longWord, all_workspaces: true }).total, 0);
        const r = await withOpenHome(
          home2,
          key,
          (s) => restoreFromRemote(s, remote, { fetchAll: true }),
        );
        assert.equal(r.fetched, 6);
        assert.equal(r.downloads, 1);
      });
      await withOpenHome(home2, key, (again) => {
        assert.equal(again.query({ text: longWord, all_workspaces: true }).total, 1);
        assert.equal(again.stats().memories, 6);
      });
    });
  });
});

Deno.test("restore with another key finds no manifest it can open", async () => {
  await withHome(async (home, key) => {
    const remote = new MemoryCascadeRemote();
    await withOpenHome(home, key, async (s) => {
      await storeNotes(s, 2);
      await engineFor(s, remote, new TestClock()).sync({ now: true, waitMs: 60_000 });
    });
    await withHome(async (home2, otherKey) => {
      await withOpenHome(home2, otherKey, async (other) => {
        await assert.rejects(
          () => restoreFromRemote(other, remote),
          (e) => codeOf(e) === "NOT_FOUND",
        );
        assert.equal(remote.calls.download, 0, "another key's manifest name does not even match");
      });
    });
  });
});

Deno.test("on a restored home, storing content again deduplicates against the remote copy", async () => {
  await withHome(async (home, key) => {
    const remote = new MemoryCascadeRemote();
    const record = {
      session_id: "dedup-1",
      timestamp: "2026-10-01T00:00:00Z",
      tool_name: "codex",
      success: true,
      summary: "a session stored on two machines",
      tags: ["dedup"],
    };
    const pointer = await withOpenHome(home, key, async (s) => {
      const { pointer } = await s.store({ kind: "record", record });
      await engineFor(s, remote, new TestClock()).sync({ now: true, waitMs: 60_000 });
      return pointer;
    });
    await withHome(async (home2) => {
      await withOpenHome(home2, key, async (fresh) => {
        await restoreFromRemote(fresh, remote);
        attachFetcher(fresh, remote);
        const again = await fresh.store({ kind: "record", record });
        assert.equal(again.deduplicated, true);
        assert.equal(again.pointer, pointer);
        assert.equal(fresh.stats().remote.pending_memories, 0, "nothing new to upload");
      });
    });
  });
});
