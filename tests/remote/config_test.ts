import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/config_file.ts";
import {
  DEFAULT_BATCH_POLICY,
  loadMnemonic,
  parseRemoteConfig,
} from "../../src/config/remote_config.ts";
import { LumeraError } from "../../src/errors.ts";
import { envOf, tempHome } from "../helpers/home.ts";

const MNEMONIC = Array.from({ length: 12 }, (_, i) => ["abandon", "ability", "able"][i % 3]).join(
  " ",
);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LumeraError && err.code === "USAGE");
    return err.message;
  }
  assert.fail("expected a USAGE error");
}

Deno.test("remote config: presets fill endpoints; custom needs them; defaults for batching", () => {
  assert.equal(parseRemoteConfig(undefined), undefined);
  const t = parseRemoteConfig({ backend: "cascade", network: "testnet" })!;
  assert.equal(t.lcdUrl, "https://lcd.testnet.lumera.io");
  assert.equal(t.snapiUrl, "https://snapi.testnet.lumera.io");
  assert.equal(t.chainId, "lumera-testnet-2");
  assert.equal(t.gasPrice, "0.025");
  assert.deepEqual(t.batch, DEFAULT_BATCH_POLICY);
  const m = parseRemoteConfig({ backend: "cascade", network: "mainnet" })!;
  assert.equal(m.chainId, "lumera-mainnet-1");
  const c = parseRemoteConfig({
    backend: "cascade",
    network: "custom",
    lcd_url: "http://localhost:1317/",
    snapi_url: "https://sn.example.org",
    chain_id: "lumera-devnet-1",
    batch: {
      flush_bytes: 1024,
      flush_age: "2h",
      max_segment_bytes: 1048576,
      manifest_interval: "6h",
    },
    sync_interval: "30m",
  })!;
  assert.equal(c.lcdUrl, "http://localhost:1317");
  assert.deepEqual(c.batch, {
    flushBytes: 1024,
    flushAgeMs: 7_200_000,
    maxSegmentBytes: 1048576,
    manifestIntervalMs: 21_600_000,
  });
  assert.equal(c.syncIntervalMs, 1_800_000);
});

Deno.test("remote config: clear errors for every bad setting", () => {
  const base = { backend: "cascade", network: "testnet" };
  assert.match(message(() => parseRemoteConfig([])), /must be an object/);
  assert.match(message(() => parseRemoteConfig({ backend: "s3" })), /backend must be "cascade"/);
  assert.match(message(() => parseRemoteConfig({ ...base, network: "devnet" })), /network/);
  assert.match(message(() => parseRemoteConfig({ ...base, color: 1 })), /unknown setting "color"/);
  assert.match(
    message(() => parseRemoteConfig({ backend: "cascade", network: "custom" })),
    /lcd_url is required/,
  );
  assert.match(
    message(() => parseRemoteConfig({ ...base, lcd_url: "http://lcd.example.org" })),
    /https/,
  );
  assert.match(
    message(() => parseRemoteConfig({ ...base, snapi_url: "https://u:p@sn.example.org" })),
    /credentials/,
  );
  assert.match(message(() => parseRemoteConfig({ ...base, gas_price: 0.025 })), /gas_price/);
  assert.match(message(() => parseRemoteConfig({ ...base, chain_id: "Bad Id" })), /chain_id/);
  assert.match(
    message(() => parseRemoteConfig({ ...base, batch: { flush_bytes: -1 } })),
    /flush_bytes/,
  );
  assert.match(
    message(() => parseRemoteConfig({ ...base, batch: { flush_age: "10 minutes" } })),
    /flush_age/,
  );
  assert.match(
    message(() => parseRemoteConfig({ ...base, batch: { max_segment_bytes: 2 ** 40 } })),
    /max_segment_bytes/,
  );
  assert.match(message(() => parseRemoteConfig({ ...base, batch: { size: 1 } })), /unknown batch/);
  assert.match(
    message(() => parseRemoteConfig({ ...base, mnemonic: MNEMONIC })),
    /unknown setting/,
  );
});

Deno.test("config.json: the remote section is parsed; a bad one names the file", async () => {
  const home = await tempHome();
  try {
    assert.equal((await loadConfig(home)).remote, undefined);
    await Deno.writeTextFile(
      `${home}/config.json`,
      JSON.stringify({ remote: { backend: "cascade", network: "mainnet" } }),
    );
    assert.equal((await loadConfig(home)).remote?.network, "mainnet");
    await Deno.writeTextFile(`${home}/config.json`, JSON.stringify({ remote: { backend: 1 } }));
    await assert.rejects(
      () => loadConfig(home),
      (e) => e instanceof LumeraError && e.code === "USAGE" && e.message.includes("config.json"),
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("mnemonic: from the variable, or a 0600 file; refused when group/world-readable; never echoed", async () => {
  assert.equal(await loadMnemonic(envOf({ LUMERA_MEMORY_MNEMONIC: ` ${MNEMONIC}\n` })), MNEMONIC);
  await assert.rejects(
    () => loadMnemonic(envOf({})),
    (e) => e instanceof LumeraError && e.code === "KEY_MISSING",
  );
  const dir = await tempHome();
  try {
    const file = `${dir}/mnemonic`;
    await Deno.writeTextFile(file, MNEMONIC + "\n", { mode: 0o600 });
    await Deno.chmod(file, 0o600);
    assert.equal(await loadMnemonic(envOf({ LUMERA_MEMORY_MNEMONIC_FILE: file })), MNEMONIC);
    if (Deno.build.os !== "windows") {
      await Deno.chmod(file, 0o640);
      await assert.rejects(
        () => loadMnemonic(envOf({ LUMERA_MEMORY_MNEMONIC_FILE: file })),
        (e) =>
          e instanceof LumeraError && e.code === "KEY_INVALID" && /group or others/.test(e.message),
      );
    }
    await Deno.chmod(file, 0o600);
    const secretish = "correct horse battery staple not a mnemonic";
    await Deno.writeTextFile(file, secretish);
    await assert.rejects(
      () => loadMnemonic(envOf({ LUMERA_MEMORY_MNEMONIC_FILE: file })),
      (e) =>
        e instanceof LumeraError && e.code === "KEY_INVALID" && !e.message.includes("horse") &&
        !e.message.includes("staple"),
    );
    await assert.rejects(
      () => loadMnemonic(envOf({ LUMERA_MEMORY_MNEMONIC_FILE: `${dir}/nope` })),
      (e) => e instanceof LumeraError && e.code === "KEY_MISSING",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
