// The Cascade client against the Lumera stand-in: the whole protocol end to end, and the
// failure paths (not indexed yet, transient 5xx, status body styles, tampering, funds,
// signatures).

import assert from "node:assert/strict";
import { cascadeDataHash, createCascadeRemote } from "../../src/cascade/client.ts";
import type { CascadeClientOptions } from "../../src/cascade/client.ts";
import type { CascadeRemote } from "../../src/cascade/remote.ts";
import { LumeraError } from "../../src/errors.ts";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { dataHashOf } from "../../src/cascade/ids.ts";
import {
  type CascadeStandIn,
  type StandInOptions,
  startCascadeStandIn,
} from "../helpers/cascade_standin.ts";

const FAST: CascadeClientOptions = {
  retry: { requestTimeoutMs: 5_000, baseDelayMs: 5, maxDelayMs: 20, totalMs: 3_000 },
  inclusionTimeoutMs: 3_000,
  indexTimeoutMs: 3_000,
  downloadTimeoutMs: 3_000,
  pollIntervalMs: 5,
};

function payload(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function withStandIn(
  options: StandInOptions,
  fn: (s: CascadeStandIn, remote: CascadeRemote) => Promise<void>,
  clientOptions: CascadeClientOptions = FAST,
): Promise<void> {
  const s = await startCascadeStandIn(options);
  try {
    const remote = await createCascadeRemote({
      chainId: s.chainId,
      lcdUrl: s.lcdUrl,
      snapiUrl: s.snapiUrl,
      gasPrice: "0.025",
      mnemonic: s.mnemonic,
      keyType: s.keyType,
    }, clientOptions);
    await fn(s, remote);
  } finally {
    await s.close();
  }
}

async function rejects(p: Promise<unknown>, code: string): Promise<LumeraError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof LumeraError, `expected a LumeraError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

async function roundTrip(s: CascadeStandIn, remote: CascadeRemote, bytes: Uint8Array) {
  const balanceBefore = await remote.balance();
  const reg = await remote.register(bytes, "seg-000001.bin");
  assert.match(reg.actionId, /^\d+$/);
  assert.equal(reg.dataHash, dataHashOf(bytes));
  assert.match(reg.txHash, /^[0-9A-F]{64}$/);
  assert.equal(reg.priceUlume, 10_000n + 10n * BigInt(Math.ceil(bytes.length / 1024)));
  assert.ok(reg.gasFeeUlume > 0n);
  assert.equal(await remote.balance(), balanceBefore - reg.priceUlume - reg.gasFeeUlume);
  assert.equal((await remote.action(reg.actionId)).state, "PENDING");

  const task = await remote.upload(reg.actionId, bytes);
  let status = await remote.uploadStatus(task);
  for (let i = 0; status === "pending" && i < 200; i++) {
    await new Promise((r) => setTimeout(r, 5));
    status = await remote.uploadStatus(task);
  }
  assert.equal(status, "completed");
  const info = await remote.action(reg.actionId);
  assert.equal(info.state, "DONE");
  assert.equal(info.creator, s.address);
  assert.equal(info.dataHash, reg.dataHash);
  assert.equal(info.fileName, "seg-000001.bin");
  assert.equal(info.priceUlume, reg.priceUlume);

  const back = await remote.download(reg.actionId);
  assert.deepEqual(back, bytes);
  return reg;
}

Deno.test("cascade: register → upload → status → DONE → verified download", async () => {
  await withStandIn({}, async (s, remote) => {
    assert.equal(remote.address, s.address);
    await roundTrip(s, remote, payload(70_000));
  });
});

Deno.test("cascade: EVM-style (eth_secp256k1, coin type 60) accounts work end to end", async () => {
  await withStandIn({ keyType: "eth_secp256k1" }, async (s, remote) => {
    assert.equal(remote.address, s.address);
    await roundTrip(s, remote, payload(3_000, 2));
  });
});

Deno.test("cascade: 404 until indexed, not-yet-included txs and transient 5xx are retried", async () => {
  await withStandIn({
    indexDelay404s: 3,
    txLookup404s: 2,
    fail5xx: {
      params: 2,
      account: 1,
      simulate: 1,
      broadcast: 1,
      upload: 1,
      upload_status: 1,
      download_request: 1,
      download_status: 1,
      download_file: 2,
      get_action: 1,
    },
    doneDelayMs: 30,
  }, async (s, remote) => {
    await roundTrip(s, remote, payload(5_000, 3));
    assert.ok(s.hits.upload >= 5, `upload hits: ${s.hits.upload}`);
    for (const k of Object.keys(s.knobs.fail5xx)) assert.equal(s.knobs.fail5xx[k], 0, k);
  });
});

Deno.test("cascade: a broadcast whose answer was lost is not paid twice", async () => {
  await withStandIn({ loseBroadcastAnswers: 1 }, async (s, remote) => {
    const before = await remote.balance();
    const reg = await remote.register(payload(3_000, 11), "once.bin");
    assert.deepEqual(s.actionIds(), [reg.actionId]);
    assert.equal(await remote.balance(), before - reg.priceUlume - reg.gasFeeUlume);
    assert.equal(s.hits.broadcast, 2);
  });
});

Deno.test("cascade: retries are bounded: a dead route ends in REMOTE_UNAVAILABLE", async () => {
  await withStandIn({ fail5xx: { params: 1_000_000 } }, async (_s, remote) => {
    const t0 = Date.now();
    await rejects(remote.params(), "REMOTE_UNAVAILABLE");
    assert.ok(Date.now() - t0 < 5_000);
  });
});

for (const style of ["array", "sse", "sse-open"] as const) {
  Deno.test(`cascade: ${style} status bodies`, async () => {
    await withStandIn({ statusStyle: style, doneDelayMs: 20 }, async (s, remote) => {
      await roundTrip(s, remote, payload(1_500, 4));
    });
  });
}

Deno.test("cascade: a tampered download is INTEGRITY", async () => {
  await withStandIn({}, async (s, remote) => {
    const bytes = payload(4_000, 5);
    const reg = await roundTrip(s, remote, bytes);
    s.knobs.tamperDownload = true;
    await rejects(remote.download(reg.actionId), "INTEGRITY");
  });
});

Deno.test("cascade: an account that does not exist on chain is REMOTE_REJECTED", async () => {
  await withStandIn({ fundUlume: 0n }, async (s, remote) => {
    assert.equal(await remote.balance(), 0n);
    const e = await rejects(remote.register(payload(100), "x.bin"), "REMOTE_REJECTED");
    assert.match(e.hint ?? "", /fund/);
    await rejects(remote.estimateGas(100), "REMOTE_REJECTED");
    assert.equal(s.actionIds().length, 0);
  });
});

Deno.test("cascade: insufficient funds for price + gas is REMOTE_REJECTED, nothing registered", async () => {
  await withStandIn({ fundUlume: 10_500n }, async (s, remote) => {
    await rejects(remote.register(payload(2_000), "x.bin"), "REMOTE_REJECTED");
    assert.equal(s.actionIds().length, 0);
    assert.equal(s.balanceOf(s.address), 10_500n);
  });
});

Deno.test("cascade: the stand-in refuses signatures of another account", async () => {
  await withStandIn({}, async (s, remote) => {
    const bytes = payload(2_000, 6);
    const reg = await remote.register(bytes, "x.bin");
    const other = await createCascadeRemote({
      chainId: s.chainId,
      lcdUrl: s.lcdUrl,
      snapiUrl: s.snapiUrl,
      gasPrice: "0.025",
      mnemonic: generateMnemonic(wordlist, 128),
    }, FAST);
    // Upload signed by a non-creator: the SuperNode refuses it.
    await rejects(other.upload(reg.actionId, bytes), "REMOTE_REJECTED");
    // The creator's upload works; a download request signed by someone else is refused.
    const task = await remote.upload(reg.actionId, bytes);
    assert.equal(await remote.uploadStatus(task), "completed");
    await rejects(other.download(reg.actionId), "REMOTE_REJECTED");
    // Uploading bytes that do not match the registered data_hash is refused too.
    await rejects(remote.upload(reg.actionId, payload(2_000, 7)), "REMOTE_REJECTED");
  });
});

Deno.test("cascade: findByDataHash, listOwnActions, action NOT_FOUND", async () => {
  await withStandIn({}, async (_s, remote) => {
    const a = payload(1_000, 8);
    const b = payload(1_000, 9);
    const ra = await remote.register(a, "a.bin");
    const rb = await remote.register(b, "b.bin");
    assert.equal(await cascadeDataHash(a), ra.dataHash);
    assert.equal((await remote.findByDataHash(await cascadeDataHash(a)))?.actionId, ra.actionId);
    assert.equal((await remote.findByDataHash(dataHashOf(b)))?.actionId, rb.actionId);
    assert.equal(await remote.findByDataHash(dataHashOf(payload(10, 10))), undefined);
    const own = await remote.listOwnActions();
    assert.deepEqual(own.map((x) => x.actionId).sort(), [ra.actionId, rb.actionId].sort());
    assert.deepEqual(own.map((x) => x.fileName).sort(), ["a.bin", "b.bin"]);
    await rejects(remote.action("999999"), "NOT_FOUND");
  });
});

Deno.test("cascade: listOwnActions follows pagination", async () => {
  await withStandIn({}, async (s, remote) => {
    // 101 actions need two pages of 100.
    const ids: string[] = [];
    for (let i = 0; i < 101; i++) {
      ids.push((await remote.register(payload(20, 100 + i), `f${i}.bin`)).actionId);
    }
    const own = await remote.listOwnActions();
    assert.equal(own.length, 101);
    assert.deepEqual(new Set(own.map((x) => x.actionId)), new Set(ids));
    assert.ok(s.hits.list_by_creator >= 2);
  });
});

Deno.test("cascade: params, actionFee, estimateGas", async () => {
  await withStandIn({}, async (s, remote) => {
    const p = await remote.params();
    assert.equal(p.baseActionFeeUlume, 10_000n);
    assert.equal(p.feePerKbyteUlume, 10n);
    assert.equal(p.minExpirationSeconds, 86_400);
    assert.equal(await remote.actionFee(1024 * 1024), 20_240n);
    const g = await remote.estimateGas(100_000);
    assert.ok(g.gasUsed > 60_000);
    assert.equal(g.gasLimit, Math.ceil(g.gasUsed * 1.3));
    assert.equal(g.feeUlume, BigInt(Math.ceil(g.gasLimit * 0.025)));
    assert.equal(s.actionIds().length, 0); // a simulation registers nothing
  });
});

Deno.test("cascade: bad inputs fail early with clear errors and no network call", async () => {
  await withStandIn({}, async (s, remote) => {
    await rejects(remote.register(new Uint8Array(0), "x.bin"), "USAGE");
    await rejects(remote.register(payload(10), "has space"), "USAGE");
    await rejects(remote.action("12; DROP"), "USAGE");
    await rejects(remote.findByDataHash("nope"), "USAGE");
    await rejects(remote.uploadStatus("../../etc"), "USAGE");
    assert.equal(Object.keys(s.hits).length, 0);
  });
  await rejects(
    createCascadeRemote({
      chainId: "x",
      lcdUrl: "http://127.0.0.1:1",
      snapiUrl: "http://127.0.0.1:1",
      gasPrice: "0.025",
      mnemonic: "not a valid phrase",
    }),
    "KEY_INVALID",
  );
  await rejects(
    createCascadeRemote({
      chainId: "x",
      lcdUrl: "ftp://x",
      snapiUrl: "http://127.0.0.1:1",
      gasPrice: "0.025",
      mnemonic: generateMnemonic(wordlist, 128),
    }),
    "USAGE",
  );
});

Deno.test("cascade: an unreachable network is REMOTE_UNAVAILABLE; errors never carry the mnemonic", async () => {
  const mnemonic = generateMnemonic(wordlist, 128);
  const remote = await createCascadeRemote({
    chainId: "x",
    lcdUrl: "http://127.0.0.1:9",
    snapiUrl: "http://127.0.0.1:9",
    gasPrice: "0.025",
    mnemonic,
  }, { ...FAST, retry: { ...FAST.retry, totalMs: 200 } });
  const e = await rejects(remote.balance(), "REMOTE_UNAVAILABLE");
  const shown = JSON.stringify({ m: e.message, h: e.hint, d: e.details });
  const words = mnemonic.split(" ");
  for (let i = 0; i + 1 < words.length; i++) {
    assert.ok(!shown.includes(`${words[i]} ${words[i + 1]}`), "mnemonic words leaked");
  }
});
