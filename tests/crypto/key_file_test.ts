import assert from "node:assert/strict";
import { generateMasterKey, parseMasterKeyHex } from "../../src/crypto/keys.ts";
import {
  keysDir,
  listKeyFiles,
  loadKeyChain,
  unlockKeyFile,
  writeKeyFile,
} from "../../src/crypto/key_file.ts";
import { LumeraError } from "../../src/errors.ts";
import { envOf, randomKeyHex, tempHome } from "../helpers/home.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

async function withHome(fn: (home: string) => Promise<void>) {
  const home = await tempHome();
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("key file: created 0600 in a 0700 folder, unlocks to the same key id, never overwritten", () =>
  withHome(async (home) => {
    const { path, keys } = await writeKeyFile(keysDir(home), generateMasterKey());
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(keysDir(home))).mode! & 0o777, 0o700);
    }
    const u = await unlockKeyFile(path);
    assert.equal(u.keys.keyIdHex, keys.keyIdHex);
    const before = await Deno.readTextFile(path);
    await assert.rejects(
      writeKeyFile(keysDir(home), generateMasterKey(), { path }),
      (e) => codeOf(e) === "USAGE",
    );
    assert.equal(await Deno.readTextFile(path), before);
    assert.equal((await listKeyFiles(home)).length, 1, "no temp file left behind");
  }));

Deno.test("passphrase-wrapped key: right passphrase unlocks; wrong or none is a clear key error", () =>
  withHome(async (home) => {
    const pass = "correct horse battery staple";
    const { path, keys } = await writeKeyFile(keysDir(home), generateMasterKey(), {
      passphrase: pass,
    });
    const text = await Deno.readTextFile(path);
    assert.ok(!/"key":/.test(text), "no plaintext key in a wrapped file");
    assert.ok(!text.includes(pass), "the passphrase is not stored");
    assert.equal((await unlockKeyFile(path, pass)).keys.keyIdHex, keys.keyIdHex);
    await assert.rejects(unlockKeyFile(path, "wrong passphrase"), (e) => {
      assert.equal(codeOf(e), "KEY_INVALID");
      assert.match((e as Error).message, /wrong passphrase/);
      assert.ok(!(e as Error).message.includes("wrong passphrase".replace("wrong ", "x")));
      return true;
    });
    await assert.rejects(unlockKeyFile(path), (e) => codeOf(e) === "KEY_MISSING");
    const chain = await loadKeyChain(home, envOf({ LUMERA_MEMORY_PASSPHRASE: pass }));
    assert.equal(chain.current.keyIdHex, keys.keyIdHex);
  }));

Deno.test("key file: corrupt, tampered or hostile files are KEY_INVALID without key material", () =>
  withHome(async (home) => {
    const { path } = await writeKeyFile(keysDir(home), generateMasterKey(), {
      passphrase: "pw-12345678",
    });
    const good = await Deno.readTextFile(path);
    const json = JSON.parse(good);
    const cases = [
      "{not json",
      good.slice(0, good.length / 2),
      JSON.stringify({ ...json, version: 9 }),
      JSON.stringify({ ...json, kdf: { ...json.kdf, memory_kib: 64 * 1024 * 1024 } }),
      JSON.stringify({ ...json, kdf: { ...json.kdf, passes: 1000 } }),
      JSON.stringify({ ...json, kdf: { ...json.kdf, memory_kib: json.kdf.memory_kib + 1024 } }),
      JSON.stringify({
        ...json,
        wrapped_key: json.wrapped_key.replace(/^./, (c: string) => c === "A" ? "B" : "A"),
      }),
      JSON.stringify({ ...json, key_id: "0".repeat(16) }),
      "[]",
    ];
    for (const [i, text] of cases.entries()) {
      await Deno.writeTextFile(path, text);
      await assert.rejects(unlockKeyFile(path, "pw-12345678"), (e) => {
        assert.equal(codeOf(e), "KEY_INVALID", `case ${i}`);
        assert.ok(!/[0-9a-f]{64}/.test((e as Error).message), "message must not carry key hex");
        return true;
      });
    }
    const plain = await writeKeyFile(keysDir(home), generateMasterKey());
    const p = JSON.parse(await Deno.readTextFile(plain.path));
    p.key = p.key.replace(/^./, (c: string) => (c === "a" ? "b" : "a"));
    await Deno.writeTextFile(plain.path, JSON.stringify(p));
    await assert.rejects(unlockKeyFile(plain.path), (e) => codeOf(e) === "KEY_INVALID");
  }));

Deno.test("key chain: the newest master writes, older ones unlock on demand; env key wins", () =>
  withHome(async (home) => {
    const old = await writeKeyFile(keysDir(home), generateMasterKey(), {
      masterCreatedAt: "2026-01-01T00:00:00.000Z",
    });
    const cur = await writeKeyFile(keysDir(home), generateMasterKey(), {
      masterCreatedAt: "2026-06-01T00:00:00.000Z",
    });
    const chain = await loadKeyChain(home, envOf({}));
    assert.equal(chain.current.keyIdHex, cur.keys.keyIdHex);
    assert.equal((await chain.ring(old.keys.keyIdHex))?.keyIdHex, old.keys.keyIdHex);
    assert.equal(await chain.ring("ffffffffffffffff"), undefined);
    assert.deepEqual(chain.knownKeyIds(), [cur.keys.keyIdHex, old.keys.keyIdHex]);

    const hex = randomKeyHex();
    const envChain = await loadKeyChain(home, envOf({ LUMERA_MEMORY_KEY: hex }));
    assert.equal(envChain.origin, "LUMERA_MEMORY_KEY");
    assert.notEqual(envChain.current.keyIdHex, cur.keys.keyIdHex);
    assert.equal((await envChain.ring(cur.keys.keyIdHex))?.keyIdHex, cur.keys.keyIdHex);
  }));

Deno.test("no key anywhere → KEY_MISSING; malformed LUMERA_MEMORY_KEY never echoes", () =>
  withHome(async (home) => {
    await assert.rejects(loadKeyChain(home, envOf({})), (e) => codeOf(e) === "KEY_MISSING");
    const hex = randomKeyHex();
    for (const bad of [hex.slice(1), hex + "0", "zz" + hex.slice(2)]) {
      assert.throws(() => parseMasterKeyHex(bad, "LUMERA_MEMORY_KEY"), (e) => {
        assert.equal(codeOf(e), "KEY_INVALID");
        assert.ok(!(e as Error).message.includes(bad.slice(4, 40)), "must not echo the value");
        return true;
      });
    }
  }));

Deno.test("the 0.1 layout's key.json is still read", () =>
  withHome(async (home) => {
    const master = generateMasterKey();
    const { keys } = await writeKeyFile("", master, { path: `${home}/key.json` });
    const chain = await loadKeyChain(home, envOf({}));
    assert.equal(chain.current.keyIdHex, keys.keyIdHex);
  }));
