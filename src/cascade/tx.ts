/**
 * Cosmos SDK transaction encoding (SIGN_MODE_DIRECT) for Lumera's `MsgRequestAction`, and the
 * decoders the Cascade stand-in and the tests use. Field numbers are those of
 * `cosmos/tx/v1beta1/tx.proto`, `cosmos/base/v1beta1/coin.proto`, `google/protobuf/any.proto` and
 * Lumera's `lumera/action/v1/{tx,metadata}.proto`.
 *
 * @module
 */

import { ProtoMessage, ProtoWriter } from "./proto.ts";

/** Type URL of Lumera's action request message. */
export const MSG_REQUEST_ACTION_TYPE_URL = "/lumera.action.v1.MsgRequestAction";
/** `SIGN_MODE_DIRECT` of `cosmos.tx.signing.v1beta1.SignMode`. */
export const SIGN_MODE_DIRECT = 1;

/** `lumera.action.v1.MsgRequestAction` (all fields are strings on the wire except app_pubkey). */
export interface MsgRequestAction {
  creator: string; // 1
  actionType: string; // 2
  metadata: string; // 3 (JSON)
  price: string; // 4, e.g. "10010ulume"
  expirationTime: string; // 5, unix seconds
  fileSizeKbs: string; // 6
  appPubkey?: Uint8Array; // 7
}

/** Encodes a `MsgRequestAction`. */
export function encodeMsgRequestAction(m: MsgRequestAction): Uint8Array {
  return new ProtoWriter()
    .string(1, m.creator)
    .string(2, m.actionType)
    .string(3, m.metadata)
    .string(4, m.price)
    .string(5, m.expirationTime)
    .string(6, m.fileSizeKbs)
    .bytes(7, m.appPubkey ?? new Uint8Array(0))
    .finish();
}

/** Decodes a `MsgRequestAction`. */
export function decodeMsgRequestAction(buf: Uint8Array): MsgRequestAction {
  const p = new ProtoMessage(buf);
  return {
    creator: p.string(1),
    actionType: p.string(2),
    metadata: p.string(3),
    price: p.string(4),
    expirationTime: p.string(5),
    fileSizeKbs: p.string(6),
    appPubkey: p.bytes(7),
  };
}

/** A `google.protobuf.Any`. */
export interface AnyMsg {
  typeUrl: string;
  value: Uint8Array;
}

function encodeAny(a: AnyMsg): Uint8Array {
  return new ProtoWriter().string(1, a.typeUrl).bytes(2, a.value).finish();
}

function decodeAny(buf: Uint8Array): AnyMsg {
  const p = new ProtoMessage(buf);
  return { typeUrl: p.string(1), value: p.bytes(2) };
}

/** A `cosmos.base.v1beta1.Coin`. */
export interface Coin {
  denom: string;
  amount: string;
}

/** Encodes `TxBody` (messages=1, memo=2). */
export function encodeTxBody(messages: AnyMsg[], memo: string): Uint8Array {
  const w = new ProtoWriter();
  for (const m of messages) w.message(1, encodeAny(m));
  return w.string(2, memo).finish();
}

/** Encodes `AuthInfo` with one SIGN_MODE_DIRECT signer and the fee. */
export function encodeAuthInfo(
  pubkeyTypeUrl: string,
  pubkey: Uint8Array,
  sequence: bigint,
  fee: Coin[],
  gasLimit: bigint,
): Uint8Array {
  const pubkeyAny = encodeAny({
    typeUrl: pubkeyTypeUrl,
    value: new ProtoWriter().bytes(1, pubkey).finish(),
  });
  const single = new ProtoWriter().uint(1, SIGN_MODE_DIRECT).finish();
  const modeInfo = new ProtoWriter().message(1, single).finish();
  const signerInfo = new ProtoWriter()
    .message(1, pubkeyAny)
    .message(2, modeInfo)
    .uint(3, sequence)
    .finish();
  const feeW = new ProtoWriter();
  for (const c of fee) {
    feeW.message(1, new ProtoWriter().string(1, c.denom).string(2, c.amount).finish());
  }
  feeW.uint(2, gasLimit);
  return new ProtoWriter().message(1, signerInfo).message(2, feeW.finish()).finish();
}

/** Encodes the `SignDoc` that SIGN_MODE_DIRECT signs. */
export function encodeSignDoc(
  bodyBytes: Uint8Array,
  authInfoBytes: Uint8Array,
  chainId: string,
  accountNumber: bigint,
): Uint8Array {
  return new ProtoWriter()
    .bytes(1, bodyBytes)
    .bytes(2, authInfoBytes)
    .string(3, chainId)
    .uint(4, accountNumber)
    .finish();
}

/** Encodes `TxRaw` (body_bytes=1, auth_info_bytes=2, signatures=3). */
export function encodeTxRaw(
  bodyBytes: Uint8Array,
  authInfoBytes: Uint8Array,
  signatures: Uint8Array[],
): Uint8Array {
  const w = new ProtoWriter().bytes(1, bodyBytes).bytes(2, authInfoBytes);
  for (const s of signatures) w.bytes(3, s, true);
  return w.finish();
}

/** A decoded transaction (what a node checks). */
export interface DecodedTx {
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signatures: Uint8Array[];
  messages: AnyMsg[];
  memo: string;
  signers: { pubkeyTypeUrl: string; pubkey: Uint8Array; mode: number; sequence: bigint }[];
  fee: Coin[];
  gasLimit: bigint;
}

/** Decodes a `TxRaw` and its body and auth info. */
export function decodeTxRaw(buf: Uint8Array): DecodedTx {
  const raw = new ProtoMessage(buf);
  const bodyBytes = raw.bytes(1);
  const authInfoBytes = raw.bytes(2);
  const body = new ProtoMessage(bodyBytes);
  const auth = new ProtoMessage(authInfoBytes);
  const fee = new ProtoMessage(auth.bytes(2));
  return {
    bodyBytes,
    authInfoBytes,
    signatures: raw.repeated(3),
    messages: body.repeated(1).map(decodeAny),
    memo: body.string(2),
    signers: auth.repeated(1).map((b) => {
      const si = new ProtoMessage(b);
      const pk = decodeAny(si.bytes(1));
      const single = new ProtoMessage(new ProtoMessage(si.bytes(2)).bytes(1));
      return {
        pubkeyTypeUrl: pk.typeUrl,
        pubkey: new ProtoMessage(pk.value).bytes(1),
        mode: Number(single.uint(1)),
        sequence: si.uint(3),
      };
    }),
    fee: fee.repeated(1).map((c) => {
      const m = new ProtoMessage(c);
      return { denom: m.string(1), amount: m.string(2) };
    }),
    gasLimit: fee.uint(2),
  };
}

/** The fields of Lumera's `CascadeMetadata` this client reads and the stand-in stores. */
export interface CascadeMetadataFields {
  data_hash: string; // 1
  file_name: string; // 2
  rq_ids_ic: number; // 3
  rq_ids_max: number; // 4
  rq_ids_ids: string[]; // 5
  signatures: string; // 6
  public: boolean; // 7
}

/** Encodes `CascadeMetadata` as the chain stores it (protobuf, in `Action.metadata`). */
export function encodeCascadeMetadata(m: CascadeMetadataFields): Uint8Array {
  const w = new ProtoWriter()
    .string(1, m.data_hash)
    .string(2, m.file_name)
    .uint(3, m.rq_ids_ic)
    .uint(4, m.rq_ids_max);
  for (const id of m.rq_ids_ids) w.string(5, id);
  return w.string(6, m.signatures).uint(7, m.public ? 1 : 0).finish();
}

/** Decodes the stored `CascadeMetadata` protobuf. */
export function decodeCascadeMetadata(buf: Uint8Array): CascadeMetadataFields {
  const p = new ProtoMessage(buf);
  const td = new TextDecoder("utf-8", { fatal: true });
  return {
    data_hash: p.string(1),
    file_name: p.string(2),
    rq_ids_ic: Number(p.uint(3)),
    rq_ids_max: Number(p.uint(4)),
    rq_ids_ids: p.repeated(5).map((b) => td.decode(b)),
    signatures: p.string(6),
    public: p.uint(7) !== 0n,
  };
}
