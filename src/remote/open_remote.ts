/**
 * The composition root of the Cascade backend: configuration → protocol client
 * (`createCascadeRemote`) → sync engine and retrieve fallback. The client is created on first
 * use only, so commands that never reach the network (stats, query, a dry-run sync) need neither
 * the mnemonic nor a network permission.
 *
 * @module
 */

import { createCascadeRemote } from "../cascade/client.ts";
import type { CascadeRemote } from "../cascade/remote.ts";
import { connectionOf, loadMnemonic, type RemoteConfig } from "../config/remote_config.ts";
import type { LocalMemoryService, RemoteFallback } from "../service/memory_service.ts";
import { SegmentFetcher } from "./fetcher.ts";
import { SyncEngine } from "./sync_engine.ts";

/** A factory that connects to the configured network with the configured account. */
export function remoteFactory(
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): () => Promise<CascadeRemote> {
  return async () => await createCascadeRemote(connectionOf(config, await loadMnemonic(env)));
}

/** The retrieve fallback for a service, connecting on first use. */
export function lazyRemoteFallback(
  service: LocalMemoryService,
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): RemoteFallback {
  return new SegmentFetcher(service, remoteFactory(config, env));
}

/** The sync engine for a service and its configured remote. */
export function openSyncEngine(
  service: LocalMemoryService,
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): SyncEngine {
  return new SyncEngine({ service, remote: remoteFactory(config, env), policy: config.batch });
}
