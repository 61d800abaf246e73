// The stand-in must refuse what Lumera refuses: these tests send hand-built transactions and
// uploads to it directly, bypassing the client's own pre-checks.

import assert from "node:assert/strict";
import { base64 } from "@scure/base";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { buildSignatures, dataHashOf } from "../../src/cascade/ids.ts";
import {
  encodeAuthInfo,
  encodeMsgRequestAction,
  encodeSignDoc,
  encodeTxBody,
  encodeTxRaw,
  MSG_REQUEST_ACTION_TYPE_URL,
} from "../../src/cascade/tx.ts";
import { PUBKEY_TYPE_URL, type Wallet, walletFromMnemonic } from "../../src/cascade/wallet.ts";
import { type CascadeStandIn, startCascadeStandIn } from "../helpers/cascade_standin.ts";

interface TxKnobs {
  chainId?: string;
  sequence?: bigint;
  feeUlume?: bigint;
  gasLimit?: bigint;
  price?: string;
  expiresInS?: number;
  metaSigner?: Wallet;
  kb?: number;
  accountNumber?: bigint;
  dataHash?: string;
  layoutJson?: string;
}

function buildTx(s: CascadeStandIn, w: Wallet, k: TxKnobs = {}): Uint8Array {
  const metaSigner = k.metaSigner ?? w;
  const sigs = buildSignatures(k.layoutJson ?? '{"blocks":[]}', metaSigner.signString, 1, 3);
  const msg = encodeMsgRequestAction({
    creator: w.address,
    actionType: "CASCADE",
    metadata: JSON.stringify({
      data_hash: k.dataHash ?? dataHashOf(new Uint8Array([1, 2, 3])),
      file_name: "t.bin",
      rq_ids_ic: 1,
      signatures: sigs.signatures,
      public: false,
    }),
    price: k.price ?? "10010ulume",
    expirationTime: String(Math.floor(Date.now() / 1000) + (k.expiresInS ?? 90_000)),
    fileSizeKbs: String(k.kb ?? 1),
  });
  const body = encodeTxBody([{ typeUrl: MSG_REQUEST_ACTION_TYPE_URL, value: msg }], "");
  const gasLimit = k.gasLimit ?? 400_000n;
  const fee = k.feeUlume ?? 10_000n;
  const auth = encodeAuthInfo(PUBKEY_TYPE_URL[w.keyType], w.publicKey, k.sequence ?? 0n, [
    { denom: "ulume", amount: fee.toString() },
  ], gasLimit);
  const sig = w.signBytes(encodeSignDoc(body, auth, k.chainId ?? s.chainId, k.accountNumber ?? 7n));
  return encodeTxRaw(body, auth, [sig]);
}

async function broadcast(s: CascadeStandIn, tx: Uint8Array) {
  const res = await fetch(`${s.lcdUrl}/cosmos/tx/v1beta1/txs`, {
    method: "POST",
    body: JSON.stringify({ tx_bytes: base64.encode(tx), mode: "BROADCAST_MODE_SYNC" }),
  });
  const body = await res.json();
  return body.tx_response as { txhash: string; code: number; raw_log: string };
}

async function lookup(s: CascadeStandIn, hash: string) {
  const res = await fetch(`${s.lcdUrl}/cosmos/tx/v1beta1/txs/${hash}`);
  const body = await res.json();
  return body.tx_response as { code: number; raw_log: string; events: unknown[] };
}

async function withStandIn(fn: (s: CascadeStandIn, w: Wallet) => Promise<void>) {
  const s = await startCascadeStandIn();
  try {
    await fn(s, walletFromMnemonic(s.mnemonic));
  } finally {
    await s.close();
  }
}

Deno.test("stand-in: a valid tx is included and registers an action", async () => {
  await withStandIn(async (s, w) => {
    const sent = await broadcast(s, buildTx(s, w));
    assert.equal(sent.code, 0, sent.raw_log);
    const inc = await lookup(s, sent.txhash);
    assert.equal(inc.code, 0, inc.raw_log);
    assert.equal(s.actionIds().length, 1);
    // Account number 7 and sequence 0 were used; the next tx must use sequence 1.
    assert.equal((await broadcast(s, buildTx(s, w))).code, 32);
    assert.equal((await broadcast(s, buildTx(s, w, { sequence: 1n }))).code, 0);
  });
});

Deno.test("stand-in: CheckTx refusals (signature, sequence, fee, funds)", async () => {
  await withStandIn(async (s, w) => {
    assert.equal((await broadcast(s, buildTx(s, w, { chainId: "other-chain" }))).code, 4);
    assert.equal((await broadcast(s, buildTx(s, w, { sequence: 5n }))).code, 32);
    // 400k gas × 0.025 = 10,000 ulume minimum.
    assert.equal((await broadcast(s, buildTx(s, w, { feeUlume: 9_999n }))).code, 13);
    const stranger = walletFromMnemonic(generateMnemonic(wordlist, 128));
    s.fund(stranger.address, 5n);
    const acc = await (await fetch(`${s.lcdUrl}/cosmos/auth/v1beta1/accounts/${stranger.address}`))
      .json();
    const accountNumber = BigInt(acc.account.account_number);
    assert.equal((await broadcast(s, buildTx(s, stranger, { accountNumber }))).code, 5);
    assert.equal(s.actionIds().length, 0);
  });
});

Deno.test("stand-in: DeliverTx refusals (price, expiration, metadata signature, gas)", async () => {
  await withStandIn(async (s, w) => {
    const other = walletFromMnemonic(generateMnemonic(wordlist, 128));
    const cases: [string, TxKnobs, number][] = [
      ["price below base + per_kb", { price: "10009ulume" }, 13],
      ["price for 1 KB but 2 KB declared", { price: "10010ulume", kb: 2 }, 13],
      ["expiration in 1 h", { expiresInS: 3_600 }, 1107],
      ["index signed by another key", { metaSigner: other }, 1105],
      ["gas limit below gas used", { gasLimit: 1_000n, feeUlume: 100n }, 11],
    ];
    let seq = 0n;
    for (const [label, knobs, code] of cases) {
      const sent = await broadcast(s, buildTx(s, w, { ...knobs, sequence: seq++ }));
      assert.equal(sent.code, 0, sent.raw_log);
      assert.equal((await lookup(s, sent.txhash)).code, code, label);
    }
    assert.equal(s.actionIds().length, 0);
  });
});

Deno.test("stand-in: tx lookups 404 until included", async () => {
  const s = await startCascadeStandIn({ txLookup404s: 2 });
  try {
    const w = walletFromMnemonic(s.mnemonic);
    const sent = await broadcast(s, buildTx(s, w));
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${s.lcdUrl}/cosmos/tx/v1beta1/txs/${sent.txhash}`);
      assert.equal(r.status, 404);
      await r.body?.cancel();
    }
    assert.equal((await lookup(s, sent.txhash)).code, 0);
  } finally {
    await s.close();
  }
});

Deno.test("stand-in: an upload whose layout signature is not over the real layout is refused", async () => {
  await withStandIn(async (s, w) => {
    const bytes = new TextEncoder().encode("layout check ".repeat(50));
    const dataHash = dataHashOf(bytes);
    // Registered with a correct data_hash, but the index signs a made-up layout.
    const wrongLayout = '{"blocks":[{"block_id":0,"encoder_parameters":[0],"original_offset":0,' +
      '"size":650,"symbols":["x"],"hash":"y"}]}';
    const sent = await broadcast(s, buildTx(s, w, { dataHash, layoutJson: wrongLayout }));
    assert.equal((await lookup(s, sent.txhash)).code, 0);
    const [actionId] = s.actionIds();
    const form = new FormData();
    form.append("action_id", actionId);
    form.append("signature", w.signString(dataHash));
    form.append("file", new Blob([bytes]), "f.bin");
    const res = await fetch(`${s.snapiUrl}/api/v1/actions/cascade`, { method: "POST", body: form });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /layout signature/);
    assert.equal(s.actionState(actionId), 1); // still PENDING
  });
});
