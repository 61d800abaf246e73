/**
 * TEST STAND-IN — NOT LUMERA. An in-memory implementation of the `CascadeRemote` contract for the
 * sync queue's tests: one account on a pretend chain.
 *
 * Faithful to the contract where the local side depends on it: the action fee is
 * `base + per_kb × ceil(bytes / 1024)` (10,000 + 10 ulume by default), action ids are sequential
 * decimal strings, an action goes PENDING → (upload) → DONE after a configurable number of status
 * polls, `upload` refuses bytes whose hash differs from the registered data hash, `download`
 * returns exactly the uploaded bytes and only once the action is DONE. Differences: the data hash
 * here is base64 SHA-256 (the chain uses BLAKE3), and nothing is signed.
 *
 * Injectable failures: `failNext(method, n, code)` throws a `LumeraError` with `code`
 * (`REMOTE_UNAVAILABLE` by default) on the next `n` calls of `method`; `crashAt(method, when)`
 * makes the next call hang forever, before or after its effect, to simulate a process that died
 * there (the test abandons that syncer and starts another).
 *
 * @module
 */

import type {
  ActionInfo,
  ActionState,
  CascadeParams,
  CascadeRemote,
  GasEstimate,
  RegisteredAction,
  UploadStatus,
} from "../../src/cascade/remote.ts";
import { type ErrorCode, LumeraError } from "../../src/errors.ts";

/** The methods failures can be injected into. */
export type RemoteMethod =
  | "params"
  | "actionFee"
  | "estimateGas"
  | "balance"
  | "register"
  | "findByDataHash"
  | "listOwnActions"
  | "upload"
  | "uploadStatus"
  | "action"
  | "download";

interface StoredAction {
  info: ActionInfo;
  bytes?: Uint8Array;
  registered: Uint8Array;
  polls: number;
  taskId?: string;
}

function b64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** Options of the stand-in. */
export interface MemoryCascadeOptions {
  /** Base action fee (default 10,000 ulume). */
  baseFee?: bigint;
  /** Fee per started KiB (default 10 ulume). */
  perKb?: bigint;
  /** Gas fee charged per registration (default 3,250 ulume). */
  gasFee?: bigint;
  /** Status polls an upload task stays `pending` before it completes (default 1). */
  pollsToComplete?: number;
  /** Starting balance (default 10 LUME). */
  balance?: bigint;
}

/** TEST STAND-IN: an in-memory Cascade (see the module doc). */
export class MemoryCascadeRemote implements CascadeRemote {
  readonly address = "lumera1standin0000000000000000000000000000";
  readonly #actions = new Map<string, StoredAction>();
  readonly #tasks = new Map<string, string>();
  #nextId = 1;
  #balance: bigint;
  readonly #base: bigint;
  readonly #perKb: bigint;
  readonly #gas: bigint;
  readonly #pollsToComplete: number;
  readonly #fail = new Map<RemoteMethod, { n: number; code: ErrorCode }>();
  readonly #crash = new Map<RemoteMethod, { when: "before" | "after"; skip: number }>();
  /** Calls per method. */
  readonly calls: Record<RemoteMethod, number> = {
    params: 0,
    actionFee: 0,
    estimateGas: 0,
    balance: 0,
    register: 0,
    findByDataHash: 0,
    listOwnActions: 0,
    upload: 0,
    uploadStatus: 0,
    action: 0,
    download: 0,
  };
  /** Resolves each time a crash point is hit. */
  crashed: Promise<RemoteMethod>;
  #resolveCrash!: (m: RemoteMethod) => void;

  /** A fresh pretend chain with one funded account. */
  constructor(options: MemoryCascadeOptions = {}) {
    this.#base = options.baseFee ?? 10_000n;
    this.#perKb = options.perKb ?? 10n;
    this.#gas = options.gasFee ?? 3_250n;
    this.#pollsToComplete = options.pollsToComplete ?? 1;
    this.#balance = options.balance ?? 10_000_000n;
    this.crashed = this.#newCrashPromise();
  }

  #newCrashPromise(): Promise<RemoteMethod> {
    return new Promise((r) => (this.#resolveCrash = r));
  }

  /** The next `n` calls of `method` fail with `code`. */
  failNext(method: RemoteMethod, n: number, code: ErrorCode = "REMOTE_UNAVAILABLE"): void {
    this.#fail.set(method, { n, code });
  }

  /**
   * A later call of `method` (the next one, or the one after `skip` more) hangs forever, before or
   * after its effect: a process that died there.
   */
  crashAt(method: RemoteMethod, when: "before" | "after", skip = 0): void {
    this.#crash.set(method, { when, skip });
  }

  /** Sets the account balance (e.g. 0 to get REMOTE_REJECTED on register). */
  setBalance(ulume: bigint): void {
    this.#balance = ulume;
  }

  /** Every action registered so far. */
  get actions(): ActionInfo[] {
    return [...this.#actions.values()].map((a) => ({ ...a.info }));
  }

  /** The bytes registered for an action (what a download would return once DONE). */
  bytesOf(actionId: string): Uint8Array | undefined {
    return this.#actions.get(actionId)?.registered;
  }

  /** Forces an action into a state (e.g. EXPIRED). */
  setState(actionId: string, state: ActionState): void {
    const a = this.#actions.get(actionId);
    if (a) a.info.state = state;
  }

  async #enter<T>(method: RemoteMethod, effect: () => T | Promise<T>): Promise<T> {
    this.calls[method]++;
    const f = this.#fail.get(method);
    if (f !== undefined && f.n > 0) {
      f.n--;
      throw new LumeraError(f.code, `stand-in: injected ${f.code} in ${method}`);
    }
    const crash = this.#crash.get(method);
    if (crash !== undefined && crash.skip > 0) {
      crash.skip--;
    } else if (crash !== undefined) {
      this.#crash.delete(method);
      if (crash.when === "after") await effect();
      const resolve = this.#resolveCrash;
      this.crashed = this.#newCrashPromise();
      resolve(method);
      return await new Promise<T>(() => {}); // the "process" died here
    }
    return await effect();
  }

  #fee(bytes: number): bigint {
    return this.#base + this.#perKb * BigInt(Math.ceil(bytes / 1024));
  }

  /** The stand-in's data hash: base64 SHA-256 (the chain uses BLAKE3). */
  static async dataHashOf(bytes: Uint8Array): Promise<string> {
    return b64(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)));
  }

  params(): Promise<CascadeParams> {
    return this.#enter("params", () => ({
      baseActionFeeUlume: this.#base,
      feePerKbyteUlume: this.#perKb,
      maxObjectBytes: 1024 * 1024 * 1024,
      minExpirationSeconds: 86_400,
      raw: { rq_ids_max: 50 },
    }));
  }

  actionFee(bytes: number): Promise<bigint> {
    return this.#enter("actionFee", () => this.#fee(bytes));
  }

  estimateGas(_bytes: number): Promise<GasEstimate> {
    return this.#enter("estimateGas", () => ({
      gasUsed: 100_000,
      gasLimit: 130_000,
      feeUlume: this.#gas,
    }));
  }

  balance(): Promise<bigint> {
    return this.#enter("balance", () => this.#balance);
  }

  register(bytes: Uint8Array, fileName: string): Promise<RegisteredAction> {
    return this.#enter("register", async () => {
      const price = this.#fee(bytes.byteLength);
      if (this.#balance < price + this.#gas) {
        throw new LumeraError("REMOTE_REJECTED", "stand-in: insufficient funds");
      }
      this.#balance -= price + this.#gas;
      const actionId = String(this.#nextId++);
      const dataHash = await MemoryCascadeRemote.dataHashOf(bytes);
      this.#actions.set(actionId, {
        info: {
          actionId,
          state: "PENDING",
          creator: this.address,
          dataHash,
          fileName,
          priceUlume: price,
        },
        registered: bytes.slice(),
        polls: 0,
      });
      return {
        actionId,
        dataHash,
        txHash: `TX${actionId.padStart(62, "0")}`,
        priceUlume: price,
        gasFeeUlume: this.#gas,
      };
    });
  }

  findByDataHash(dataHash: string): Promise<ActionInfo | undefined> {
    return this.#enter("findByDataHash", () => {
      for (const a of this.#actions.values()) {
        if (a.info.dataHash === dataHash) return { ...a.info };
      }
      return undefined;
    });
  }

  listOwnActions(): Promise<ActionInfo[]> {
    return this.#enter("listOwnActions", () => this.actions);
  }

  upload(actionId: string, bytes: Uint8Array): Promise<string> {
    return this.#enter("upload", async () => {
      const a = this.#actions.get(actionId);
      if (a === undefined) throw new LumeraError("NOT_FOUND", `stand-in: no action ${actionId}`);
      if (await MemoryCascadeRemote.dataHashOf(bytes) !== a.info.dataHash) {
        throw new LumeraError("REMOTE_REJECTED", "stand-in: bytes do not match the data hash");
      }
      a.bytes = bytes.slice();
      a.polls = 0;
      const taskId = `task-${actionId}-${this.#tasks.size + 1}`;
      this.#tasks.set(taskId, actionId);
      a.taskId = taskId;
      return taskId;
    });
  }

  uploadStatus(taskId: string): Promise<UploadStatus> {
    return this.#enter("uploadStatus", () => {
      const id = this.#tasks.get(taskId);
      const a = id === undefined ? undefined : this.#actions.get(id);
      if (a === undefined) throw new LumeraError("NOT_FOUND", "stand-in: no such task");
      a.polls++;
      if (a.polls <= this.#pollsToComplete) return "pending";
      if (a.info.state === "PENDING") a.info.state = "DONE";
      return "completed";
    });
  }

  action(actionId: string): Promise<ActionInfo> {
    return this.#enter("action", () => {
      const a = this.#actions.get(actionId);
      if (a === undefined) throw new LumeraError("NOT_FOUND", `stand-in: no action ${actionId}`);
      return { ...a.info };
    });
  }

  download(actionId: string): Promise<Uint8Array> {
    return this.#enter("download", () => {
      const a = this.#actions.get(actionId);
      if (a === undefined || a.bytes === undefined || a.info.state !== "DONE") {
        throw new LumeraError("NOT_FOUND", `stand-in: action ${actionId} is not downloadable`);
      }
      return a.bytes.slice();
    });
  }
}
