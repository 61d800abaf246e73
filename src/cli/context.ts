/**
 * What every CLI command receives: output mode and where the data home is.
 *
 * @module
 */

import { readEnv, resolveHome } from "../config/home.ts";
import { openMemoryService } from "../service/memory_service.ts";
import type { LocalMemoryService } from "../service/memory_service.ts";

/** The command context. */
export interface CliContext {
  /** Machine output: one JSON document on stdout and nothing else there. */
  json: boolean;
  /** `--home` when given. */
  home?: string;
}

/** The data home for this invocation: `--home`, else the environment / platform default. */
export function homeOf(ctx: CliContext): string {
  return ctx.home ?? resolveHome(readEnv);
}

/** Opens the service for a command (loads the key first; nothing is written without one). */
export function openService(ctx: CliContext): Promise<LocalMemoryService> {
  return openMemoryService({ home: homeOf(ctx) });
}

/** Runs `fn` with an open service and always closes it. */
export async function withService<T>(
  ctx: CliContext,
  fn: (service: LocalMemoryService) => Promise<T> | T,
): Promise<T> {
  const service = await openService(ctx);
  try {
    return await fn(service);
  } finally {
    service.close();
  }
}
