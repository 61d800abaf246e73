/**
 * End-to-end: the lifecycle commands through the real entry point.
 */
import assert from "node:assert/strict";
import { tempHome } from "../helpers/home.ts";
import { runMain } from "../helpers/permissions.ts";

const record = (i: number, tag: string) => ({
  session_id: `cli-life-${i}`,
  timestamp: `2026-0${1 + (i % 9)}-10T10:00:00Z`,
  tool_name: "codex",
  summary: `memory ${i} about the deploy pipeline`,
  tags: [tag],
});

async function withHome(fn: (home: string, dir: string) => Promise<void>) {
  const dir = await tempHome();
  try {
    await fn(`${dir}/home`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function storeAll(env: Record<string, string>, dir: string, n: number) {
  for (let i = 0; i < n; i++) {
    const f = `${dir}/r${i}.json`;
    await Deno.writeTextFile(f, JSON.stringify(record(i, i % 2 ? "odd" : "even")));
    const r = await runMain(["store", "--file", f, "--json"], env);
    assert.equal(r.code, 0, r.stderr);
  }
}

Deno.test("cli: passphrase keys — init, wrong passphrase is exit 4, key add, rotate --reencrypt", () =>
  withHome(async (home, dir) => {
    const pass = "a long enough passphrase";
    const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_PASSPHRASE: pass };
    const init = await runMain(["init", "--passphrase", "--json"], env);
    assert.equal(init.code, 0, init.stderr);
    assert.equal(JSON.parse(init.stdout).wrapping, "argon2id");
    await storeAll(env, dir, 3);

    const wrong = await runMain(["query", "deploy"], { ...env, LUMERA_MEMORY_PASSPHRASE: "nope" });
    assert.equal(wrong.code, 4);
    assert.match(wrong.stderr, /wrong passphrase/);
    assert.ok(!wrong.stderr.includes(pass));
    const none = await runMain(["query", "deploy"], { LUMERA_MEMORY_HOME: home });
    assert.equal(none.code, 4);
    assert.match(none.stderr, /LUMERA_MEMORY_PASSPHRASE/);

    const second = "another passphrase entirely";
    const add = await runMain(["key", "add", "--passphrase", "--json"], {
      ...env,
      LUMERA_MEMORY_PASSPHRASE: pass,
    });
    assert.equal(add.code, 0, add.stderr);
    // The added file is sealed under the same passphrase here (env); list shows two files.
    const list = JSON.parse((await runMain(["key", "list", "--json"], env)).stdout);
    assert.equal(list.files.length, 2);
    assert.equal(new Set(list.files.map((f: { key_id: string }) => f.key_id)).size, 1);
    assert.ok(second.length > 0);

    const before = JSON.parse((await runMain(["key", "show-id", "--json"], env)).stdout).key_id;
    const rot = await runMain(["key", "rotate", "--reencrypt", "--json"], env);
    assert.equal(rot.code, 0, rot.stderr);
    const out = JSON.parse(rot.stdout);
    assert.equal(out.previous_key_id, before);
    assert.equal(out.reencrypt.reencrypted, 3);
    const stats = JSON.parse((await runMain(["stats", "--json"], env)).stdout);
    assert.deepEqual(stats.by_key.map((g: { name: string }) => g.name), [out.key_id]);
    const v = await runMain(["verify", "--read-data"], env);
    assert.equal(v.code, 0, v.stdout);
  }));

Deno.test("cli: forget, prune, stats, reindex of a corrupt index, export and import-archive", () =>
  withHome(async (home, dir) => {
    const env = { LUMERA_MEMORY_HOME: home };
    assert.equal((await runMain(["init"], env)).code, 0);
    await storeAll(env, dir, 6);

    const dry = await runMain(["forget", "--tag", "odd"], env);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /Would forget 3 memories \(dry run\)/);
    const yes = JSON.parse(
      (await runMain(["forget", "--tag", "odd", "--yes", "--json"], env)).stdout,
    );
    assert.equal(yes.forgotten, 3);
    const again = await runMain(["store", "--file", `${dir}/r1.json`], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /FORGOTTEN/);
    assert.equal((await runMain(["store", "--file", `${dir}/r1.json`, "--force"], env)).code, 0);

    await Deno.writeTextFile(`${dir}/r9.json`, JSON.stringify(record(9, "tmp")));
    const ttl = await runMain(
      ["store", "--file", `${dir}/r9.json`, "--ttl", "1m"],
      env,
    );
    assert.equal(ttl.code, 0, ttl.stderr);
    const prune = await runMain(["prune", "--older-than", "2026-01-15", "--json"], env);
    assert.equal(JSON.parse(prune.stdout).dry_run, true);
    assert.equal(JSON.parse(prune.stdout).matched, 2, "cli-life-0 and cli-life-9 are from Jan 10");

    const exp = await runMain(["export", "--out", `${dir}/a.lmar`, "--json"], env);
    assert.equal(exp.code, 0, exp.stderr);
    assert.equal(JSON.parse(exp.stdout).memories, 5);

    await Deno.writeTextFile(`${home}/index.db`, "garbage ".repeat(1000));
    for (const f of ["index.db-wal", "index.db-shm"]) {
      await Deno.remove(`${home}/${f}`).catch(() => {});
    }
    const broken = await runMain(["query", "deploy"], env);
    assert.equal(broken.code, 6);
    const re = await runMain(["reindex", "--json"], env);
    assert.equal(re.code, 0, re.stderr);
    assert.equal(JSON.parse(re.stdout).adopted, 5);
    assert.match(JSON.parse(re.stdout).moved_aside, /index\.db\.corrupt-/);
    assert.equal(JSON.parse((await runMain(["query", "deploy", "--json"], env)).stdout).total, 5);

    const other = `${dir}/other`;
    const keyFile =
      JSON.parse((await runMain(["key", "list", "--json"], env)).stdout).files[0].path;
    const exported = await runMain(["key", "export", "--out", `${dir}/key-backup.json`], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /warning/);
    const imp = await runMain(["key", "import", `${dir}/key-backup.json`], {
      LUMERA_MEMORY_HOME: other,
    });
    assert.equal(imp.code, 0, imp.stderr);
    const ia = await runMain(["import-archive", `${dir}/a.lmar`, "--json"], {
      LUMERA_MEMORY_HOME: other,
    });
    assert.equal(ia.code, 0, ia.stderr);
    assert.equal(JSON.parse(ia.stdout).imported, 5);
    assert.ok(keyFile.length > 0);

    const rm = await runMain(["key", "remove", keyFile], env);
    assert.equal(rm.code, 2, "the last file of the current key is not removed");
  }));
