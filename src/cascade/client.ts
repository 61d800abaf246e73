/**
 * The Lumera Cascade protocol client over HTTP (chain REST + SN-API). This facade stays tiny so
 * that importing it costs nothing at server start: the implementation and its npm dependencies
 * (noble/scure crypto, the RaptorQ WebAssembly) load on the first Cascade call.
 *
 * @module
 */

import type { CascadeClientOptions } from "./cascade_client.ts";
import type { CascadeConnection, CascadeRemote } from "./remote.ts";

export type { CascadeClientOptions } from "./cascade_client.ts";

/**
 * Connects to a Lumera network with the paying account of `connection`. Derives the account from
 * the mnemonic (throws `KEY_INVALID` for an invalid phrase, `USAGE` for bad URLs or gas price);
 * makes no network call until a method is used.
 */
export async function createCascadeRemote(
  connection: CascadeConnection,
  options?: CascadeClientOptions,
): Promise<CascadeRemote> {
  const { CascadeClient } = await import("./cascade_client.ts");
  return new CascadeClient(connection, options);
}

/**
 * The Cascade `data_hash` of `bytes` (base64 of BLAKE3-256), loading the hashing code lazily:
 * what `register` records on chain and what `findByDataHash` looks up after a crash.
 */
export async function cascadeDataHash(bytes: Uint8Array): Promise<string> {
  const { dataHashOf } = await import("./ids.ts");
  return dataHashOf(bytes);
}
