import assert from "node:assert/strict";
import { sha256Hex } from "../../src/crypto/hex.ts";
import { LumeraError } from "../../src/errors.ts";
import { FsBlobStore } from "../../src/store/fs_blob_store.ts";
import type { BlobId } from "../../src/store/pointer.ts";
import { listFiles, tempHome } from "../helpers/home.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

async function withStore(fn: (s: FsBlobStore, root: string) => Promise<void>) {
  const home = await tempHome();
  try {
    await fn(new FsBlobStore(`${home}/blobs`), `${home}/blobs`);
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
