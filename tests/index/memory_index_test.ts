import assert from "node:assert/strict";
import { openIndexDb, SCHEMA_USER_VERSION } from "../../src/index/db.ts";
import { MemoryIndex, QUERY_WINDOW } from "../../src/index/memory_index.ts";
import { LumeraError } from "../../src/errors.ts";
import { type MemoryRecord, normalizeRecord } from "../../src/record/schema.ts";
import { tempHome } from "../helpers/home.ts";

function rec(i: number, extra: Partial<MemoryRecord> = {}): MemoryRecord {
  return normalizeRecord({
    session_id: `s-${i}`,
    timestamp: new Date(Date.UTC(2026, 10, 1 + (i % 28), 12)).toISOString(),
    tool_name: i % 2 ? "claude-code" : "codex",
    success: true,
    summary: `session ${i} about the cache layer`,
    tags: i % 3 === 0 ? ["pytest"] : ["test"],
    ...extra,
  });
}

let seq = 0;
function add(idx: MemoryIndex, record: MemoryRecord): string {
  seq++;
  const pointer = `cascade://${seq.toString(16).padStart(64, "0")}`;
  idx.insert({
    pointer,
    contentId: `c${seq}`,
    record,
    storedMs: Date.now(),
    storedBytes: 100,
    recordBytes: 200,
    keyId: "k",
  });
  return pointer;
}

async function memIndex(): Promise<MemoryIndex> {
  return new MemoryIndex(await openIndexDb(":memory:"));
}

Deno.test("exact tags: `test` does not match `pytest`", async () => {
  const idx = await memIndex();
  for (let i = 0; i < 9; i++) add(idx, rec(i));
  const test = idx.query({ tags: ["test"], limit: 100 });
  const pytest = idx.query({ tags: ["PyTest "], limit: 100 });
  assert.equal(test.total, 6);
  assert.equal(pytest.total, 3);
  assert.ok(test.hits.every((h) => h.tags.includes("test") && !h.tags.includes("pytest")));
});

Deno.test("full text: bm25 ranking, snippets, and falling back to any word", async () => {
  const idx = await memIndex();
  add(idx, rec(1, { summary: "unrelated", body: "we tuned the garbage collector" }));
  const hit = add(
    idx,
    rec(2, {
      title: "Fix the login race",
      summary: "login race fixed",
      body: "two token refreshes overlapped during login",
    }),
  );
  add(idx, rec(3, { summary: "login page styling", body: "css only" }));
  const r = idx.query({ text: "login race" });
  assert.equal(r.hits[0].pointer, hit);
  assert.equal(r.total, 1);
  assert.match(r.hits[0].snippet ?? "", /\[(login|race)\]/i);
  const any = idx.query({ text: "login collector" });
  assert.equal(any.total, 3);
  assert.equal(any.match, "any");
});

Deno.test("FTS syntax in user text never raises", async () => {
  const idx = await memIndex();
  add(idx, rec(1, { body: "NEAR the login race (really) - fixed" }));
  for (
    const q of [
      '"',
      '"unbalanced',
      "login*",
      "-login",
      "NEAR(login race)",
      "login NEAR race",
      "(((",
      ")",
      "AND OR NOT",
      "body:login",
      "^login",
      "login + race",
      "'; DROP TABLE memories; --",
      "\u0000",
      "🔥 émoji café",
      "",
      "   ",
    ]
  ) {
    const r = idx.query({ text: q });
    assert.ok(r.total >= 0, q);
  }
  assert.equal(idx.query({ text: "login*" }).total, 1);
});

Deno.test("filters: agent, kind, time window; cursor pagination covers everything once", async () => {
  const idx = await memIndex();
  for (let i = 0; i < 25; i++) add(idx, rec(i));
  assert.equal(idx.query({ agent: "codex", limit: 100 }).total, 13);
  assert.equal(idx.query({ since: "2026-11-20", limit: 100 }).total, 6);
  assert.equal(idx.query({ since: "2026-11-05", until: "2026-11-10", limit: 100 }).total, 5);
  const seen = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = idx.query({ text: "cache", limit: 7, cursor });
    page.hits.forEach((h) => seen.add(h.pointer));
    cursor = page.next_cursor;
    pages++;
  } while (cursor);
  assert.equal(seen.size, 25);
  assert.equal(pages, 4);
});

function pageAll(idx: MemoryIndex, q: { text?: string; tags?: string[]; rank_all?: boolean }) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let last;
  do {
    last = idx.query({ ...q, limit: 100, cursor });
    seen.push(...last.hits.map((h) => h.pointer));
    cursor = last.next_cursor;
  } while (cursor);
  return { seen, last };
}

Deno.test("over the query window: total is a capped lower bound; text ranks the newest matches", async () => {
  const idx = await memIndex();
  const over = QUERY_WINDOW + 40;
  const pointers: string[] = [];
  // The oldest memory matches best (the word in its title); the window leaves it out.
  pointers.push(add(idx, rec(0, { title: "window window window", summary: "window" })));
  for (let i = 1; i < over; i++) pointers.push(add(idx, rec(i, { summary: `window ${i}` })));

  const text = idx.query({ text: "window" });
  assert.equal(text.total, QUERY_WINDOW);
  assert.equal(text.total_capped, true);
  const ranked = pageAll(idx, { text: "window" });
  assert.equal(ranked.seen.length, QUERY_WINDOW, "pages stop at the window");
  assert.equal(new Set(ranked.seen).size, QUERY_WINDOW, "no hit twice");
  assert.deepEqual(
    new Set(ranked.seen),
    new Set(pointers.slice(over - QUERY_WINDOW)),
    "the newest matches",
  );
  assert.equal(ranked.last.next_cursor, undefined);

  // Listing (no text) still pages through everything; its total is capped the same way.
  const listed = pageAll(idx, {});
  assert.equal(listed.seen.length, over);
  assert.equal(new Set(listed.seen).size, over);
  const list = idx.query({ limit: 5 });
  assert.equal(list.total, QUERY_WINDOW);
  assert.equal(list.total_capped, true);

  // Under the window the total is exact and not marked capped.
  const few = idx.query({ text: "window", tags: ["pytest"] });
  assert.equal(few.total, Math.ceil(over / 3));
  assert.equal(few.total_capped, undefined);
  assert.equal(pageAll(idx, { text: "window", tags: ["pytest"] }).seen.length, Math.ceil(over / 3));

  // rank_all: every match counted exactly and ranked; the best (oldest) one comes first.
  const all = idx.query({ text: "window", rank_all: true });
  assert.equal(all.total, over);
  assert.equal(all.total_capped, undefined);
  assert.equal(all.hits[0].pointer, pointers[0], "the best match, however old");
  const everything = pageAll(idx, { text: "window", rank_all: true });
  assert.equal(new Set(everything.seen).size, over, "pages reach every match");
  // A cursor of one mode does not continue the other.
  assert.throws(
    () => idx.query({ text: "window", cursor: text.next_cursor, rank_all: true }),
    (e: unknown) => e instanceof LumeraError && e.code === "USAGE",
  );
});

Deno.test("bad query parameters are usage errors", async () => {
  const idx = await memIndex();
  const usage = (e: unknown) => e instanceof LumeraError && e.code === "USAGE";
  assert.throws(() => idx.query({ limit: 0 }), usage);
  assert.throws(() => idx.query({ limit: 101 }), usage);
  assert.throws(() => idx.query({ since: "last tuesday" }), usage);
  assert.throws(() => idx.query({ cursor: "garbage" }), usage);
  assert.throws(() => idx.query({ text: "x".repeat(1001) }), usage);
  const c = (() => {
    for (let i = 0; i < 3; i++) add(idx, rec(i));
    return idx.query({ limit: 1 }).next_cursor!;
  })();
  assert.throws(() => idx.query({ limit: 2, cursor: c }), usage, "a cursor is bound to its query");
});

Deno.test("duplicate content id returns the existing pointer; migrations are idempotent", async () => {
  const home = await tempHome();
  try {
    const db = await openIndexDb(`${home}/index.db`);
    const idx = new MemoryIndex(db);
    const entry = {
      contentId: "same",
      record: rec(1),
      storedMs: 1,
      storedBytes: 1,
      recordBytes: 1,
      keyId: "k",
    };
    const a = idx.insert({ ...entry, pointer: `cascade://${"1".repeat(64)}` });
    const b = idx.insert({ ...entry, pointer: `cascade://${"2".repeat(64)}` });
    assert.equal(a.duplicate, false);
    assert.deepEqual(b, { pointer: a.pointer, duplicate: true });
    db.close();
    const again = await openIndexDb(`${home}/index.db`);
    const v = again.prepare("PRAGMA user_version").get() as { user_version: number };
    assert.equal(v.user_version, SCHEMA_USER_VERSION);
    assert.equal(new MemoryIndex(again).count(), 1);
    again.exec("PRAGMA user_version = 99");
    again.close();
    await assert.rejects(
      openIndexDb(`${home}/index.db`),
      (e) => e instanceof LumeraError && e.code === "USAGE",
    );
    await Deno.writeTextFile(`${home}/junk.db`, "this is not a database at all".repeat(100));
    await assert.rejects(
      openIndexDb(`${home}/junk.db`),
      (e) => e instanceof LumeraError && e.code === "INTEGRITY",
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("insert inside a caller's transaction lands or rolls back with it", async () => {
  const db = await openIndexDb(":memory:");
  const idx = new MemoryIndex(db);
  const kept = add(idx, rec(1)); // its own transaction, as before
  assert.equal(db.isTransaction, false);

  db.exec("BEGIN IMMEDIATE");
  const inner = add(idx, rec(2));
  assert.equal(db.isTransaction, true, "the insert did not end the caller's transaction");
  assert.equal(idx.hasPointer(inner), true);
  db.exec("ROLLBACK");
  assert.equal(idx.hasPointer(inner), false, "rolled back with the caller");
  assert.equal(idx.hasPointer(kept), true);

  db.exec("BEGIN IMMEDIATE");
  const committed = add(idx, rec(3));
  const dup = idx.insert({
    pointer: `cascade://${"e".repeat(64)}`,
    contentId: `c${seq}`, // the content just inserted: a duplicate, inside the transaction
    record: rec(3),
    storedMs: Date.now(),
    storedBytes: 1,
    recordBytes: 1,
    keyId: "k",
  });
  assert.deepEqual(dup, { pointer: committed, duplicate: true });
  db.exec("COMMIT");
  assert.equal(idx.hasPointer(committed), true);
  assert.equal(idx.query({ text: "session", limit: 100 }).total, 2);
});

Deno.test("a failing insert inside a caller's transaction undoes only itself", async () => {
  const db = await openIndexDb(":memory:");
  const idx = new MemoryIndex(db);
  db.exec("BEGIN IMMEDIATE");
  const first = add(idx, rec(4));
  const bad = { ...rec(5), timestamp: "not a time" } as MemoryRecord; // fails mid-insert
  assert.throws(() =>
    idx.insert({
      pointer: `cascade://${"f".repeat(64)}`,
      contentId: "another content",
      record: bad,
      storedMs: Date.now(),
      storedBytes: 1,
      recordBytes: 1,
      keyId: "k",
    })
  );
  assert.equal(db.isTransaction, true, "the caller's transaction is still open");
  db.exec("COMMIT");
  assert.equal(idx.hasPointer(first), true);
  assert.equal(idx.hasPointer(`cascade://${"f".repeat(64)}`), false);
  assert.equal(idx.query({ limit: 100 }).total, 1);
});

Deno.test("a next_cursor is unpadded base64 of [offset, fingerprint], as before", async () => {
  const idx = await memIndex();
  for (let i = 0; i < 30; i++) add(idx, rec(i));
  for (const q of [{ limit: 7 }, { text: "cache layer", limit: 7 }]) {
    const first = idx.query(q);
    const cursor = first.next_cursor!;
    assert.match(cursor, /^[A-Za-z0-9+/]+$/, "base64 without padding");
    const [offset, fingerprint] = JSON.parse(atob(cursor));
    assert.equal(offset, 7);
    assert.equal(typeof fingerprint, "string");
    assert.equal(cursor, btoa(JSON.stringify([offset, fingerprint])).replaceAll("=", ""));
    assert.equal(idx.query({ ...q, cursor }).hits.length, 7);
  }
});
