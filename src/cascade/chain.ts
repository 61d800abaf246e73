/**
 * Lumera chain REST (LCD) calls and the parsing of their untrusted JSON: accounts, balances,
 * Cascade params and fees, actions, transaction simulation, broadcast and lookup.
 *
 * @module
 */

import { base64 } from "@scure/base";
import { LumeraError } from "../errors.ts";
import { MAX_CASCADE_OBJECT_BYTES } from "../estimate/cascade_fee.ts";
import { type HttpCall, jsonObject, request, type RetryPolicy } from "./http.ts";
import type { ActionInfo, ActionState, CascadeParams } from "./remote.ts";
import { decodeCascadeMetadata } from "./tx.ts";

/** Largest JSON response accepted from the LCD. */
export const MAX_LCD_BYTES = 4 * 1024 * 1024;
/** Action module route prefix. */
export const ACTION_ROUTE = "/LumeraProtocol/lumera/action/v1";

const STATES: readonly ActionState[] = [
  "UNKNOWN",
  "PENDING",
  "PROCESSING",
  "DONE",
  "APPROVED",
  "REJECTED",
  "FAILED",
  "EXPIRED",
];

/** Maps an LCD action state (enum name or number) to an {@link ActionState}. */
export function parseActionState(value: unknown): ActionState {
  if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) {
    return STATES[Number(value)] ?? "UNKNOWN";
  }
  if (typeof value === "string") {
    const name = value.replace(/^ACTION_STATE_/, "") as ActionState;
    return STATES.includes(name) ? name : "UNKNOWN";
  }
  return "UNKNOWN";
}

/** Reads an amount of ulume from `"123ulume"`, `"123"`, or `{denom, amount}`. */
export function parseUlume(value: unknown, what: string): bigint {
  if (value && typeof value === "object") {
    const c = value as { denom?: unknown; amount?: unknown };
    if (c.denom !== undefined && c.denom !== "ulume") {
      throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: unexpected denom`);
    }
    return parseUlume(c.amount, what);
  }
  const m = typeof value === "string" ? /^(\d{1,30})(ulume)?$/.exec(value) : null;
  if (!m) {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
      return BigInt(value);
    }
    throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: unexpected amount format`);
  }
  return BigInt(m[1]);
}

/** Decodes the `metadata` of an LCD action (base64 protobuf, or a JSON object). */
export function parseActionMetadata(value: unknown): { dataHash: string; fileName: string } {
  if (typeof value === "string") {
    try {
      const m = decodeCascadeMetadata(base64.decode(value));
      return { dataHash: m.data_hash, fileName: m.file_name };
    } catch {
      return { dataHash: "", fileName: "" };
    }
  }
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    const inner = (o.cascade_metadata ?? o.cascadeMetadata ?? o) as Record<string, unknown>;
    return {
      dataHash: typeof inner.data_hash === "string" ? inner.data_hash : "",
      fileName: typeof inner.file_name === "string" ? inner.file_name : "",
    };
  }
  return { dataHash: "", fileName: "" };
}

/** Validates and converts one LCD action object. */
export function parseAction(value: unknown): ActionInfo {
  if (!value || typeof value !== "object") {
    throw new LumeraError("REMOTE_UNAVAILABLE", "unexpected action shape from the chain");
  }
  const a = value as Record<string, unknown>;
  const actionId = a.actionID ?? a.action_id ?? a.actionId;
  if (typeof actionId !== "string" || !/^\d{1,20}$/.test(actionId)) {
    throw new LumeraError("REMOTE_UNAVAILABLE", "the chain returned an action without a valid id");
  }
  const meta = parseActionMetadata(a.metadata);
  let priceUlume = 0n;
  try {
    priceUlume = parseUlume(a.price, "action price");
  } catch {
    priceUlume = 0n;
  }
  return {
    actionId,
    state: parseActionState(a.state),
    creator: typeof a.creator === "string" ? a.creator : "",
    dataHash: meta.dataHash,
    fileName: meta.fileName,
    priceUlume,
  };
}

/** An account's number and next sequence. */
export interface AccountInfo {
  accountNumber: bigint;
  sequence: bigint;
}

function findBaseAccount(value: unknown, depth = 0): Record<string, unknown> | undefined {
  if (!value || typeof value !== "object" || depth > 4) return undefined;
  const o = value as Record<string, unknown>;
  if ("account_number" in o && "sequence" in o) return o;
  for (const k of ["base_account", "base_vesting_account", "account"]) {
    const found = findBaseAccount(o[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The LCD client of one network. */
export class ChainRest {
  constructor(readonly lcdUrl: string, readonly policy: RetryPolicy) {}

  async #get(what: string, path: string, extra: Partial<HttpCall> = {}) {
    const res = await request(
      { what, url: this.lcdUrl + path, maxBytes: MAX_LCD_BYTES, ...extra },
      this.policy,
    );
    return jsonObject(res, what);
  }

  /** Account number and sequence; `REMOTE_REJECTED` if the account does not exist on chain. */
  async account(address: string): Promise<AccountInfo> {
    let body: Record<string, unknown>;
    try {
      body = await this.#get("account lookup", `/cosmos/auth/v1beta1/accounts/${address}`);
    } catch (e) {
      if (e instanceof LumeraError && e.code === "NOT_FOUND") {
        throw new LumeraError("REMOTE_REJECTED", "the Lumera account does not exist on chain yet", {
          hint: "fund the account (faucet on testnet) before uploading",
          details: { address },
        });
      }
      throw e;
    }
    const acc = findBaseAccount(body.account);
    const num = acc?.account_number;
    const seq = acc?.sequence;
    if (
      typeof num !== "string" || !/^\d+$/.test(num) || typeof seq !== "string" ||
      !/^\d+$/.test(seq)
    ) {
      throw new LumeraError("REMOTE_UNAVAILABLE", "account lookup: unexpected response shape");
    }
    return { accountNumber: BigInt(num), sequence: BigInt(seq) };
  }

  /** Balance in ulume (0 for an unknown account). */
  async balance(address: string): Promise<bigint> {
    const body = await this.#get(
      "balance lookup",
      `/cosmos/bank/v1beta1/balances/${address}/by_denom?denom=ulume`,
    );
    const bal = body.balance as { amount?: unknown } | null | undefined;
    if (bal === null || bal === undefined) return 0n;
    return parseUlume(bal.amount ?? "0", "balance");
  }

  /** Cascade parameters. */
  async params(): Promise<CascadeParams> {
    const body = await this.#get("action params", `${ACTION_ROUTE}/params`);
    const p = body.params as Record<string, unknown> | undefined;
    if (!p || typeof p !== "object") {
      throw new LumeraError("REMOTE_UNAVAILABLE", "action params: unexpected response shape");
    }
    const dur = typeof p.expiration_duration === "string"
      ? /^(\d+(?:\.\d+)?)s$/.exec(p.expiration_duration)
      : null;
    return {
      baseActionFeeUlume: parseUlume(p.base_action_fee, "base_action_fee"),
      feePerKbyteUlume: parseUlume(p.fee_per_kbyte, "fee_per_kbyte"),
      maxObjectBytes: MAX_CASCADE_OBJECT_BYTES,
      minExpirationSeconds: dur ? Math.ceil(Number(dur[1])) : 86_400,
      raw: p,
    };
  }

  /** The action fee for `kb` started KiB. */
  async actionFee(kb: number): Promise<bigint> {
    const body = await this.#get("action fee", `${ACTION_ROUTE}/get_action_fee/${kb}`);
    return parseUlume(body.amount, "action fee");
  }

  /** One action; `NOT_FOUND` if the chain does not know it. */
  async action(actionId: string): Promise<ActionInfo> {
    const { fileSizeKbs: _, ...info } = await this.actionDetail(actionId);
    return info;
  }

  /** One action with its declared size; `NOT_FOUND` if the chain does not know it. */
  async actionDetail(actionId: string): Promise<ActionInfo & { fileSizeKbs: number }> {
    if (!/^\d{1,20}$/.test(actionId)) {
      throw new LumeraError("USAGE", `invalid action id: ${JSON.stringify(actionId)}`);
    }
    const body = await this.#get(`action ${actionId}`, `${ACTION_ROUTE}/get_action/${actionId}`);
    const a = body.action as Record<string, unknown> | undefined;
    const kb = Number(a?.fileSizeKbs ?? a?.file_size_kbs ?? 0);
    return {
      ...parseAction(a),
      fileSizeKbs: Number.isSafeInteger(kb) && kb > 0 ? kb : MAX_CASCADE_OBJECT_BYTES / 1024,
    };
  }

  async #paged(what: string, path: string, maxPages = 200): Promise<ActionInfo[]> {
    const out: ActionInfo[] = [];
    let key = "";
    for (let page = 0; page < maxPages; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const q = `${sep}pagination.limit=100${
        key ? `&pagination.key=${encodeURIComponent(key)}` : ""
      }`;
      let body: Record<string, unknown>;
      try {
        body = await this.#get(what, path + q);
      } catch (e) {
        if (e instanceof LumeraError && e.code === "NOT_FOUND") return out;
        throw e;
      }
      const actions = body.actions;
      if (actions !== undefined && actions !== null && !Array.isArray(actions)) {
        throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: unexpected response shape`);
      }
      for (const a of actions ?? []) out.push(parseAction(a));
      const next = (body.pagination as { next_key?: unknown } | undefined)?.next_key;
      if (typeof next !== "string" || next === "") return out;
      key = next;
    }
    return out;
  }

  /** Actions created by `creator`. */
  listByCreator(creator: string): Promise<ActionInfo[]> {
    return this.#paged(
      "list own actions",
      `${ACTION_ROUTE}/list_actions_by_creator/${creator}`,
    );
  }

  /** Cascade actions whose metadata has `data_hash = dataHash`. */
  findByDataHash(dataHash: string): Promise<ActionInfo[]> {
    const q = encodeURIComponent(`data_hash=${dataHash}`);
    return this.#paged(
      "find action by data hash",
      `${ACTION_ROUTE}/query_action_by_metadata?actionType=ACTION_TYPE_CASCADE&metadataQuery=${q}`,
      20,
    );
  }

  /** Simulates a signed transaction; returns gas used. */
  async simulate(txBytes: Uint8Array): Promise<number> {
    const res = await request(
      {
        what: "transaction simulation",
        url: `${this.lcdUrl}/cosmos/tx/v1beta1/simulate`,
        method: "POST",
        json: { tx_bytes: base64.encode(txBytes) },
        maxBytes: MAX_LCD_BYTES,
        grpcErrors: true,
      },
      this.policy,
    );
    const body = jsonObject(res, "transaction simulation");
    const used = (body.gas_info as { gas_used?: unknown } | undefined)?.gas_used;
    if (typeof used !== "string" || !/^\d{1,15}$/.test(used)) {
      throw new LumeraError("REMOTE_UNAVAILABLE", "transaction simulation: no gas_used");
    }
    return Number(used);
  }

  /** Broadcasts (sync mode); returns the tx hash or throws `REMOTE_REJECTED` with the code. */
  async broadcast(txBytes: Uint8Array): Promise<{ txHash: string; code: number; log: string }> {
    const res = await request(
      {
        what: "transaction broadcast",
        url: `${this.lcdUrl}/cosmos/tx/v1beta1/txs`,
        method: "POST",
        json: { tx_bytes: base64.encode(txBytes), mode: "BROADCAST_MODE_SYNC" },
        maxBytes: MAX_LCD_BYTES,
        grpcErrors: true,
      },
      this.policy,
    );
    const body = jsonObject(res, "transaction broadcast");
    const tr = body.tx_response as Record<string, unknown> | undefined;
    const txHash = tr?.txhash;
    if (typeof txHash !== "string" || !/^[0-9A-Fa-f]{64}$/.test(txHash)) {
      throw new LumeraError("REMOTE_UNAVAILABLE", "transaction broadcast: no tx hash");
    }
    return {
      txHash: txHash.toUpperCase(),
      code: Number(tr?.code ?? 0),
      log: typeof tr?.raw_log === "string" ? tr.raw_log.slice(0, 500) : "",
    };
  }

  /** Whether the chain already has transaction `txHash` (one lookup, no waiting). */
  async txKnown(txHash: string): Promise<boolean> {
    try {
      await this.#get(`transaction ${txHash}`, `/cosmos/tx/v1beta1/txs/${txHash}`);
      return true;
    } catch (e) {
      if (e instanceof LumeraError && e.code === "NOT_FOUND") return false;
      throw e;
    }
  }

  /** Waits until `txHash` is included; returns its code, log and `action_registered` id. */
  async waitForTx(
    txHash: string,
    totalMs: number,
  ): Promise<{ code: number; log: string; actionId?: string; gasUsed?: number }> {
    const body = await this.#get(`transaction ${txHash}`, `/cosmos/tx/v1beta1/txs/${txHash}`, {
      retry404: true,
      totalMs,
    }).catch((e) => {
      if (e instanceof LumeraError && e.code === "NOT_FOUND") {
        throw new LumeraError(
          "REMOTE_UNAVAILABLE",
          "the transaction was not included in time",
          { hint: "it may still be included: look it up by data hash before retrying", cause: e },
        );
      }
      throw e;
    });
    const tr = body.tx_response as Record<string, unknown> | undefined;
    if (!tr || typeof tr !== "object") {
      throw new LumeraError("REMOTE_UNAVAILABLE", "transaction lookup: unexpected response shape");
    }
    return {
      code: Number(tr.code ?? 0),
      log: typeof tr.raw_log === "string" ? tr.raw_log.slice(0, 500) : "",
      actionId: findEventAttribute(tr, "action_registered", "action_id"),
      gasUsed: typeof tr.gas_used === "string" ? Number(tr.gas_used) : undefined,
    };
  }
}

function maybeB64(s: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(base64.decode(s));
  } catch {
    return s;
  }
}

/** Finds an event attribute in a tx response (`events`, or legacy `logs[].events`). */
export function findEventAttribute(
  txResponse: Record<string, unknown>,
  type: string,
  key: string,
): string | undefined {
  const lists: unknown[] = [txResponse.events];
  if (Array.isArray(txResponse.logs)) {
    for (const l of txResponse.logs) lists.push((l as { events?: unknown })?.events);
  }
  for (const events of lists) {
    if (!Array.isArray(events)) continue;
    for (const ev of events) {
      if (!ev || typeof ev !== "object" || (ev as { type?: unknown }).type !== type) continue;
      const attrs = (ev as { attributes?: unknown }).attributes;
      if (!Array.isArray(attrs)) continue;
      for (const a of attrs) {
        const k = typeof a?.key === "string" ? a.key : "";
        const v = typeof a?.value === "string" ? a.value : "";
        if (k === key && /^\d{1,20}$/.test(v)) return v;
        if (k !== key && maybeB64(k) === key && /^\d{1,20}$/.test(maybeB64(v))) return maybeB64(v);
      }
    }
  }
  return undefined;
}
