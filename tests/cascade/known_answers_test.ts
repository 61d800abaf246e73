// Known-answer tests for the Cascade protocol pieces whose bytes must match Lumera's Go code
// exactly: fees, BLAKE3 data hashes, libzstd level-3 frames, id derivation, layout and index JSON,
// protobuf encodings, key derivation, and SN-API status bodies.

import assert from "node:assert/strict";
import { base58, base64, bech32, hex } from "@scure/base";
import { blake3 } from "@noble/hashes/blake3.js";
import { actionFeeFor, gasFeeFor, gasLimitFor, kilobytesOf } from "../../src/cascade/fees.ts";
import {
  buildSignatures,
  dataHashOf,
  deriveIds,
  indexJson,
  parseSignatures,
  zstdLevel3,
} from "../../src/cascade/ids.ts";
import { layoutJson, normalizeLayout } from "../../src/cascade/rq/raptorq.ts";
import {
  decodeCascadeMetadata,
  decodeMsgRequestAction,
  decodeTxRaw,
  encodeAuthInfo,
  encodeCascadeMetadata,
  encodeMsgRequestAction,
  encodeSignDoc,
  encodeTxBody,
  encodeTxRaw,
  MSG_REQUEST_ACTION_TYPE_URL,
} from "../../src/cascade/tx.ts";
import { adr36SignBytes, verifyString, walletFromMnemonic } from "../../src/cascade/wallet.ts";
import { downloadProgress, statusOf, uploadProgress } from "../../src/cascade/status.ts";
import { findEventAttribute, parseActionState, parseUlume } from "../../src/cascade/chain.ts";
import { MAINNET, TESTNET } from "../../src/cascade/networks.ts";

const te = new TextEncoder();

Deno.test("fees: the worked examples of the reference (default params)", () => {
  assert.equal(actionFeeFor(1024), 10_010n);
  assert.equal(actionFeeFor(100 * 1024), 11_000n);
  assert.equal(actionFeeFor(1024 * 1024), 20_240n);
  assert.equal(actionFeeFor(10 * 1024 * 1024), 112_400n);
  assert.equal(actionFeeFor(1024 * 1024 * 1024), 10_495_760n);
  assert.equal(kilobytesOf(1), 1);
  assert.equal(kilobytesOf(1025), 2);
  assert.equal(kilobytesOf(0), 0);
  assert.equal(gasLimitFor(100_000), 130_000);
  assert.equal(gasFeeFor(130_000, "0.025"), 3_250n);
  assert.equal(gasFeeFor(130_001, "0.025ulume"), 3_251n); // rounded up
  assert.throws(() => gasFeeFor(1, "abc"));
});

Deno.test("data hash: base64(BLAKE3-256) — official BLAKE3 vector for 'abc'", () => {
  // b3sum("abc") = 6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85
  assert.equal(
    hex.encode(base64.decode(dataHashOf(te.encode("abc")))),
    "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
  );
  assert.equal(dataHashOf(te.encode("abc")), "ZDezrDhGUTP/tjt1JzqNtUjFWEZdedsD/TWcbNW9nYU=");
});

Deno.test("zstd: level-3 frames are byte-identical to the libzstd 1.5.4 CLI", () => {
  // `printf 'layout.sig.10' > f && zstd -3 -c --no-check f | xxd -p`
  assert.equal(
    hex.encode(zstdLevel3(te.encode("layout.sig.10"))),
    "28b52ffd200d6900006c61796f75742e7369672e3130",
  );
  // A compressible input (Huffman-coded literals, sequences).
  const s =
    "eyJibG9ja3MiOlt7ImJsb2NrX2lkIjowLCJlbmNvZGVyX3BhcmFtZXRlcnMiOlswLDAsMCw0LDE3NiwwLDI1NSwyNDgsMSwwLDEsOF0"
      .repeat(20) + ".c2lnbmF0dXJl.42";
  assert.equal(
    hex.encode(zstdLevel3(te.encode(s))),
    "28b52ffd601c07bd0300f2061a1d506d1e0c40305f09d72482f1a5bac6d127199fb3794daa4b5555553d042a90" +
      "f49389d4ec8c5ad124b5c61727fa82f17d87018ec1ffca6b6130bd129dc0e07b44db201f48b3945158f21e98" +
      "27c276f653e03b20d768251faca63feb04906e6a5c0868c0ccfaae220300a2abe13566f2d3b92a28",
  );
});

Deno.test("ids: Base58(BLAKE3(zstd3(base + '.' + (ic + i))))", () => {
  const ids = deriveIds("layout.sig", 10, 2);
  assert.equal(ids.length, 2);
  assert.equal(
    ids[0],
    base58.encode(blake3(hex.decode("28b52ffd200d6900006c61796f75742e7369672e3130"))),
  );
  assert.equal(ids[1], base58.encode(blake3(zstdLevel3(te.encode("layout.sig.11")))));
  assert.deepEqual(ids, [
    "Gc196JfoYPFrU1XxM3merduVLmYLSPEDJv9Yo5oGcjBx",
    "6CWKT6VYVtd5UemHpwag211HrambtqbgnM3iBy82tCre",
  ]);
  assert.throws(() => deriveIds("x", -1, 1));
  assert.throws(() => deriveIds("x", 0, 0));
});

Deno.test("layout JSON: Go's json.Marshal(codec.Layout) field order, compact", () => {
  // Fields deliberately out of order, plus an extra field the Go struct does not have.
  const layout = normalizeLayout({
    blocks: [{
      hash: "H1",
      symbols: ["s1", "s2"],
      size: 1200,
      original_offset: 0,
      encoder_parameters: [0, 0, 0, 4, 176, 0, 255, 248, 1, 0, 1, 8],
      block_id: 0,
      extra: true,
    }],
  });
  assert.equal(
    layoutJson(layout),
    '{"blocks":[{"block_id":0,"encoder_parameters":[0,0,0,4,176,0,255,248,1,0,1,8],' +
      '"original_offset":0,"size":1200,"symbols":["s1","s2"],"hash":"H1"}]}',
  );
  assert.throws(() => normalizeLayout({ blocks: [] }));
  assert.throws(() => normalizeLayout({ blocks: [{ block_id: 0 }] }));
});

Deno.test("index file and signatures for a fixed layout and a fixed (fake) signer", () => {
  const sign = (m: string) => base64.encode(blake3(te.encode(m)).subarray(0, 16)); // deterministic
  const json = '{"blocks":[{"block_id":0,"encoder_parameters":[1],"original_offset":0,"size":5,' +
    '"symbols":["a"],"hash":"b"}]}';
  const out = buildSignatures(json, sign, 3, 2);
  assert.equal(out.layoutB64, base64.encode(te.encode(json)));
  assert.equal(out.layoutSignature, sign(out.layoutB64));
  assert.deepEqual(out.layoutIds, deriveIds(`${out.layoutB64}.${out.layoutSignature}`, 3, 2));
  assert.equal(
    indexJson(out.index),
    `{"layout_ids":["${out.layoutIds[0]}","${
      out.layoutIds[1]
    }"],"layout_signature":"${out.layoutSignature}","version":1}`,
  );
  const [indexB64, sig] = out.signatures.split(".");
  assert.equal(new TextDecoder().decode(base64.decode(indexB64)), indexJson(out.index));
  assert.equal(sig, sign(indexB64));
  assert.deepEqual(out.indexIds, deriveIds(out.signatures, 3, 2));
  assert.deepEqual(parseSignatures(out.signatures).index, out.index);
  assert.throws(() => parseSignatures("a.b.c"));
  assert.throws(() => parseSignatures("bm90IGpzb24=.c2ln"));
});

Deno.test("protobuf: MsgRequestAction bytes (lumera/action/v1/tx.proto field numbers)", () => {
  const msg = {
    creator: "a",
    actionType: "CASCADE",
    metadata: "{}",
    price: "1ulume",
    expirationTime: "2",
    fileSizeKbs: "3",
  };
  const bytes = encodeMsgRequestAction(msg);
  assert.equal(
    hex.encode(bytes),
    "0a0161" + "120743415343414445" + "1a027b7d" + "220631756c756d65" + "2a0132" + "320133",
  );
  assert.deepEqual(decodeMsgRequestAction(bytes), { ...msg, appPubkey: new Uint8Array(0) });
});

Deno.test("protobuf: tx round trip (TxRaw ⇄ body, auth info, fee, signer)", () => {
  const msg = encodeMsgRequestAction({
    creator: "lumera1x",
    actionType: "CASCADE",
    metadata: '{"data_hash":"x"}',
    price: "10010ulume",
    expirationTime: "1900000000",
    fileSizeKbs: "1",
  });
  const body = encodeTxBody([{ typeUrl: MSG_REQUEST_ACTION_TYPE_URL, value: msg }], "memo");
  const pk = new Uint8Array(33).fill(2);
  const auth = encodeAuthInfo("/cosmos.crypto.secp256k1.PubKey", pk, 300n, [
    { denom: "ulume", amount: "3250" },
  ], 130_000n);
  const sig = new Uint8Array(64).fill(9);
  const tx = decodeTxRaw(encodeTxRaw(body, auth, [sig]));
  assert.equal(tx.memo, "memo");
  assert.equal(tx.messages.length, 1);
  assert.equal(tx.messages[0].typeUrl, MSG_REQUEST_ACTION_TYPE_URL);
  assert.deepEqual(tx.messages[0].value, msg);
  assert.deepEqual(tx.signers, [{
    pubkeyTypeUrl: "/cosmos.crypto.secp256k1.PubKey",
    pubkey: pk,
    mode: 1,
    sequence: 300n,
  }]);
  assert.deepEqual(tx.fee, [{ denom: "ulume", amount: "3250" }]);
  assert.equal(tx.gasLimit, 130_000n);
  assert.deepEqual(tx.signatures, [sig]);
  // SignDoc: body=1, auth_info=2, chain_id=3, account_number=4 (varint).
  const doc = encodeSignDoc(new Uint8Array([1]), new Uint8Array([2]), "c", 5n);
  assert.equal(hex.encode(doc), "0a0101" + "120102" + "1a0163" + "2005");
  const meta = {
    data_hash: "h",
    file_name: "f",
    rq_ids_ic: 7,
    rq_ids_max: 50,
    rq_ids_ids: ["i1", "i2"],
    signatures: "s.t",
    public: false,
  };
  assert.deepEqual(decodeCascadeMetadata(encodeCascadeMetadata(meta)), meta);
});

Deno.test("wallet: BIP-39 public test vector → known Cosmos and Ethereum addresses", () => {
  // The all-"abandon" phrase is the published BIP-39 test vector, not an account of anyone.
  const phrase = [...Array(11).fill("abandon"), "about"].join(" ");
  const cosmos = walletFromMnemonic(phrase, "secp256k1");
  assert.match(cosmos.address, /^lumera1/);
  assert.equal(
    bech32.encode("cosmos", bech32.decode(cosmos.address as `${string}1${string}`).words),
    "cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4",
  );
  const eth = walletFromMnemonic(phrase, "eth_secp256k1");
  assert.equal(
    "0x" + hex.encode(bech32.fromWords(bech32.decode(eth.address as `${string}1${string}`).words)),
    "0x9858effd232b4033e47d90003d41ec34ecaeda94",
  );
  // Signatures: raw string or ADR-036, verified against the account key; others fail.
  for (const w of [cosmos, eth]) {
    const sig = w.signString("12345");
    assert.equal(base64.decode(sig).length, 64);
    assert.ok(verifyString(w.keyType, w.publicKey, w.address, "12345", sig));
    assert.ok(!verifyString(w.keyType, w.publicKey, w.address, "12346", sig));
    const adr = base64.encode(w.signBytes(adr36SignBytes(w.address, "12345")));
    assert.ok(verifyString(w.keyType, w.publicKey, w.address, "12345", adr));
  }
  assert.ok(!verifyString("secp256k1", cosmos.publicKey, cosmos.address, "x", eth.signString("x")));
  assert.throws(() => walletFromMnemonic("abandon abandon abandon"), /BIP-39/);
});

Deno.test("status bodies: JSON, JSON array, SSE; sdk:* mapping", () => {
  assert.equal(statusOf('{"status":"sdk:upload_started"}'), "sdk:upload_started");
  assert.equal(statusOf('{"task":{"state":"SDK:COMPLETED"}}'), "sdk:completed");
  assert.equal(
    statusOf('[{"status":"sdk:started"},{"status":"sdk:upload_completed"}]'),
    "sdk:upload_completed",
  );
  assert.equal(
    statusOf(
      'event: status\ndata: {"status":"sdk:started"}\n\ndata: {"event_type":"sdk:failed"}\n\n',
    ),
    "sdk:failed",
  );
  assert.equal(statusOf(""), "");
  assert.throws(() => statusOf("<html>busy</html>"));
  assert.equal(uploadProgress("sdk:completed"), "completed");
  assert.equal(uploadProgress("sdk:upload_completed"), "completed");
  assert.equal(uploadProgress("sdk:processing_timeout"), "failed");
  assert.equal(uploadProgress("sdk:supernodes_unavailable"), "failed");
  assert.equal(uploadProgress("sdk:processing_started"), "pending");
  assert.equal(downloadProgress("sdk:download_completed"), "completed");
  assert.equal(downloadProgress("sdk:download_failure"), "failed");
});

Deno.test("chain JSON: states, amounts, events", () => {
  assert.equal(parseActionState("ACTION_STATE_DONE"), "DONE");
  assert.equal(parseActionState(3), "DONE");
  assert.equal(parseActionState("7"), "EXPIRED");
  assert.equal(parseActionState("BOGUS"), "UNKNOWN");
  assert.equal(parseUlume("10010ulume", "x"), 10_010n);
  assert.equal(parseUlume({ denom: "ulume", amount: "5" }, "x"), 5n);
  assert.throws(() => parseUlume({ denom: "uatom", amount: "5" }, "x"));
  assert.throws(() => parseUlume("-1", "x"));
  const tr = {
    events: [{ type: "action_registered", attributes: [{ key: "action_id", value: "42" }] }],
  };
  assert.equal(findEventAttribute(tr, "action_registered", "action_id"), "42");
  const legacy = {
    logs: [{
      events: [{
        type: "action_registered",
        attributes: [{ key: btoa("action_id"), value: btoa("43") }],
      }],
    }],
  };
  assert.equal(findEventAttribute(legacy, "action_registered", "action_id"), "43");
  assert.equal(findEventAttribute({}, "action_registered", "action_id"), undefined);
});

Deno.test("networks: presets of the reference table", () => {
  assert.equal(MAINNET.chainId, "lumera-mainnet-1");
  assert.equal(TESTNET.chainId, "lumera-testnet-2");
  assert.equal(MAINNET.snapiUrl, "https://snapi.lumera.io");
  assert.equal(TESTNET.snapiUrl, "https://snapi.testnet.lumera.io");
  assert.equal(MAINNET.gasPrice, "0.025");
});
