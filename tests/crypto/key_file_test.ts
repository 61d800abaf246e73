import assert from "node:assert/strict";
import { generateMasterKey, parseMasterKeyHex } from "../../src/crypto/keys.ts";
import { loadKey, readKeyFile, writeNewKeyFile } from "../../src/crypto/key_file.ts";
import { LumeraError } from "../../src/errors.ts";
import { envOf, randomKeyHex, tempHome } from "../helpers/home.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

Deno.test("key file: created 0600, read back to the same key id, never overwritten", async () => {
  const home = await tempHome();
  try {
    const path = `${home}/sub/key.json`;
    const keys = await writeNewKeyFile(path, generateMasterKey());
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${home}/sub`)).mode! & 0o777, 0o700);
    }
    assert.equal((await readKeyFile(path)).keyIdHex, keys.keyIdHex);
    const before = await Deno.readTextFile(path);
    await assert.rejects(writeNewKeyFile(path, generateMasterKey()), (e) => codeOf(e) === "USAGE");
    assert.equal(await Deno.readTextFile(path), before);
    assert.deepEqual([...Deno.readDirSync(`${home}/sub`)].map((e) => e.name), ["key.json"]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("key file: missing → KEY_MISSING; corrupt or tampered → KEY_INVALID", async () => {
  const home = await tempHome();
  try {
    await assert.rejects(readKeyFile(`${home}/none.json`), (e) => codeOf(e) === "KEY_MISSING");
    const path = `${home}/key.json`;
    await writeNewKeyFile(path, generateMasterKey());
    const good = await Deno.readTextFile(path);
    const cases = [
      "{not json",
      good.slice(0, good.length / 2),
      good.replace(/"key": "([0-9a-f])/, (_m, c) => `"key": "${c === "a" ? "b" : "a"}`),
      good.replace('"version": 1', '"version": 9'),
      "[]",
    ];
    for (const [i, text] of cases.entries()) {
      await Deno.writeTextFile(path, text);
      await assert.rejects(readKeyFile(path), (e) => {
        assert.equal(codeOf(e), "KEY_INVALID", `case ${i}`);
        assert.ok(!/[0-9a-f]{64}/.test((e as Error).message), "message must not carry key hex");
        return true;
      });
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("LUMERA_MEMORY_KEY wins over the key file; malformed values never echo", async () => {
  const home = await tempHome();
  try {
    const hex = randomKeyHex();
    const loaded = await loadKey(home, envOf({ LUMERA_MEMORY_KEY: hex }));
    assert.equal(loaded.origin, "LUMERA_MEMORY_KEY");
    for (const bad of [hex.slice(1), hex + "0", "zz" + hex.slice(2), ""]) {
      if (bad === "") continue; // empty counts as unset in readEnv
      assert.throws(() => parseMasterKeyHex(bad, "LUMERA_MEMORY_KEY"), (e) => {
        assert.equal(codeOf(e), "KEY_INVALID");
        assert.ok(!(e as Error).message.includes(bad.slice(4, 40)), "must not echo the value");
        return true;
      });
    }
    await assert.rejects(loadKey(home, envOf({})), (e) => codeOf(e) === "KEY_MISSING");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
