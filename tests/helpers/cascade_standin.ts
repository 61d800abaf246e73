/**
 * A STAND-IN FOR LUMERA (chain REST + SuperNode API) for tests — not Lumera, and not a mock that
 * answers whatever the client wants: it implements the documented routes the Cascade client uses
 * and checks what the real chain and SuperNodes check.
 *
 * Chain (LCD): accounts with number/sequence/balance; `simulate` (decodes the tx, runs the message
 * checks, reports deterministic gas); broadcast in sync mode with CheckTx-style failures (bad
 * signature over the SIGN_MODE_DIRECT SignDoc with the AuthInfo public key, public key not
 * matching the signer, wrong sequence, fee below gas × min price, balance below fee) and
 * DeliverTx-style failures seen at lookup (gas limit below gas used, price below
 * base + per_kb × KB, expiration before now + expiration_duration, creator signature over the
 * index file invalid, balance below price); tx lookup (404 until "included"); actions by id,
 * by creator (paginated) and by metadata `data_hash`.
 *
 * SuperNode API: upload (multipart `action_id`, `signature`, `file`): 404 until the action is
 * "indexed"; the signature over `data_hash` must be the creator's (raw or ADR-036); BLAKE3 of the
 * bytes must equal `data_hash`; the price must cover the size; the RaptorQ layout is recomputed
 * from the bytes (same encoder as the SuperNodes) and the index file's layout signature must
 * verify over it and its `layout_ids` must be the ids derived from it; then the action is
 * finalized with the index ids (`rq_ids_ids`) and becomes DONE after `doneDelayMs`. Download:
 * signature over `action_id` by the creator; status; file.
 *
 * Knobs (mutable on the returned object): 404s before an action is indexed, tx lookups that 404
 * before inclusion, injected transient 5xx per route, broadcasts whose answer is lost, status body style (json | array | sse),
 * delay to DONE, tampered download bytes. The test account's mnemonic is generated at runtime.
 *
 * @module
 */

import { base64 } from "@scure/base";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "@scure/base";
import { dataHashOf, deriveIds, parseSignatures } from "../../src/cascade/ids.ts";
import { createLayout, layoutJson } from "../../src/cascade/rq/raptorq.ts";
import {
  decodeMsgRequestAction,
  decodeTxRaw,
  encodeCascadeMetadata,
  encodeSignDoc,
  MSG_REQUEST_ACTION_TYPE_URL,
  SIGN_MODE_DIRECT,
} from "../../src/cascade/tx.ts";
import {
  addressOf,
  type KeyType,
  PUBKEY_TYPE_URL,
  verifyBytes,
  verifyString,
  walletFromMnemonic,
} from "../../src/cascade/wallet.ts";

/** Status body styles of the SN-API (`sse-open`: an SSE stream that stays open, with keep-alives). */
export type StatusStyle = "json" | "array" | "sse" | "sse-open";

/** Mutable behaviour of the stand-in. */
export interface StandInKnobs {
  /** 404s the SN-API answers to an upload before it has indexed the action. */
  indexDelay404s: number;
  /** 404s a tx lookup answers before the tx is included. */
  txLookup404s: number;
  /** Transient 5xx to inject, per route key (e.g. "params", "upload", "download_file"). */
  fail5xx: Record<string, number>;
  /** Status body style. */
  statusStyle: StatusStyle;
  /** Milliseconds from a successful upload to the action being DONE and the task completed. */
  doneDelayMs: number;
  /** Flip a byte of downloaded files. */
  tamperDownload: boolean;
  /** Minimum gas price in ulume per gas. */
  minGasPrice: number;
  /** Broadcasts to accept and then answer with a 503 (the answer is lost, the tx is not). */
  loseBroadcastAnswers: number;
}

/** Options of {@link startCascadeStandIn}. */
export interface StandInOptions extends Partial<StandInKnobs> {
  /** Initial balance of the test account in ulume; 0 = the account does not exist on chain. */
  fundUlume?: bigint;
  /** Key type of the test account. */
  keyType?: KeyType;
  /** Chain params overrides. */
  baseActionFeeUlume?: bigint;
  feePerKbyteUlume?: bigint;
  maxRaptorQSymbols?: number;
  expirationSeconds?: number;
}

interface Account {
  address: string;
  keyType: KeyType;
  pubkey?: Uint8Array;
  accountNumber: bigint;
  sequence: bigint;
  balance: bigint;
}

interface StoredAction {
  id: string;
  creator: string;
  metadata: {
    data_hash: string;
    file_name: string;
    rq_ids_ic: number;
    rq_ids_max: number;
    rq_ids_ids: string[];
    signatures: string;
    public: boolean;
  };
  price: bigint;
  expiration: number;
  state: number;
  blockHeight: number;
  fileSizeKbs: number;
  file?: Uint8Array;
  uploadAttempts: number;
  /** When a PROCESSING action becomes DONE (the SuperNodes finalize it). */
  doneAt?: number;
}

interface Task {
  kind: "upload" | "download";
  actionId: string;
  events: string[];
  readyAt: number;
  failed?: boolean;
}

interface TxRecord {
  hash: string;
  height: number;
  code: number;
  log: string;
  gasUsed: number;
  events: { type: string; attributes: { key: string; value: string; index: boolean }[] }[];
  lookups: number;
}

/** A running stand-in. */
export interface CascadeStandIn {
  lcdUrl: string;
  snapiUrl: string;
  chainId: string;
  /** The test account's mnemonic (generated at runtime; a throwaway key of this process). */
  mnemonic: string;
  address: string;
  keyType: KeyType;
  knobs: StandInKnobs;
  /** Requests served, per route key. */
  hits: Record<string, number>;
  /** The account's balance in ulume. */
  balanceOf(address: string): bigint;
  /** Credits an account (creating it if needed). */
  fund(address: string, ulume: bigint): void;
  /** A stored action's state number (1 PENDING … 3 DONE). */
  actionState(id: string): number | undefined;
  /** Every registered action id. */
  actionIds(): string[];
  /** Gas the stand-in charges for a tx of `txBytes` bytes. */
  gasFor(txBytes: number): number;
  close(): Promise<void>;
}

const STATE_NAMES = [
  "ACTION_STATE_UNSPECIFIED",
  "ACTION_STATE_PENDING",
  "ACTION_STATE_PROCESSING",
  "ACTION_STATE_DONE",
  "ACTION_STATE_APPROVED",
  "ACTION_STATE_REJECTED",
  "ACTION_STATE_FAILED",
  "ACTION_STATE_EXPIRED",
];

function json(body: unknown, status = 200): Response {
  return new Response(
    JSON.stringify(body, (_k, v) => typeof v === "bigint" ? v.toString() : v),
    { status, headers: { "content-type": "application/json" } },
  );
}

function grpcError(status: number, code: number, message: string): Response {
  return json({ code, message, details: [] }, status);
}

/** Starts the stand-in on 127.0.0.1 (two random ports). */
export function startCascadeStandIn(options: StandInOptions = {}): Promise<CascadeStandIn> {
  const chainId = "standin-lumera-1";
  const keyType = options.keyType ?? "secp256k1";
  const mnemonic = generateMnemonic(wordlist, 256);
  const address = walletFromMnemonic(mnemonic, keyType).address;
  const knobs: StandInKnobs = {
    indexDelay404s: options.indexDelay404s ?? 0,
    txLookup404s: options.txLookup404s ?? 0,
    fail5xx: { ...options.fail5xx },
    statusStyle: options.statusStyle ?? "json",
    doneDelayMs: options.doneDelayMs ?? 0,
    tamperDownload: options.tamperDownload ?? false,
    minGasPrice: options.minGasPrice ?? 0.025,
    loseBroadcastAnswers: options.loseBroadcastAnswers ?? 0,
  };
  const params = {
    base: options.baseActionFeeUlume ?? 10_000n,
    perKb: options.feePerKbyteUlume ?? 10n,
    maxRq: options.maxRaptorQSymbols ?? 50,
    expiration: options.expirationSeconds ?? 86_400,
  };
  const accounts = new Map<string, Account>();
  let nextAccountNumber = 7n;
  const fund = (addr: string, ulume: bigint, kt: KeyType = "secp256k1") => {
    const acc = accounts.get(addr);
    if (acc) acc.balance += ulume;
    else {
      accounts.set(addr, {
        address: addr,
        keyType: kt,
        accountNumber: nextAccountNumber++,
        sequence: 0n,
        balance: ulume,
      });
    }
  };
  const initial = options.fundUlume ?? 50_000_000n;
  if (initial > 0n) fund(address, initial, keyType);

  const actions = new Map<string, StoredAction>();
  let nextActionId = 100;
  let height = 1000;
  const txs = new Map<string, TxRecord>();
  const tasks = new Map<string, Task>();
  let nextTask = 1;
  const hits: Record<string, number> = {};
  const gasFor = (n: number) => 60_000 + 12 * n;
  const nowS = () => Math.floor(Date.now() / 1000);

  const injected = (key: string): Response | undefined => {
    hits[key] = (hits[key] ?? 0) + 1;
    if ((knobs.fail5xx[key] ?? 0) > 0) {
      knobs.fail5xx[key]--;
      return json({ error: "injected transient failure" }, 503);
    }
    return undefined;
  };

  const refresh = (a: StoredAction): StoredAction => {
    if (a.state === 2 && a.doneAt !== undefined && Date.now() >= a.doneAt) a.state = 3;
    return a;
  };

  const actionJson = (a: StoredAction) => ({
    creator: a.creator,
    actionID: a.id,
    actionType: "ACTION_TYPE_CASCADE",
    metadata: base64.encode(encodeCascadeMetadata(refresh(a).metadata)),
    price: `${a.price}ulume`,
    expirationTime: String(a.expiration),
    state: STATE_NAMES[a.state],
    blockHeight: String(a.blockHeight),
    superNodes: a.state === 3 ? ["lumeravaloper1standin"] : [],
    fileSizeKbs: String(a.fileSizeKbs),
    app_pubkey: null,
  });

  const page = (list: StoredAction[], url: URL) => {
    const limit = Math.min(Number(url.searchParams.get("pagination.limit") ?? "100") || 100, 100);
    const keyText = url.searchParams.get("pagination.key");
    const offset = keyText ? Number(new TextDecoder().decode(base64.decode(keyText))) : 0;
    const slice = list.slice(offset, offset + limit);
    const more = offset + limit < list.length;
    return json({
      actions: slice.map(actionJson),
      pagination: {
        next_key: more ? base64.encode(new TextEncoder().encode(String(offset + limit))) : null,
        total: "0",
      },
      total: String(list.length),
    });
  };

  /** Message checks (DeliverTx); returns [code, log] or the stored action. */
  const checkMsg = (
    creatorAcc: Account,
    value: Uint8Array,
  ): { code: number; log: string } | { action: StoredAction } => {
    let msg;
    try {
      msg = decodeMsgRequestAction(value);
    } catch {
      return { code: 2, log: "tx parse error" };
    }
    if (msg.creator !== creatorAcc.address) return { code: 8, log: "creator is not the signer" };
    if (msg.actionType !== "CASCADE" && msg.actionType !== "ACTION_TYPE_CASCADE") {
      return { code: 1104, log: "invalid action type" };
    }
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(msg.metadata);
    } catch {
      return { code: 1105, log: "failed to unmarshal cascade metadata from JSON" };
    }
    const ic = Number(meta.rq_ids_ic ?? 0);
    if (typeof meta.data_hash !== "string" || meta.data_hash === "") {
      return { code: 1105, log: "data_hash field is required" };
    }
    if (typeof meta.file_name !== "string" || meta.file_name === "") {
      return { code: 1105, log: "file_name field is required" };
    }
    if (!Number.isSafeInteger(ic) || ic <= 0) return { code: 1105, log: "rq_ids_ic is required" };
    if (typeof meta.signatures !== "string") return { code: 1105, log: "signatures required" };
    let parsed;
    try {
      parsed = parseSignatures(meta.signatures);
    } catch {
      return { code: 1105, log: "invalid signature format" };
    }
    if (
      !creatorAcc.pubkey ||
      !verifyString(
        creatorAcc.keyType,
        creatorAcc.pubkey,
        creatorAcc.address,
        parsed.indexB64,
        parsed.signature,
      )
    ) {
      return { code: 1105, log: "failed to verify creator's signature" };
    }
    const kb = Number(msg.fileSizeKbs || "0");
    const priceM = /^(\d+)ulume$/.exec(msg.price);
    if (!priceM) return { code: 1106, log: "invalid price format" };
    const price = BigInt(priceM[1]);
    const required = params.base + params.perKb * BigInt(kb);
    if (price < required) {
      return { code: 13, log: `insufficient fee: ${price}ulume < required ${required}ulume` };
    }
    const exp = Number(msg.expirationTime || "0");
    if (exp < nowS() + params.expiration) {
      return { code: 1107, log: "expiration time must be at least expiration_duration away" };
    }
    if (creatorAcc.balance < price) {
      return { code: 5, log: `insufficient funds: ${creatorAcc.balance}ulume < ${price}ulume` };
    }
    creatorAcc.balance -= price;
    const action: StoredAction = {
      id: String(nextActionId++),
      creator: msg.creator,
      metadata: {
        data_hash: meta.data_hash,
        file_name: meta.file_name,
        rq_ids_ic: ic,
        rq_ids_max: params.maxRq,
        rq_ids_ids: [],
        signatures: meta.signatures,
        public: meta.public === true,
      },
      price,
      expiration: exp,
      state: 1,
      blockHeight: height,
      fileSizeKbs: kb,
      uploadAttempts: 0,
    };
    return { action };
  };

  /** Decodes and checks a tx (CheckTx); `simulate` skips the signature. */
  const checkTx = (txBytes: Uint8Array, simulate: boolean) => {
    let tx;
    try {
      tx = decodeTxRaw(txBytes);
    } catch {
      return { code: 2, log: "tx parse error" } as const;
    }
    if (tx.messages.length !== 1 || tx.messages[0].typeUrl !== MSG_REQUEST_ACTION_TYPE_URL) {
      return { code: 2, log: "unsupported messages" } as const;
    }
    if (tx.signers.length !== 1 || tx.signatures.length !== 1) {
      return { code: 4, log: "wrong number of signers" } as const;
    }
    const signer = tx.signers[0];
    let msgCreator = "";
    try {
      msgCreator = decodeMsgRequestAction(tx.messages[0].value).creator;
    } catch {
      return { code: 2, log: "tx parse error" } as const;
    }
    const acc = accounts.get(msgCreator);
    if (!acc) return { code: 9, log: `account ${msgCreator} not found` } as const;
    if (signer.pubkeyTypeUrl !== PUBKEY_TYPE_URL[acc.keyType]) {
      return { code: 8, log: "invalid pubkey type" } as const;
    }
    if (addressOf(signer.pubkey, acc.keyType) !== acc.address) {
      return { code: 8, log: "pubKey does not match signer address" } as const;
    }
    if (signer.mode !== SIGN_MODE_DIRECT) {
      return { code: 18, log: "unsupported sign mode" } as const;
    }
    if (signer.sequence !== acc.sequence) {
      return {
        code: 32,
        log: `account sequence mismatch, expected ${acc.sequence}, got ${signer.sequence}`,
      } as const;
    }
    if (!simulate) {
      const doc = encodeSignDoc(tx.bodyBytes, tx.authInfoBytes, chainId, acc.accountNumber);
      if (!verifyBytes(acc.keyType, signer.pubkey, doc, tx.signatures[0])) {
        return {
          code: 4,
          log: "signature verification failed; please verify account number and chain-id",
        } as const;
      }
      const fee = tx.fee.filter((c) => c.denom === "ulume").reduce(
        (s, c) => s + BigInt(c.amount),
        0n,
      );
      const minFee = BigInt(Math.ceil(Number(tx.gasLimit) * knobs.minGasPrice));
      if (fee < minFee) {
        return {
          code: 13,
          log: `insufficient fees; got: ${fee}ulume required: ${minFee}ulume`,
        } as const;
      }
      if (acc.balance < fee) {
        return {
          code: 5,
          log: `insufficient funds to pay the fee: ${acc.balance}ulume < ${fee}ulume`,
        } as const;
      }
      return { code: 0, tx, acc, fee } as const;
    }
    return { code: 0, tx, acc, fee: 0n } as const;
  };

  const lcd = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const p = url.pathname;
    const A = "/LumeraProtocol/lumera/action/v1";
    let m: RegExpExecArray | null;
    if ((m = /^\/cosmos\/auth\/v1beta1\/accounts\/([a-z0-9]+)$/.exec(p))) {
      const inj = injected("account");
      if (inj) return inj;
      const acc = accounts.get(m[1]);
      if (!acc) return grpcError(404, 5, `account ${m[1]} not found`);
      return json({
        account: {
          "@type": "/cosmos.auth.v1beta1.BaseAccount",
          address: acc.address,
          pub_key: acc.pubkey
            ? { "@type": PUBKEY_TYPE_URL[acc.keyType], key: base64.encode(acc.pubkey) }
            : null,
          account_number: acc.accountNumber.toString(),
          sequence: acc.sequence.toString(),
        },
      });
    }
    if ((m = /^\/cosmos\/bank\/v1beta1\/balances\/([a-z0-9]+)\/by_denom$/.exec(p))) {
      const inj = injected("balance");
      if (inj) return inj;
      const acc = accounts.get(m[1]);
      return json({ balance: { denom: "ulume", amount: (acc?.balance ?? 0n).toString() } });
    }
    if (p === `${A}/params`) {
      const inj = injected("params");
      if (inj) return inj;
      return json({
        params: {
          base_action_fee: { denom: "ulume", amount: params.base.toString() },
          fee_per_kbyte: { denom: "ulume", amount: params.perKb.toString() },
          max_actions_per_block: "10",
          min_super_nodes: "3",
          max_dd_and_fingerprints: "50",
          max_raptor_q_symbols: String(params.maxRq),
          expiration_duration: `${params.expiration}s`,
          min_processing_time: "60s",
          max_processing_time: "3600s",
          super_node_fee_share: "1.000000000000000000",
          foundation_fee_share: "0.000000000000000000",
          svc_challenge_count: 8,
          svc_min_chunks_for_challenge: 4,
        },
      });
    }
    if ((m = new RegExp(`^${A}/get_action_fee/(\\d+)$`).exec(p))) {
      const inj = injected("fee");
      if (inj) return inj;
      return json({ amount: (params.base + params.perKb * BigInt(m[1])).toString() });
    }
    if ((m = new RegExp(`^${A}/get_action/(\\d+)$`).exec(p))) {
      const inj = injected("get_action");
      if (inj) return inj;
      const a = actions.get(m[1]);
      if (!a) return grpcError(404, 5, "failed to get action by ID");
      return json({ action: actionJson(a) });
    }
    if ((m = new RegExp(`^${A}/list_actions_by_creator/([a-z0-9]+)$`).exec(p))) {
      const inj = injected("list_by_creator");
      if (inj) return inj;
      return page([...actions.values()].filter((a) => a.creator === m![1]), url);
    }
    if (p === `${A}/query_action_by_metadata`) {
      const inj = injected("by_metadata");
      if (inj) return inj;
      const q = url.searchParams.get("metadataQuery") ?? "";
      const [key, value] = q.split(/=(.*)/s);
      if (url.searchParams.get("actionType") !== "ACTION_TYPE_CASCADE" || key !== "data_hash") {
        return grpcError(400, 3, "invalid metadata query");
      }
      return page([...actions.values()].filter((a) => a.metadata.data_hash === value), url);
    }
    if (p === "/cosmos/tx/v1beta1/simulate" && req.method === "POST") {
      const inj = injected("simulate");
      if (inj) return inj;
      const body = await req.json();
      const txBytes = base64.decode(String(body.tx_bytes ?? ""));
      const checked = checkTx(txBytes, true);
      if (checked.code !== 0) return grpcError(400, 3, checked.log);
      // Run the message checks on a copy of the account (a simulation changes nothing).
      const acc = { ...checked.acc };
      if (!acc.pubkey) acc.pubkey = checked.tx.signers[0].pubkey;
      const saveId = nextActionId;
      const res = checkMsg(acc, checked.tx.messages[0].value);
      nextActionId = saveId;
      if ("code" in res) return grpcError(500, 2, `${res.log}: simulation failed`);
      return json({
        gas_info: { gas_wanted: "0", gas_used: String(gasFor(txBytes.length)) },
        result: { events: [] },
      });
    }
    if (p === "/cosmos/tx/v1beta1/txs" && req.method === "POST") {
      const inj = injected("broadcast");
      if (inj) return inj;
      const body = await req.json();
      const txBytes = base64.decode(String(body.tx_bytes ?? ""));
      const hash = hex.encode(sha256(txBytes)).toUpperCase();
      if (body.mode !== "BROADCAST_MODE_SYNC") return grpcError(400, 3, "unsupported mode");
      const checked = checkTx(txBytes, false);
      if (checked.code !== 0) {
        return json({ tx_response: { txhash: hash, code: checked.code, raw_log: checked.log } });
      }
      const { tx, acc, fee } = checked;
      acc.pubkey ??= tx.signers[0].pubkey;
      acc.sequence += 1n;
      acc.balance -= fee;
      height++;
      const gasUsed = gasFor(txBytes.length);
      let record: TxRecord;
      if (BigInt(gasUsed) > tx.gasLimit) {
        record = { hash, height, code: 11, log: "out of gas", gasUsed, events: [], lookups: 0 };
      } else {
        const res = checkMsg(acc, tx.messages[0].value);
        if ("code" in res) {
          record = { hash, height, code: res.code, log: res.log, gasUsed, events: [], lookups: 0 };
        } else {
          res.action.blockHeight = height;
          actions.set(res.action.id, res.action);
          record = {
            hash,
            height,
            code: 0,
            log: "",
            gasUsed,
            lookups: 0,
            events: [{
              type: "action_registered",
              attributes: [
                { key: "action_id", value: res.action.id, index: true },
                { key: "creator", value: acc.address, index: true },
                { key: "action_type", value: "ACTION_TYPE_CASCADE", index: true },
                { key: "fee", value: `${res.action.price}ulume`, index: true },
              ],
            }],
          };
        }
      }
      txs.set(hash, record);
      if (knobs.loseBroadcastAnswers > 0) {
        knobs.loseBroadcastAnswers--;
        return json({ error: "gateway timeout after accepting the tx" }, 504);
      }
      return json({ tx_response: { txhash: hash, code: 0, raw_log: "", height: "0" } });
    }
    if ((m = /^\/cosmos\/tx\/v1beta1\/txs\/([0-9A-Fa-f]{64})$/.exec(p))) {
      const inj = injected("tx");
      if (inj) return inj;
      const t = txs.get(m[1].toUpperCase());
      if (!t || t.lookups++ < knobs.txLookup404s) {
        return grpcError(404, 5, `tx not found: ${m[1]}`);
      }
      return json({
        tx: {},
        tx_response: {
          height: String(t.height),
          txhash: t.hash,
          code: t.code,
          raw_log: t.log,
          gas_used: String(t.gasUsed),
          events: t.events,
        },
      });
    }
    return grpcError(501, 12, `not implemented in the stand-in: ${req.method} ${p}`);
  };

  const statusBody = (events: string[]): Response => {
    const objs = events.map((e) => ({ status: e, message: e }));
    if (knobs.statusStyle === "array") return json(objs);
    if (knobs.statusStyle === "sse-open") {
      // A live feed: the events so far, then keep-alive comments, never closed by the server.
      let timer: ReturnType<typeof setInterval> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const enc = new TextEncoder();
          controller.enqueue(
            enc.encode(objs.map((o) => `data: ${JSON.stringify(o)}\n\n`).join("")),
          );
          timer = setInterval(() => controller.enqueue(enc.encode(": keep-alive\n\n")), 100);
        },
        cancel() {
          clearInterval(timer);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    if (knobs.statusStyle === "sse") {
      return new Response(objs.map((o) => `data: ${JSON.stringify(o)}\n\n`).join(""), {
        headers: { "content-type": "text/event-stream" },
      });
    }
    return json(objs.at(-1) ?? {});
  };

  const taskEvents = (t: Task): string[] => {
    if (t.failed) return [...t.events, "sdk:failed"];
    if (Date.now() < t.readyAt) return t.events;
    return [...t.events, t.kind === "upload" ? "sdk:completed" : "sdk:download_completed"];
  };

  const snapi = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (p === "/api/v1/actions/cascade" && req.method === "POST") {
      const inj = injected("upload");
      if (inj) return inj;
      const form = await req.formData();
      const actionId = String(form.get("action_id") ?? "");
      const signature = String(form.get("signature") ?? "");
      const file = form.get("file");
      const a = actions.get(actionId);
      if (!a) return json({ error: "action not found" }, 404);
      if (a.uploadAttempts++ < knobs.indexDelay404s) {
        return json({ error: "action not found (not indexed yet)" }, 404);
      }
      if (!(file instanceof File)) return json({ error: "file is required" }, 400);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const creator = accounts.get(a.creator);
      if (
        !creator?.pubkey ||
        !verifyString(creator.keyType, creator.pubkey, a.creator, a.metadata.data_hash, signature)
      ) {
        return json({ error: "invalid signature for action creator" }, 401);
      }
      if (dataHashOf(bytes) !== a.metadata.data_hash) {
        return json({ error: "data hash mismatch" }, 400);
      }
      if (a.price < params.base + params.perKb * BigInt(Math.ceil(bytes.length / 1024))) {
        return json({ error: "insufficient action fee for the file size" }, 400);
      }
      // What the SuperNode does: encode, verify the index and layout signatures, derive ids.
      const parsed = parseSignatures(a.metadata.signatures);
      if (
        !verifyString(creator.keyType, creator.pubkey, a.creator, parsed.indexB64, parsed.signature)
      ) {
        return json({ error: "index signature verification failed" }, 400);
      }
      const layoutB64 = base64.encode(
        new TextEncoder().encode(layoutJson(await createLayout(bytes))),
      );
      const layoutSig = parsed.index.layout_signature;
      if (!verifyString(creator.keyType, creator.pubkey, a.creator, layoutB64, layoutSig)) {
        return json({ error: "layout signature verification failed" }, 400);
      }
      const expectedLayoutIds = deriveIds(
        `${layoutB64}.${layoutSig}`,
        a.metadata.rq_ids_ic,
        a.metadata.rq_ids_max,
      );
      if (JSON.stringify(expectedLayoutIds) !== JSON.stringify(parsed.index.layout_ids)) {
        return json({ error: "layout ids do not match the layout" }, 400);
      }
      a.metadata.rq_ids_ids = deriveIds(
        a.metadata.signatures,
        a.metadata.rq_ids_ic,
        a.metadata.rq_ids_max,
      );
      a.file = bytes;
      a.state = 2;
      a.doneAt = Date.now() + knobs.doneDelayMs;
      const id = `up-${nextTask++}`;
      tasks.set(id, {
        kind: "upload",
        actionId,
        events: ["sdk:started", "sdk:supernodes_found", "sdk:upload_started"],
        readyAt: Date.now() + knobs.doneDelayMs,
      });
      return json({ task_id: id }, 202);
    }
    if ((m = /^\/api\/v1\/actions\/cascade\/tasks\/([\w.:-]+)\/status$/.exec(p))) {
      const inj = injected("upload_status");
      if (inj) return inj;
      const t = tasks.get(m[1]);
      if (!t || t.kind !== "upload") return json({ error: "task not found" }, 404);
      return statusBody(taskEvents(t));
    }
    if ((m = /^\/api\/v1\/actions\/cascade\/(\d+)\/downloads$/.exec(p)) && req.method === "POST") {
      const inj = injected("download_request");
      if (inj) return inj;
      const a = actions.get(m[1]);
      if (!a) return json({ error: "action not found" }, 404);
      const body = await req.json().catch(() => ({}));
      const creator = accounts.get(a.creator);
      if (
        !a.metadata.public &&
        (!creator?.pubkey ||
          !verifyString(creator.keyType, creator.pubkey, a.creator, a.id, String(body.signature)))
      ) {
        return json({ error: "invalid download signature" }, 401);
      }
      if (!a.file || refresh(a).state !== 3) return json({ error: "action not finalized" }, 409);
      const id = `down-${nextTask++}`;
      tasks.set(id, {
        kind: "download",
        actionId: a.id,
        events: ["sdk:download_started"],
        readyAt: Date.now() + knobs.doneDelayMs,
      });
      return json({ taskId: id }, 202);
    }
    if ((m = /^\/api\/v1\/downloads\/cascade\/([\w.:-]+)\/status$/.exec(p))) {
      const inj = injected("download_status");
      if (inj) return inj;
      const t = tasks.get(m[1]);
      if (!t || t.kind !== "download") return json({ error: "task not found" }, 404);
      return statusBody(taskEvents(t));
    }
    if ((m = /^\/api\/v1\/downloads\/cascade\/([\w.:-]+)\/file$/.exec(p))) {
      const inj = injected("download_file");
      if (inj) return inj;
      const t = tasks.get(m[1]);
      const a = t ? actions.get(t.actionId) : undefined;
      if (!t || !a?.file || Date.now() < t.readyAt) return json({ error: "not ready" }, 404);
      const out = a.file.slice();
      if (knobs.tamperDownload && out.length > 0) out[out.length >> 1] ^= 0x01;
      return new Response(out, { headers: { "content-type": "application/octet-stream" } });
    }
    return json({ error: `not implemented in the stand-in: ${req.method} ${p}` }, 501);
  };

  const onError = () => json({ error: "stand-in internal error" }, 500);
  const lcdServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, onError },
    lcd,
  );
  const snapiServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, onError },
    snapi,
  );
  return Promise.resolve({
    lcdUrl: `http://127.0.0.1:${lcdServer.addr.port}`,
    snapiUrl: `http://127.0.0.1:${snapiServer.addr.port}`,
    chainId,
    mnemonic,
    address,
    keyType,
    knobs,
    hits,
    balanceOf: (addr) => accounts.get(addr)?.balance ?? 0n,
    fund: (addr, ulume) => fund(addr, ulume),
    actionState: (id) => {
      const a = actions.get(id);
      return a ? refresh(a).state : undefined;
    },
    actionIds: () => [...actions.keys()],
    gasFor,
    close: async () => {
      await Promise.all([lcdServer.shutdown(), snapiServer.shutdown()]);
    },
  });
}
