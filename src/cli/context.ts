/**
 * What every CLI command receives: output mode and where the data home is.
 *
 * @module
 */

import { readEnv, resolveHome } from "../config/home.ts";
import { LumeraError } from "../errors.ts";
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

/** Opens the service (loads the key first; nothing is written without one). Never prompts. */
export function openService(
  ctx: CliContext,
  options: { longRunning?: boolean } = {},
): Promise<LocalMemoryService> {
  return openMemoryService({ home: homeOf(ctx), longRunning: options.longRunning });
}

/** True when an error says a key file needs a passphrase that was not given. */
export function needsPassphrase(err: unknown): boolean {
  return err instanceof LumeraError && err.code === "KEY_MISSING" &&
    (err.details as { needs_passphrase?: boolean } | undefined)?.needs_passphrase === true;
}

/** Opens the service for an interactive command: asks for the passphrase on a terminal. */
export async function openServiceInteractive(ctx: CliContext): Promise<LocalMemoryService> {
  try {
    return await openService(ctx);
  } catch (err) {
    if (!needsPassphrase(err)) throw err;
    const { existingPassphrase } = await import("./passphrase.ts");
    const passphrase = await existingPassphrase();
    if (passphrase === undefined) throw err;
    return await openMemoryService({ home: homeOf(ctx), passphrase });
  }
}

/** Runs `fn` with an open service and always closes it. */
export async function withService<T>(
  ctx: CliContext,
  fn: (service: LocalMemoryService) => Promise<T> | T,
): Promise<T> {
  const service = await openServiceInteractive(ctx);
  try {
    return await fn(service);
  } finally {
    service.close();
  }
}
