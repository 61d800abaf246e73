/**
 * The Lumera Cascade protocol client over HTTP (chain REST + SN-API).
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import type { CascadeConnection, CascadeRemote } from "./remote.ts";

/** Connects to a Lumera network with the paying account of `connection`. */
export function createCascadeRemote(_connection: CascadeConnection): Promise<CascadeRemote> {
  // Placeholder until the protocol client lands on this branch (cascade-client).
  return Promise.reject(
    new LumeraError("REMOTE_UNAVAILABLE", "the Cascade protocol client is not built yet"),
  );
}
