/**
 * `lumera-memory serve`: the MCP stdio server. stdout carries protocol only; logs go to stderr.
 * The MCP module is loaded lazily so the other commands never pay for it.
 *
 * @module
 */

import { logDebugError, logLine } from "../../log.ts";
import type { LocalMemoryService } from "../../service/memory_service.ts";
import { VERSION } from "../../version.ts";
import { type CliContext, openService } from "../context.ts";

/** Runs the MCP server until stdin closes. */
export async function serveCommand(ctx: CliContext): Promise<number> {
  let service: Promise<LocalMemoryService> | undefined;
  const getService = () => {
    // Retry after a failure (e.g. the user ran `init` while the server was up).
    service ??= openService(ctx).catch((err) => {
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
  try {
    await serveStdio(getService, {
      version: VERSION,
      log: logLine,
      onInternalError: logDebugError,
    });
  } finally {
    if (service) (await service.catch(() => undefined))?.close();
  }
  return 0;
}
