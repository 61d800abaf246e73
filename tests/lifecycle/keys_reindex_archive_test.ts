import assert from "node:assert/strict";
import { generateMasterKey } from "../../src/crypto/keys.ts";
import { keysDir, listKeyFiles, writeKeyFile } from "../../src/crypto/key_file.ts";
import { exportArchive, importArchive } from "../../src/service/lifecycle/archive.ts";
import { reencryptAll } from "../../src/service/lifecycle/reencrypt.ts";
import { reindexFromBlobs } from "../../src/service/lifecycle/reindex.ts";
import { listFiles, tempHome } from "../helpers/home.ts";
import { codeOf, fill, open, record, withKeyedHome } from "./_helpers.ts";

Deno.test("rotation: new writes use the new key, old memories stay readable, reencrypt moves all", () =>
  withKeyedHome(async (home) => {
    const before = await fill(home, 8);
    const oldKey = (await listKeyFiles(home))[0];
    const { keys: newKeys } = await writeKeyFile(keysDir(home), generateMasterKey());
    const s = await open(home);
    try {
      assert.equal(s.keys.current.keyIdHex, newKeys.keyIdHex);
      const fresh = await s.store({ kind: "record", record: record(100) });
      assert.equal((await s.retrieve(fresh.pointer)).key_id, newKeys.keyIdHex);
      assert.equal((await s.retrieve(before[0])).key_id, oldKey.keyIdHex);

      const r = await reencryptAll(s);
      assert.deepEqual([r.reencrypted, r.merged, r.skipped.length], [8, 0, 0]);
      assert.deepEqual(s.stats().by_key.map((g) => [g.name, g.count]), [[newKeys.keyIdHex, 9]]);
      assert.equal((await reencryptAll(s)).reencrypted, 0, "running it again has nothing to do");
      assert.deepEqual((await s.verify({ readData: true })).problems, []);
      assert.equal((await listFiles(`${home}/blobs`)).length, 9, "old blobs are gone");
    } finally {
      s.close();
    }
    await Deno.remove(oldKey.path);
    const after = await open(home);
    try {
      const all = after.query({ limit: 100 });
      assert.equal(all.total, 9);
      for (const h of all.hits) assert.equal((await after.retrieve(h.pointer)).verified, true);
      assert.deepEqual((await after.verify({ readData: true })).problems, []);
    } finally {
      after.close();
    }
  }));

Deno.test("without an old key's file its memories are WRONG_KEY, verify says undecryptable", () =>
  withKeyedHome(async (home) => {
    const [p] = await fill(home, 1);
    const oldKey = (await listKeyFiles(home))[0];
    await writeKeyFile(keysDir(home), generateMasterKey());
    await Deno.remove(oldKey.path);
    const s = await open(home);
    try {
      await assert.rejects(s.retrieve(p), (e) => codeOf(e) === "WRONG_KEY");
      assert.equal((await s.verify({ readData: true })).problems[0].kind, "undecryptable");
      const r = await reencryptAll(s);
      assert.deepEqual(r.skipped, [p]);
    } finally {
      s.close();
    }
  }));

Deno.test("reindex: a deleted index is rebuilt from the blobs; orphans adopted; forgotten stay gone", () =>
  withKeyedHome(async (home) => {
    await fill(home, 6);
    let s = await open(home);
    await s.forget({ session_id: "life-0" }, { confirm: true });
    const kept = s.query({ limit: 100 }).hits.map((h) => h.pointer).sort();
    s.close();
    for (const f of ["index.db", "index.db-wal", "index.db-shm"]) {
      await Deno.remove(`${home}/${f}`).catch(() => {});
    }
    s = await open(home);
    try {
      assert.equal(s.query({ limit: 100 }).total, 0);
      const r = await reindexFromBlobs(s);
      assert.deepEqual([r.adopted, r.removed, r.unreadable.length], [5, 0, 0]);
      assert.deepEqual(s.query({ limit: 100 }).hits.map((h) => h.pointer).sort(), kept);
      assert.equal(s.query({ text: "lifecycle caching", tags: ["t1"] }).total, 1);
      assert.deepEqual((await s.verify({ readData: true })).problems, []);
      assert.equal((await reindexFromBlobs(s)).adopted, 0, "idempotent");
    } finally {
      s.close();
    }
  }));

Deno.test("reindex drops rows whose blob is gone and reports unreadable blobs", () =>
  withKeyedHome(async (home) => {
    const [a, b] = await fill(home, 3);
    const path = (p: string) => `${home}/blobs/${p.slice(10, 12)}/${p.slice(10)}`;
    await Deno.remove(path(a));
    const s = await open(home);
    try {
      s.index.removePointer(b); // b becomes an orphan blob …
      const bytes = await Deno.readFile(path(b));
      bytes[bytes.length - 1] ^= 1; // … and a corrupt one
      await Deno.writeFile(path(b), bytes);
      const leftover = `${home}/blobs/${a.slice(10, 12)}/.tmp-${crypto.randomUUID()}`;
      await Deno.writeFile(leftover, new Uint8Array(64)); // an interrupted store …
      const longAgo = new Date(Date.now() - 3_600_000);
      await Deno.utime(leftover, longAgo, longAgo);
      assert.equal((await s.verify()).leftovers, 1, "verify reports it");
      const r = await reindexFromBlobs(s);
      assert.deepEqual([r.leftovers_removed, r.leftovers_kept], [1, 0], "… reindex removes it");
      assert.equal((await s.verify()).leftovers, 0);
      assert.deepEqual(r.dropped, [a]);
      assert.equal(r.unreadable.length, 1);
      assert.equal(r.unreadable[0].pointer, b);
    } finally {
      s.close();
    }
  }));

Deno.test("archive: export then import on another home with the key; tampering is detected", () =>
  withKeyedHome(async (home) => {
    await fill(home, 5);
    const s = await open(home);
    const dir = await tempHome();
    try {
      const all = await exportArchive(s, `${dir}/all.lmar`);
      assert.equal(all.memories, 5);
      const part = await exportArchive(s, `${dir}/t1.lmar`, { tag: "t1" });
      assert.equal(part.memories, 1);
      await assert.rejects(exportArchive(s, `${dir}/all.lmar`), (e) => codeOf(e) === "USAGE");
      const raw = new TextDecoder("latin1").decode(await Deno.readFile(`${dir}/all.lmar`));
      assert.ok(!raw.includes("lifecycle memory"), "the archive holds no plaintext");

      // Another machine: the same key file, an empty store.
      const other = `${dir}/other`;
      await Deno.mkdir(`${other}/keys`, { recursive: true });
      const keyFile = (await listKeyFiles(home))[0].path;
      await Deno.copyFile(keyFile, `${other}/keys/copy.json`);
      const t = await open(other);
      try {
        const r = await importArchive(t, `${dir}/all.lmar`);
        assert.deepEqual([r.entries, r.imported, r.already], [5, 5, 0]);
        assert.equal((await importArchive(t, `${dir}/all.lmar`)).already, 5, "idempotent");
        assert.equal(t.query({ text: "caching" }).total, 5);
        assert.deepEqual((await t.verify({ readData: true })).problems, []);
      } finally {
        t.close();
      }

      const good = await Deno.readFile(`${dir}/t1.lmar`);
      const variants: [string, Uint8Array][] = [
        [
          "manifest byte",
          (() => {
            const b = good.slice();
            b[12 + 28 + 5] ^= 1; // inside the sealed manifest, past its header
            return b;
          })(),
        ],
        [
          "entry byte",
          (() => {
            const b = good.slice();
            b[b.length - 3] ^= 1;
            return b;
          })(),
        ],
        ["truncated", good.slice(0, good.length - 10)],
        ["trailing bytes", new Uint8Array([...good, 0])],
        ["not an archive", new TextEncoder().encode("hello world, not an archive at all")],
      ];
      for (const [name, bytes] of variants) {
        const fresh = `${dir}/fresh-${name.replaceAll(" ", "-")}`;
        await Deno.mkdir(`${fresh}/keys`, { recursive: true });
        await Deno.copyFile(keyFile, `${fresh}/keys/copy.json`);
        await Deno.writeFile(`${dir}/bad.lmar`, bytes);
        const f = await open(fresh);
        try {
          await assert.rejects(
            importArchive(f, `${dir}/bad.lmar`),
            (e) => codeOf(e) === "INTEGRITY",
            name,
          );
        } finally {
          f.close();
        }
      }

      const stranger = `${dir}/stranger`;
      await writeKeyFile(`${stranger}/keys`, generateMasterKey());
      const x = await open(stranger);
      try {
        await assert.rejects(importArchive(x, `${dir}/all.lmar`), (e) => codeOf(e) === "WRONG_KEY");
        assert.equal(x.query({}).total, 0);
      } finally {
        x.close();
      }
    } finally {
      s.close();
      await Deno.remove(dir, { recursive: true });
    }
  }));
