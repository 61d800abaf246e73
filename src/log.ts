/**
 * The one module that writes to stderr. Everything diagnostic goes through here, so server mode
 * keeps stdout for the protocol alone, and secrets can be kept out of logs in one place.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Writes one line to stderr. Never pass a secret or key. */
export function logLine(line: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(line.endsWith("\n") ? line : `${line}\n`));
  } catch {
    // stderr closed: nothing sensible left to do.
  }
}

/** True when `LUMERA_MEMORY_DEBUG` asks for internal error details on stderr. */
export function debugEnabled(): boolean {
  try {
    return Deno.env.get("LUMERA_MEMORY_DEBUG") === "1";
  } catch {
    return false;
  }
}

/** Writes an internal error's details to stderr when debugging is on (never in normal runs). */
export function logDebugError(err: unknown): void {
  if (!debugEnabled()) return;
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  logLine(`debug: ${text}`);
}

/** Writes text to stderr without adding a newline (prompts). */
export function writeStderr(text: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(text));
  } catch {
    // stderr closed
  }
}
