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
import { connectOnce } from "./connect_once.ts";
import { SegmentFetcher } from "./fetcher.ts";
import { SyncEngine } from "./sync_engine.ts";

/**
 * A factory that connects to the configured network with the configured account, once: later
 * calls share the connection (see {@link connectOnce}).
 */
export function remoteFactory(
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): () => Promise<CascadeRemote> {
  return connectOnce(async () =>
    await createCascadeRemote(connectionOf(config, await loadMnemonic(env)))
  );
}

/**
 * One connection per service: its retrieve fallback and its sync engine (both live in `serve`)
 * share the account's wallet instead of reading the mnemonic and deriving the key twice.
 */
const SHARED = new WeakMap<LocalMemoryService, () => Promise<CascadeRemote>>();

function sharedRemote(
  service: LocalMemoryService,
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): () => Promise<CascadeRemote> {
  let factory = SHARED.get(service);
  if (factory === undefined) {
    factory = remoteFactory(config, env);
    SHARED.set(service, factory);
  }
  return factory;
}

/** The retrieve fallback for a service, connecting on first use. */
export function lazyRemoteFallback(
  service: LocalMemoryService,
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): RemoteFallback {
  return new SegmentFetcher(service, sharedRemote(service, config, env));
}

/** The sync engine for a service and its configured remote. */
export function openSyncEngine(
  service: LocalMemoryService,
  config: RemoteConfig,
  env: (name: string) => string | undefined,
): SyncEngine {
  return new SyncEngine({
    service,
    remote: sharedRemote(service, config, env),
    policy: config.batch,
  });
}
