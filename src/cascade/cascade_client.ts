/**
 * The Lumera Cascade protocol client: implements {@link CascadeRemote} over the chain REST (LCD)
 * and the SuperNode API (SN-API). Loaded lazily by `client.ts` on the first Cascade call; the
 * RaptorQ WebAssembly is loaded later still, on the first `register`.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "@scure/base";
import { LumeraError } from "../errors.ts";
import { MAX_CASCADE_OBJECT_BYTES } from "../estimate/cascade_fee.ts";
import { ChainRest } from "./chain.ts";
import { actionFeeFor, gasFeeFor, gasLimitFor, kilobytesOf } from "./fees.ts";
import { DEFAULT_RETRY, jsonObject, request, type RetryPolicy, transferTimeoutMs } from "./http.ts";
import { buildSignatures, dataHashOf, deriveIds, indexJson } from "./ids.ts";
import type {
  ActionInfo,
  CascadeConnection,
  CascadeParams,
  CascadeRemote,
  GasEstimate,
  RegisteredAction,
  UploadStatus,
} from "./remote.ts";
import { createLayout, layoutJson } from "./rq/raptorq.ts";
import { downloadProgress, statusOf, uploadProgress } from "./status.ts";
import {
  encodeAuthInfo,
  encodeMsgRequestAction,
  encodeSignDoc,
  encodeTxBody,
  encodeTxRaw,
  MSG_REQUEST_ACTION_TYPE_URL,
  type MsgRequestAction,
} from "./tx.ts";
import { PUBKEY_TYPE_URL, type Wallet, walletFromMnemonic } from "./wallet.ts";

/** Tuning of the client (defaults suit the public networks; tests shrink them). */
export interface CascadeClientOptions {
  /** Per-request timeout and retry budget for ordinary calls. */
  retry?: Partial<RetryPolicy>;
  /** How long to wait for a broadcast transaction to be included, in ms (default 90 s). */
  inclusionTimeoutMs?: number;
  /** How long an upload retries while the action is not indexed by the SN-API yet (default 2 min). */
  indexTimeoutMs?: number;
  /** How long a download waits for the SN-API task to be ready, in ms (default 10 min). */
  downloadTimeoutMs?: number;
  /** Interval between download status polls, in ms (default 2 s). */
  pollIntervalMs?: number;
  /** Seconds added to the chain's minimum expiration (default 900). */
  expirationMarginSeconds?: number;
  /** Clock, in ms since the epoch (tests). */
  now?: () => number;
}

/** Largest SN-API JSON/status body accepted. */
const MAX_SNAPI_JSON = 1024 * 1024;
const TASK_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

function checkBaseUrl(url: string, what: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LumeraError("USAGE", `invalid ${what} URL`, { hint: "use https://host[:port]" });
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new LumeraError("USAGE", `invalid ${what} URL scheme`, { hint: "use https://" });
  }
  return url.replace(/\/+$/, "");
}

function randomBelow(n: number): number {
  const buf = new Uint32Array(1);
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0] < limit) return buf[0] % n;
  }
}

function rqIdsMax(params: CascadeParams): number {
  const raw = params.raw.max_raptor_q_symbols;
  const n = typeof raw === "string" || typeof raw === "number" ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) {
    throw new LumeraError("REMOTE_UNAVAILABLE", "action params: invalid max_raptor_q_symbols");
  }
  return n;
}

function taskIdOf(body: Record<string, unknown>, what: string): string {
  const id = body.task_id ?? body.taskId;
  if (typeof id !== "string" || !TASK_ID.test(id)) {
    throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: no valid task id in the response`);
  }
  return id;
}

/** The Cascade client for one connection. */
export class CascadeClient implements CascadeRemote {
  readonly address: string;
  readonly #wallet: Wallet;
  readonly #chain: ChainRest;
  readonly #snapi: string;
  readonly #chainId: string;
  readonly #gasPrice: string;
  readonly #policy: RetryPolicy;
  readonly #opts: Required<Omit<CascadeClientOptions, "retry">>;

  constructor(connection: CascadeConnection, options: CascadeClientOptions = {}) {
    this.#wallet = walletFromMnemonic(connection.mnemonic, connection.keyType ?? "secp256k1");
    this.address = this.#wallet.address;
    this.#policy = { ...DEFAULT_RETRY, ...options.retry };
    this.#chain = new ChainRest(checkBaseUrl(connection.lcdUrl, "LCD"), this.#policy);
    this.#snapi = checkBaseUrl(connection.snapiUrl, "SN-API");
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(connection.chainId)) {
      throw new LumeraError("USAGE", "invalid Lumera chain id");
    }
    this.#chainId = connection.chainId;
    gasFeeFor(1, connection.gasPrice); // validates the gas price early
    this.#gasPrice = connection.gasPrice;
    this.#opts = {
      inclusionTimeoutMs: options.inclusionTimeoutMs ?? 90_000,
      indexTimeoutMs: options.indexTimeoutMs ?? 120_000,
      downloadTimeoutMs: options.downloadTimeoutMs ?? 600_000,
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      expirationMarginSeconds: options.expirationMarginSeconds ?? 900,
      now: options.now ?? Date.now,
    };
  }

  params(): Promise<CascadeParams> {
    return this.#chain.params();
  }

  actionFee(bytes: number): Promise<bigint> {
    return this.#chain.actionFee(kilobytesOf(bytes));
  }

  balance(): Promise<bigint> {
    return this.#chain.balance(this.address);
  }

  action(actionId: string): Promise<ActionInfo> {
    return this.#chain.action(actionId);
  }

  async listOwnActions(): Promise<ActionInfo[]> {
    const all = await this.#chain.listByCreator(this.address);
    return all.filter((a) => a.creator === this.address);
  }

  async findByDataHash(dataHash: string): Promise<ActionInfo | undefined> {
    if (!/^[A-Za-z0-9+/]{43}=$/.test(dataHash)) {
      throw new LumeraError("USAGE", "invalid data hash (expected base64 of 32 bytes)");
    }
    const mine = (await this.#chain.findByDataHash(dataHash)).filter((a) =>
      a.creator === this.address && a.dataHash === dataHash
    );
    const live = mine.filter((a) => !["REJECTED", "FAILED", "EXPIRED"].includes(a.state));
    const pick = (live.length ? live : mine).sort((a, b) =>
      BigInt(b.actionId) > BigInt(a.actionId) ? 1 : -1
    );
    return pick[0];
  }

  /** Signs and returns the tx bytes of `msg` with a simulated gas limit. */
  async #signedTx(
    msg: MsgRequestAction,
  ): Promise<{ tx: Uint8Array; gasUsed: number; gasLimit: number; fee: bigint }> {
    const account = await this.#chain.account(this.address);
    const body = encodeTxBody(
      [{ typeUrl: MSG_REQUEST_ACTION_TYPE_URL, value: encodeMsgRequestAction(msg) }],
      "",
    );
    const pubType = PUBKEY_TYPE_URL[this.#wallet.keyType];
    const simAuth = encodeAuthInfo(pubType, this.#wallet.publicKey, account.sequence, [], 0n);
    const gasUsed = await this.#chain.simulate(encodeTxRaw(body, simAuth, [new Uint8Array(0)]));
    const gasLimit = gasLimitFor(gasUsed);
    const fee = gasFeeFor(gasLimit, this.#gasPrice);
    const auth = encodeAuthInfo(
      pubType,
      this.#wallet.publicKey,
      account.sequence,
      [{ denom: "ulume", amount: fee.toString() }],
      BigInt(gasLimit),
    );
    const sig = this.#wallet.signBytes(
      encodeSignDoc(body, auth, this.#chainId, account.accountNumber),
    );
    return { tx: encodeTxRaw(body, auth, [sig]), gasUsed, gasLimit, fee };
  }

  #expiration(params: CascadeParams): string {
    const nowS = Math.floor(this.#opts.now() / 1000);
    return String(nowS + params.minExpirationSeconds + this.#opts.expirationMarginSeconds);
  }

  async estimateGas(bytes: number): Promise<GasEstimate> {
    const kb = kilobytesOf(bytes);
    const params = await this.#chain.params();
    const max = rqIdsMax(params);
    // A registration's gas depends on its metadata size, not on the file: simulate one with
    // realistic, validly signed metadata (synthetic layout ids over a placeholder layout).
    const layoutB64 = btoa("{}");
    const layoutSig = this.#wallet.signString(layoutB64);
    const index = {
      layout_ids: deriveIds(`${layoutB64}.${layoutSig}`, 1, max),
      layout_signature: layoutSig,
      version: 1,
    };
    const indexB64 = btoa(indexJson(index));
    const msg: MsgRequestAction = {
      creator: this.address,
      actionType: "CASCADE",
      metadata: JSON.stringify({
        data_hash: dataHashOf(new Uint8Array(0)),
        file_name: "estimate.bin",
        rq_ids_ic: 1,
        signatures: `${indexB64}.${this.#wallet.signString(indexB64)}`,
        public: false,
      }),
      price: `${actionFeeFor(bytes, params.baseActionFeeUlume, params.feePerKbyteUlume)}ulume`,
      expirationTime: this.#expiration(params),
      fileSizeKbs: String(kb),
    };
    const { gasUsed, gasLimit, fee } = await this.#signedTx(msg);
    return { gasUsed, gasLimit, feeUlume: fee };
  }

  async register(bytes: Uint8Array, fileName: string): Promise<RegisteredAction> {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
      throw new LumeraError("USAGE", "nothing to upload: the object is empty");
    }
    if (bytes.length > MAX_CASCADE_OBJECT_BYTES) {
      throw new LumeraError("TOO_LARGE", "Cascade objects are limited to 1 GiB", {
        hint: "split the upload into smaller segments",
      });
    }
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(fileName)) {
      throw new LumeraError("USAGE", "invalid Cascade file name", {
        hint: "use an opaque name of letters, digits, '.', '_' or '-' (it is public on chain)",
      });
    }
    const params = await this.#chain.params();
    const max = rqIdsMax(params);
    const ic = 1 + randomBelow(max); // the chain refuses rq_ids_ic = 0
    const dataHash = dataHashOf(bytes);
    const layout = await createLayout(bytes);
    const sigs = buildSignatures(layoutJson(layout), this.#wallet.signString, ic, max);
    const kb = kilobytesOf(bytes.length);
    // What the chain's get_action_fee/{kb} answers (`fee_per_kbyte × kb + base_action_fee`),
    // computed from the params already fetched instead of asked for in one more LCD call.
    const price = actionFeeFor(bytes.length, params.baseActionFeeUlume, params.feePerKbyteUlume);
    const msg: MsgRequestAction = {
      creator: this.address,
      actionType: "CASCADE",
      metadata: JSON.stringify({
        data_hash: dataHash,
        file_name: fileName,
        rq_ids_ic: ic,
        signatures: sigs.signatures,
        public: false,
      }),
      price: `${price}ulume`,
      expirationTime: this.#expiration(params),
      fileSizeKbs: String(kb),
    };
    for (let attempt = 0;; attempt++) {
      const { tx, fee } = await this.#signedTx(msg);
      const balance = await this.#chain.balance(this.address);
      if (balance < price + fee) {
        throw new LumeraError("REMOTE_REJECTED", "insufficient funds for the Cascade upload", {
          hint: "fund the Lumera account, then retry",
          details: { needUlume: (price + fee).toString(), haveUlume: balance.toString() },
        });
      }
      const localHash = hex.encode(sha256(tx)).toUpperCase();
      const sent = await this.#chain.broadcast(tx);
      // 19: already in the mempool (a retried broadcast whose first answer was lost).
      if (sent.code === 19) sent.code = 0;
      if (sent.code === 32 && attempt === 0) {
        // Sequence mismatch: either another tx of this account got in first (re-sign once), or
        // this very tx was included by a broadcast whose answer was lost (never pay twice).
        if (await this.#chain.txKnown(localHash)) sent.code = 0;
        else continue;
      }
      sent.txHash = localHash;
      if (sent.code !== 0) {
        throw new LumeraError(
          "REMOTE_REJECTED",
          `the chain refused the registration (code ${sent.code})`,
          {
            details: { code: sent.code, log: sent.log },
          },
        );
      }
      const included = await this.#chain.waitForTx(sent.txHash, this.#opts.inclusionTimeoutMs);
      if (included.code !== 0) {
        throw new LumeraError(
          "REMOTE_REJECTED",
          `the registration failed on chain (code ${included.code})`,
          {
            details: { code: included.code, log: included.log, txHash: sent.txHash },
          },
        );
      }
      if (!included.actionId) {
        throw new LumeraError(
          "REMOTE_UNAVAILABLE",
          "the registration has no action_registered event",
          {
            details: { txHash: sent.txHash },
          },
        );
      }
      return {
        actionId: included.actionId,
        dataHash,
        txHash: sent.txHash,
        priceUlume: price,
        gasFeeUlume: fee,
      };
    }
  }

  async upload(actionId: string, bytes: Uint8Array): Promise<string> {
    if (!/^\d{1,20}$/.test(actionId)) throw new LumeraError("USAGE", "invalid action id");
    const form = new FormData();
    form.append("action_id", actionId);
    form.append("signature", this.#wallet.signString(dataHashOf(bytes)));
    form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), `${actionId}.bin`);
    const res = await request(
      {
        what: `upload of action ${actionId}`,
        url: `${this.#snapi}/api/v1/actions/cascade`,
        method: "POST",
        form,
        maxBytes: MAX_SNAPI_JSON,
        retry404: true, // the SN-API has not indexed the action yet
        totalMs: this.#opts.indexTimeoutMs,
        timeoutMs: transferTimeoutMs(this.#policy, bytes.length),
      },
      this.#policy,
    );
    return taskIdOf(jsonObject(res, "upload"), "upload");
  }

  async #status(url: string, what: string): Promise<string> {
    const res = await request({ what, url, maxBytes: MAX_SNAPI_JSON }, this.#policy);
    return statusOf(new TextDecoder().decode(res.body));
  }

  async uploadStatus(taskId: string): Promise<UploadStatus> {
    if (!TASK_ID.test(taskId)) throw new LumeraError("USAGE", "invalid upload task id");
    const status = await this.#status(
      `${this.#snapi}/api/v1/actions/cascade/tasks/${encodeURIComponent(taskId)}/status`,
      "upload status",
    );
    return uploadProgress(status);
  }

  async download(actionId: string): Promise<Uint8Array> {
    const info = await this.#chain.actionDetail(actionId);
    if (!/^[A-Za-z0-9+/]{43}=$/.test(info.dataHash)) {
      throw new LumeraError("REMOTE_UNAVAILABLE", `action ${actionId} has no usable data_hash`);
    }
    if (!["DONE", "APPROVED"].includes(info.state)) {
      throw new LumeraError("REMOTE_UNAVAILABLE", `action ${actionId} is not finalized yet`, {
        hint: "retry after the SuperNodes finalize it",
        details: { state: info.state },
      });
    }
    const started = await request(
      {
        what: `download request for action ${actionId}`,
        url: `${this.#snapi}/api/v1/actions/cascade/${actionId}/downloads`,
        method: "POST",
        json: { signature: this.#wallet.signString(actionId) },
        maxBytes: MAX_SNAPI_JSON,
      },
      this.#policy,
    );
    const taskId = taskIdOf(jsonObject(started, "download request"), "download request");
    const task = encodeURIComponent(taskId);
    const deadline = this.#opts.now() + this.#opts.downloadTimeoutMs;
    for (;;) {
      const progress = downloadProgress(
        await this.#status(
          `${this.#snapi}/api/v1/downloads/cascade/${task}/status`,
          "download status",
        ),
      );
      if (progress === "completed") break;
      if (progress === "failed") {
        throw new LumeraError(
          "REMOTE_UNAVAILABLE",
          `the SuperNodes failed to serve action ${actionId}`,
          {
            hint: "retry later",
          },
        );
      }
      if (this.#opts.now() >= deadline) {
        throw new LumeraError("REMOTE_UNAVAILABLE", `download of action ${actionId} timed out`);
      }
      await new Promise((r) => setTimeout(r, this.#opts.pollIntervalMs));
    }
    const cap = Math.min(MAX_CASCADE_OBJECT_BYTES, Math.max(1, info.fileSizeKbs) * 1024);
    const file = await request(
      {
        what: `download of action ${actionId}`,
        url: `${this.#snapi}/api/v1/downloads/cascade/${task}/file`,
        maxBytes: cap,
        timeoutMs: transferTimeoutMs(this.#policy, cap),
      },
      this.#policy,
    );
    if (dataHashOf(file.body) !== info.dataHash) {
      throw new LumeraError(
        "INTEGRITY",
        `downloaded bytes of action ${actionId} do not match its on-chain hash`,
        {
          hint: "the SuperNode returned corrupted data; retry the download",
        },
      );
    }
    return file.body;
  }
}
