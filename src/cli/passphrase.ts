/**
 * Getting a passphrase: `LUMERA_MEMORY_PASSPHRASE`, else a hidden prompt on a terminal. Never
 * echoed, logged or kept longer than the call that needs it.
 *
 * @module
 */

import { readEnv } from "../config/home.ts";
import { LumeraError } from "../errors.ts";
import { writeStderr } from "../log.ts";

async function readHidden(question: string): Promise<string> {
  writeStderr(question);
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buf = new Uint8Array(1);
  try {
    while (true) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      const c = buf[0];
      if (c === 3) throw new LumeraError("USAGE", "cancelled");
      if (c === 13 || c === 10) break;
      if (c === 127 || c === 8) bytes.pop();
      else bytes.push(c);
    }
  } finally {
    Deno.stdin.setRaw(false);
    writeStderr("\n");
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function stdinIsTerminal(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}

/**
 * A passphrase to unlock an existing key: the environment, else a prompt on a terminal, else
 * `undefined` (the caller reports what is missing).
 */
export async function existingPassphrase(): Promise<string | undefined> {
  const env = readEnv("LUMERA_MEMORY_PASSPHRASE");
  if (env !== undefined) return env;
  if (!stdinIsTerminal()) return undefined;
  return await readHidden("Passphrase: ");
}

/** A new passphrase: the environment, else asked twice on a terminal; USAGE otherwise. */
export async function newPassphrase(): Promise<string> {
  const env = readEnv("LUMERA_MEMORY_PASSPHRASE");
  if (env !== undefined) return env;
  if (!stdinIsTerminal()) {
    throw new LumeraError("USAGE", "a passphrase is needed but there is no terminal to ask on", {
      hint: "set LUMERA_MEMORY_PASSPHRASE",
    });
  }
  const a = await readHidden("New passphrase: ");
  const b = await readHidden("Repeat it: ");
  if (a !== b) throw new LumeraError("USAGE", "the two passphrases differ", { hint: "try again" });
  if (a.length < 8) {
    throw new LumeraError("USAGE", "the passphrase is shorter than 8 characters", {
      hint: "choose a longer passphrase",
    });
  }
  return a;
}
