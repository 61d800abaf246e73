import assert from "node:assert/strict";
import { sha256Hex } from "../../src/crypto/hex.ts";
import { LumeraError } from "../../src/errors.ts";
import { FsBlobStore, type FsBlobStoreOptions } from "../../src/store/fs_blob_store.ts";
import type { BlobId } from "../../src/store/pointer.ts";
import { listFiles, tempHome } from "../helpers/home.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

/** Runs `fn` on a store in a fresh temporary home; closes the store and removes the home. */
async function withStore(
  fn: (s: FsBlobStore, root: string) => Promise<void>,
  options: FsBlobStoreOptions = {},
) {
  const home = await tempHome();
  try {
    const s = new FsBlobStore(`${home}/blobs`, options);
    try {
      await fn(s, `${home}/blobs`);
    } finally {
      await s.close();
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("put is content-addressed, fanned out, idempotent and leaves no temp files", () =>
  withStore(async (s, root) => {
    const bytes = new TextEncoder().encode("envelope bytes");
    const id = await s.put(bytes);
    assert.equal(id, await sha256Hex(bytes));
    assert.equal(await s.put(bytes), id);
    assert.deepEqual(await listFiles(root), [`${id.slice(0, 2)}/${id}`]);
    assert.deepEqual(await s.get(id), bytes);
    assert.ok(await s.has(id));
    assert.deepEqual(await Array.fromAsync(s.list()), [id]);
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(s.pathOf(id))).mode! & 0o777, 0o600);
    }
  }));

Deno.test("get re-checks the hash: flipped, truncated or replaced blobs are integrity errors", () =>
  withStore(async (s) => {
    const bytes = crypto.getRandomValues(new Uint8Array(4096));
    const id = await s.put(bytes);
    const path = s.pathOf(id);
    for (
      const mutate of [
        (b: Uint8Array) => {
          const c = b.slice();
          c[100] ^= 0x10;
          return c;
        },
        (b: Uint8Array) => b.slice(0, 4000),
        () => new Uint8Array(0),
      ]
    ) {
      await Deno.writeFile(path, mutate(bytes));
      await assert.rejects(s.get(id), (e) => codeOf(e) === "INTEGRITY");
    }
    await Deno.remove(path);
    await Deno.symlink("/etc/hostname", path);
    await assert.rejects(s.get(id), (e) => codeOf(e) === "INTEGRITY");
  }));

Deno.test("a missing blob is NOT_FOUND; list skips junk", () =>
  withStore(async (s, root) => {
    await assert.rejects(s.get("b".repeat(64) as BlobId), (e) => codeOf(e) === "NOT_FOUND");
    assert.deepEqual(await Array.fromAsync(s.list()), []);
    const id = await s.put(new Uint8Array([1, 2, 3]));
    await Deno.writeTextFile(`${root}/${id.slice(0, 2)}/.tmp-leftover`, "x");
    await Deno.mkdir(`${root}/zz`);
    await Deno.writeTextFile(`${root}/zz/${"c".repeat(64)}`, "x");
    assert.deepEqual(await Array.fromAsync(s.list()), [id]);
  }));

Deno.test("leftover temp files of interrupted puts are counted and only old ones swept", () =>
  withStore(async (s, root) => {
    const id = await s.put(new TextEncoder().encode("kept blob"));
    const dir = `${root}/${id.slice(0, 2)}`;
    const old = `${dir}/.tmp-${crypto.randomUUID()}`;
    const recent = `${dir}/.tmp-${crypto.randomUUID()}`;
    await Deno.writeFile(old, new Uint8Array(10));
    await Deno.writeFile(recent, new Uint8Array(10));
    await Deno.writeFile(`${dir}/.tmp-not-ours`, new Uint8Array(1));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await Deno.utime(old, hourAgo, hourAgo);
    assert.equal(await s.countLeftovers(), 2);
    assert.deepEqual(await s.sweepLeftovers(60_000), { removed: 1, kept: 1 });
    assert.equal(await s.countLeftovers(), 1);
    await assert.rejects(Deno.lstat(old), Deno.errors.NotFound);
    await Deno.lstat(recent);
    await Deno.lstat(`${dir}/.tmp-not-ours`); // not a name put writes: left alone
    assert.deepEqual(await Array.fromAsync(s.list()), [id]);
    assert.deepEqual(await s.sweepLeftovers(0), { removed: 1, kept: 0 });
  }));

/** Waits until the store's folder holds a prepared temporary file; returns its path. */
async function preparedFile(root: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    for await (const e of Deno.readDir(root)) {
      if (e.isFile && e.name.startsWith(".tmp-")) return `${root}/${e.name}`;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("no prepared temporary file appeared");
}

/** {@link withStore} with a store that keeps the next write's temporary file ready. */
function withPreparingStore(fn: (s: FsBlobStore, root: string) => Promise<void>) {
  return withStore(fn, { prepareTempFiles: true });
}

Deno.test("prepareTempFiles: the next write fills the file made ready after the last one", () =>
  withPreparingStore(async (s, root) => {
    const a = new TextEncoder().encode("first envelope");
    const idA = await s.put(a);
    const spare = await preparedFile(root);
    assert.equal((await Deno.lstat(spare)).size, 0);
    assert.equal(await s.countLeftovers(), 0, "an empty prepared file is not a leftover");
    const b = new TextEncoder().encode("second envelope");
    const idB = await s.put(b);
    await assert.rejects(Deno.lstat(spare), Deno.errors.NotFound, "the prepared file was used");
    const next = await preparedFile(root);
    assert.notEqual(next, spare);
    assert.deepEqual(await s.get(idA), a);
    assert.deepEqual(await s.get(idB), b);
    assert.deepEqual(await Array.fromAsync(s.list()), [idA, idB].sort());
    await s.close();
    assert.deepEqual(
      (await listFiles(root)).filter((f) => f.includes(".tmp-")),
      [],
      "close removes the prepared file",
    );
    const c = new TextEncoder().encode("written after close");
    assert.deepEqual(await s.get(await s.put(c)), c);
    assert.deepEqual((await listFiles(root)).filter((f) => f.includes(".tmp-")), []);
  }));

Deno.test("prepareTempFiles: a prepared file swept by another process is replaced, not trusted", () =>
  withPreparingStore(async (s, root) => {
    await s.put(new TextEncoder().encode("one"));
    await Deno.remove(await preparedFile(root)); // as `reindex` elsewhere would
    const bytes = new TextEncoder().encode("two");
    const id = await s.put(bytes);
    assert.deepEqual(await s.get(id), bytes);
    assert.equal(await s.countLeftovers(), 0);
  }));

Deno.test("prepareTempFiles: a prepared file replaced by a symlink is never renamed into place", () =>
  withPreparingStore(async (s, root) => {
    const outside = await Deno.makeTempFile();
    try {
      await Deno.writeTextFile(outside, "outside, untouched");
      await s.put(new TextEncoder().encode("one"));
      const spare = await preparedFile(root);
      await Deno.remove(spare);
      await Deno.symlink(outside, spare);
      const bytes = new TextEncoder().encode("two");
      const id = await s.put(bytes);
      assert.deepEqual(await s.get(id), bytes);
      assert.equal((await Deno.lstat(`${root}/${id.slice(0, 2)}/${id}`)).isFile, true);
      assert.equal(await Deno.readTextFile(outside), "outside, untouched");
      assert.equal((await Deno.lstat(spare)).isSymlink, true, "the planted link is left alone");
    } finally {
      await Deno.remove(outside);
    }
  }));

Deno.test("prepareTempFiles: concurrent writes never share a prepared file", () =>
  withPreparingStore(async (s) => {
    await s.put(new TextEncoder().encode("warm"));
    const all = Array.from({ length: 12 }, (_, i) => new TextEncoder().encode(`blob ${i}`));
    const ids = await Promise.all(all.map((b) => s.put(b)));
    for (let i = 0; i < all.length; i++) assert.deepEqual(await s.get(ids[i]), all[i]);
    assert.equal(await s.countLeftovers(), 0);
  }));

Deno.test("a non-empty temporary file in the blob folder is a leftover; old ones are swept", () =>
  withStore(async (s, root) => {
    await s.put(new TextEncoder().encode("kept"));
    const full = `${root}/.tmp-${crypto.randomUUID()}`;
    const empty = `${root}/.tmp-${crypto.randomUUID()}`;
    await Deno.writeFile(full, new Uint8Array(40));
    await Deno.writeFile(empty, new Uint8Array(0));
    assert.equal(await s.countLeftovers(), 1);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await Deno.utime(empty, hourAgo, hourAgo);
    assert.deepEqual(await s.sweepLeftovers(60_000), { removed: 1, kept: 1 });
    await assert.rejects(Deno.lstat(empty), Deno.errors.NotFound);
    assert.deepEqual(await s.sweepLeftovers(0), { removed: 1, kept: 0 });
    assert.equal(await s.countLeftovers(), 0);
  }));
