/**
 * The contract between the local side of the Cascade backend (sync queue, segments, manifest,
 * restore — `src/remote/`) and the protocol client that talks to Lumera over HTTP
 * (`src/cascade/`). Each upload phase is a separate call so the sync queue can persist progress
 * after every step and resume after a restart.
 *
 * @module
 */

/** Lumera action states (the chain's enum values). */
export type ActionState =
  | "PENDING"
  | "PROCESSING"
  | "DONE"
  | "APPROVED"
  | "REJECTED"
  | "FAILED"
  | "EXPIRED"
  | "UNKNOWN";

/** Live Cascade parameters read from the chain (`/action/v1/params`). */
export interface CascadeParams {
  /** Base fee per action, in ulume. */
  baseActionFeeUlume: bigint;
  /** Fee per started kilobyte (1024 bytes), in ulume. */
  feePerKbyteUlume: bigint;
  /** Largest object the chain accepts, in bytes. */
  maxObjectBytes: number;
  /** Minimum time between now and an action's expiration, in seconds. */
  minExpirationSeconds: number;
  /** RaptorQ ids per layout (`rq_ids_max`) and the other raw params, for the record. */
  raw: Record<string, unknown>;
}

/** A gas estimate from `simulate` for registering one action of a given size. */
export interface GasEstimate {
  /** Gas the simulation used. */
  gasUsed: number;
  /** Gas limit the client would set (gasUsed × adjustment). */
  gasLimit: number;
  /** Gas fee in ulume at the minimum gas price. */
  feeUlume: bigint;
}

/** The result of registering an action (`MsgRequestAction` broadcast and included). */
export interface RegisteredAction {
  /** The chain's sequential action id (the only download handle). */
  actionId: string;
  /** base64 (std, padded) of BLAKE3-256 of the uploaded bytes. */
  dataHash: string;
  /** The registering transaction's hash (hex, upper case as the chain prints it). */
  txHash: string;
  /** The action price escrowed, in ulume. */
  priceUlume: bigint;
  /** The gas fee paid for the transaction, in ulume. */
  gasFeeUlume: bigint;
}

/** Progress of an upload task on the SN-API. */
export type UploadStatus = "pending" | "completed" | "failed";

/** The chain's view of one action. */
export interface ActionInfo {
  actionId: string;
  state: ActionState;
  creator: string;
  dataHash: string;
  fileName: string;
  priceUlume: bigint;
}

/**
 * Lumera Cascade as the local side sees it. Every method throws a `LumeraError` with a stable
 * code: `REMOTE_UNAVAILABLE` (network, 5xx, timeouts — retry later), `REMOTE_REJECTED` (the chain
 * or a SuperNode refused: insufficient funds, bad signature — do not retry blindly),
 * `NOT_FOUND`, or `INTEGRITY` (downloaded bytes do not match the on-chain hash).
 */
export interface CascadeRemote {
  /** The funded account's bech32 address (`lumera1…`). */
  readonly address: string;
  /** Current chain parameters. */
  params(): Promise<CascadeParams>;
  /** The action fee for `bytes` bytes, from `get_action_fee/{KB}`. */
  actionFee(bytes: number): Promise<bigint>;
  /** Simulates registering an upload of `bytes` bytes. */
  estimateGas(bytes: number): Promise<GasEstimate>;
  /** The account balance in ulume. */
  balance(): Promise<bigint>;
  /** Registers an upload of `bytes` under the opaque `fileName`; waits until it is included. */
  register(bytes: Uint8Array, fileName: string): Promise<RegisteredAction>;
  /** Finds an action this account registered for `dataHash` (crash recovery), if any. */
  findByDataHash(dataHash: string): Promise<ActionInfo | undefined>;
  /** Lists the Cascade actions this account created (restore looks for manifests here). */
  listOwnActions(): Promise<ActionInfo[]>;
  /** Uploads the bytes of a registered action to a SuperNode; returns the SN-API task id. */
  upload(actionId: string, bytes: Uint8Array): Promise<string>;
  /** One poll of an upload task's status. */
  uploadStatus(taskId: string): Promise<UploadStatus>;
  /** One read of an action's state on chain. */
  action(actionId: string): Promise<ActionInfo>;
  /** Downloads an action's bytes and checks them against its on-chain BLAKE3 `data_hash`. */
  download(actionId: string): Promise<Uint8Array>;
}

/** How to reach one Lumera network and which account pays. */
export interface CascadeConnection {
  /** Chain id, e.g. `lumera-mainnet-1` or `lumera-testnet-2`. */
  chainId: string;
  /** Chain REST (LCD) base URL, without a trailing slash. */
  lcdUrl: string;
  /** SuperNode API base URL, without a trailing slash. */
  snapiUrl: string;
  /** Minimum gas price in ulume per gas unit, as a decimal string (e.g. `"0.025"`). */
  gasPrice: string;
  /** The BIP-39 mnemonic of the paying account. Never logged, printed or stored in the index. */
  mnemonic: string;
  /**
   * The account key type (optional, default `secp256k1`): `secp256k1` derives the Cosmos key
   * (coin type 118, `m/44'/118'/0'/0/0`); `eth_secp256k1` derives an EVM-style key (coin type 60,
   * Keccak addresses and signatures), for accounts created or migrated after Lumera's EVM upgrade.
   */
  keyType?: "secp256k1" | "eth_secp256k1";
}
