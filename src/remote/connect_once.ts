/**
 * Connecting to the remote once per user of it, and again only after a failure.
 *
 * @module
 */

import type { CascadeRemote } from "../cascade/remote.ts";

/**
 * `factory`, connecting once: later calls share the first connection; a failed attempt is
 * forgotten so the next call tries again.
 */
export function connectOnce(
  factory: () => Promise<CascadeRemote>,
): () => Promise<CascadeRemote> {
  let remote: Promise<CascadeRemote> | undefined;
  return () => {
    remote ??= factory().catch((err) => {
      remote = undefined;
      throw err;
    });
    return remote;
  };
}
