/**
 * `lumera-memory serve`: the MCP stdio server. stdout carries protocol only; logs go to stderr.
 * The MCP module is loaded lazily so the other commands never pay for it.
 *
 * @module
 */

import { readConfigSections } from "../../config/config_read.ts";
import { readEnv } from "../../config/home.ts";
import type { RemoteConfig } from "../../config/remote_config.ts";
import { logDebugError, logLine } from "../../log.ts";
import type { BackgroundSync } from "../../remote/background.ts";
import type { SyncEngine } from "../../remote/sync_engine.ts";
import type { LocalMemoryService } from "../../service/memory_service.ts";
import { VERSION } from "../../version.ts";
import { type CliContext, homeOf, openService } from "../context.ts";

/** Starts the background sync when a remote is configured (never fails the server). */
async function startBackgroundSync(
  ctx: CliContext,
  getService: () => Promise<LocalMemoryService>,
): Promise<BackgroundSync | undefined> {
  let remote: RemoteConfig | undefined;
  try {
    remote = (await readConfigSections(homeOf(ctx)))?.remote;
  } catch {
    return undefined; // the tools report the configuration error themselves
  }
  if (remote === undefined) return undefined;
  const config = remote;
  const { BackgroundSync } = await import("../../remote/background.ts");
  const { openSyncEngine } = await import("../../remote/open_remote.ts");
  let engine: SyncEngine | undefined;
  const bg = new BackgroundSync({
    run: async () => {
      engine ??= openSyncEngine(await getService(), config, readEnv);
      return await engine.sync({});
    },
    intervalMs: config.syncIntervalMs,
    log: logLine,
  });
  bg.start();
  return bg;
}

/** Runs the MCP server until stdin closes. */
export async function serveCommand(ctx: CliContext): Promise<number> {
  let service: Promise<LocalMemoryService> | undefined;
  const getService = () => {
    // Retry after a failure (e.g. the user ran `init` while the server was up).
    service ??= openService(ctx, { longRunning: true }).catch((err) => {
      service = undefined;
      throw err;
    });
    return service;
  };
  // Start opening the service (key file, key derivation, index) while the MCP SDK loads: its
  // file reads and key derivation wait off the main thread. A failure here is not reported; the
  // first tool call opens again and reports it.
  getService().catch(() => {});
  const { serveStdio } = await import("../../mcp/server.ts");
  // The background sync starts beside the server, not before it: reading config.json is a file
  // call whose answer could otherwise hold up the first request by milliseconds.
  const background = startBackgroundSync(ctx, getService).catch((err) => {
    logDebugError(err);
    return undefined;
  });
  try {
    await serveStdio(getService, {
      version: VERSION,
      log: logLine,
      onInternalError: logDebugError,
    });
  } finally {
    await (await background)?.stop();
    if (service) await (await service.catch(() => undefined))?.dispose();
  }
  return 0;
}
