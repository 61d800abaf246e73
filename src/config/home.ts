/**
 * Where the data home is: `LUMERA_MEMORY_HOME`, else the platform data directory.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** Reads one environment variable; a denied read counts as unset. */
export function readEnv(name: string): string | undefined {
  try {
    const v = Deno.env.get(name);
    return v === undefined || v === "" ? undefined : v;
  } catch {
    return undefined;
  }
}

/**
 * The process's working directory (the agent's project, as hosts start servers and users run
 * commands), or undefined when it cannot be read (removed, or the read is denied).
 */
export function workingDir(): string | undefined {
  try {
    return Deno.cwd();
  } catch {
    return undefined;
  }
}

/**
 * Resolves the data home. Order: `LUMERA_MEMORY_HOME`; then `$XDG_DATA_HOME/lumera-memory`;
 * then the platform default (`~/.local/share`, `~/Library/Application Support`, `%APPDATA%`).
 */
export function resolveHome(env: (name: string) => string | undefined = readEnv): string {
  const explicit = env("LUMERA_MEMORY_HOME");
  if (explicit) return explicit;
  const xdg = env("XDG_DATA_HOME");
  if (xdg && Deno.build.os !== "windows") return `${xdg}/lumera-memory`;
  if (Deno.build.os === "windows") {
    const appData = env("APPDATA");
    if (appData) return `${appData}\\lumera-memory`;
  }
  const home = env("HOME");
  if (!home) {
    throw new LumeraError("USAGE", "cannot find a data home: HOME is not set", {
      hint: "set LUMERA_MEMORY_HOME to the directory lumera-memory should use",
    });
  }
  if (Deno.build.os === "darwin") return `${home}/Library/Application Support/lumera-memory`;
  return `${home}/.local/share/lumera-memory`;
}

/**
 * Creates a directory (and parents) with mode 0700 where the platform supports modes. The call
 * blocks (microseconds): as an async file call it would wait for a turn of the event loop, which
 * a starting server spends loading the MCP SDK, and the first answer would wait for it.
 */
// deno-lint-ignore require-await -- async so that a failure reaches callers as a rejection
export async function ensurePrivateDir(path: string): Promise<void> {
  Deno.mkdirSync(path, { recursive: true, mode: 0o700 });
}
