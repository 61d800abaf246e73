import assert from "node:assert/strict";
import { listFiles } from "../helpers/home.ts";
import { codeOf, fill, open, record, withKeyedHome } from "./_helpers.ts";

Deno.test("forget: dry run by default, then removes rows and blobs and keeps them forgotten", () =>
  withKeyedHome(async (home) => {
    const pointers = await fill(home, 10);
    const s = await open(home);
    try {
      const dry = await s.forget({ tag: "t1" }, { confirm: false });
      assert.deepEqual([dry.dry_run, dry.matched, dry.forgotten], [true, 2, 0]);
      assert.equal(s.query({ limit: 100 }).total, 10, "a dry run removes nothing");
      assert.equal((await listFiles(`${home}/blobs`)).length, 10);

      const done = await s.forget({ tag: "t1" }, { confirm: true });
      assert.deepEqual([done.dry_run, done.matched, done.forgotten], [false, 2, 2]);
      assert.equal(s.query({ limit: 100 }).total, 8);
      assert.equal((await listFiles(`${home}/blobs`)).length, 8);
      await assert.rejects(s.retrieve(pointers[1]), (e) => codeOf(e) === "NOT_FOUND");
      assert.deepEqual((await s.verify({ readData: true })).problems, []);

      await assert.rejects(
        s.store({ kind: "record", record: record(1) }),
        (e) => codeOf(e) === "FORGOTTEN",
        "the same content is not brought back",
      );
      await assert.rejects(
        s.store({ kind: "record", record: record(1, { summary: "grown session" }) }),
        (e) => codeOf(e) === "FORGOTTEN",
        "a later version of a forgotten session is not brought back",
      );
      const forced = await s.store({ kind: "record", record: record(1) }, { force: true });
      assert.equal(forced.deduplicated, false);
      assert.equal(s.stats().tombstones, 2, "forcing clears only that session's tombstones");
    } finally {
      s.close();
    }
  }));

Deno.test("forget: by pointer, session, workspace and age; bad selectors are usage errors", () =>
  withKeyedHome(async (home) => {
    const pointers = await fill(home, 12);
    const s = await open(home);
    try {
      assert.equal((await s.forget({ pointer: pointers[0] }, { confirm: true })).forgotten, 1);
      assert.equal((await s.forget({ session_id: "life-2" }, { confirm: true })).forgotten, 1);
      assert.equal((await s.forget({ workspace: "/w/1" }, { confirm: true })).forgotten, 4);
      assert.equal(
        (await s.forget({ older_than: "2026-01-06" }, { confirm: false })).matched,
        1,
        "only life-3 remains before Jan 6 (0, 1, 2 and 4 are gone)",
      );
      for (const bad of [{}, { pointer: "cascade://../x" }, { older_than: "soon" }]) {
        await assert.rejects(
          s.forget(bad, { confirm: true }),
          (e) => ["USAGE", "INVALID_POINTER"].includes(codeOf(e)),
        );
      }
      assert.deepEqual((await s.verify({ readData: true })).problems, []);
    } finally {
      s.close();
    }
  }));

Deno.test("ttl: expired memories leave queries, and prune (forget expired) removes them", () =>
  withKeyedHome(async (home) => {
    const s = await open(home);
    try {
      await s.store({ kind: "record", record: record(1) }, { ttlMs: 1 });
      await s.store({ kind: "record", record: record(2) }, { ttlMs: 3_600_000 });
      await s.store({ kind: "record", record: record(3) });
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(s.query({ limit: 100 }).total, 2, "the expired one is hidden");
      assert.equal(s.stats().expired, 1);
      const pruned = await s.forget({ expired: true }, { confirm: true });
      assert.equal(pruned.forgotten, 1);
      assert.equal(s.stats().memories, 2);
      await assert.rejects(
        s.store({ kind: "record", record: record(4) }, { ttlMs: 0 }),
        (e) => codeOf(e) === "USAGE",
      );
    } finally {
      s.close();
    }
  }));

Deno.test("stats: counts and sizes per agent, workspace, kind and key", () =>
  withKeyedHome(async (home) => {
    await fill(home, 6);
    const s = await open(home);
    try {
      const st = s.stats();
      assert.equal(st.memories, 6);
      assert.ok(st.stored_bytes > 0 && st.record_bytes > st.stored_bytes / 4);
      assert.deepEqual(
        st.by_agent.map((g) => [g.name, g.count]).sort(),
        [["claude-code", 3], ["codex", 3]],
      );
      assert.equal(st.by_workspace.length, 3);
      assert.deepEqual(st.by_key.map((g) => g.name), [st.current_key_id]);
      assert.equal(st.oldest, "2026-01-01T00:00:00.000Z");
    } finally {
      s.close();
    }
  }));
