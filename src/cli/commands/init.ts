/**
 * `lumera-memory init`: creates the data home (0700) and a key file (0600), optionally sealed
 * under a passphrase.
 *
 * @module
 */

import { ensurePrivateDir, readEnv } from "../../config/home.ts";
import { generateMasterKey } from "../../crypto/keys.ts";
import { keysDir, listKeyFiles, writeKeyFile } from "../../crypto/key_file.ts";
import { LumeraError } from "../../errors.ts";
import { type CliContext, homeOf } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";
import { newPassphrase } from "../passphrase.ts";

/** Options of `init`. */
export interface InitOptions {
  /** Seal the key under a passphrase (from LUMERA_MEMORY_PASSPHRASE or a prompt). */
  passphrase?: boolean;
}

/** Runs `init`. */
export async function initCommand(ctx: CliContext, opts: InitOptions = {}): Promise<number> {
  const home = homeOf(ctx);
  if (readEnv("LUMERA_MEMORY_KEY") !== undefined) {
    await ensurePrivateDir(home);
    const result = { home, key_source: "LUMERA_MEMORY_KEY", key_file: null };
    if (ctx.json) writeJson(result);
    else {
      writeLines([
        `Data home ready: ${home}`,
        "LUMERA_MEMORY_KEY is set, so no key file was created; that variable is your key.",
        "Back it up somewhere safe: without it no memory can be read.",
      ]);
    }
    return 0;
  }
  const existing = await listKeyFiles(home);
  if (existing.length > 0) {
    throw new LumeraError("USAGE", `${home} already has a key (${existing[0].path})`, {
      hint:
        "keep using it; `lumera-memory key add` adds a passphrase, `key rotate` makes a new key",
    });
  }
  const passphrase = opts.passphrase ? await newPassphrase() : undefined;
  await ensurePrivateDir(home);
  const master = generateMasterKey();
  const { path, keys } = await writeKeyFile(keysDir(home), master, { passphrase });
  master.fill(0);
  const result = {
    home,
    key_source: "key file",
    key_file: path,
    key_id: keys.keyIdHex,
    wrapping: passphrase === undefined ? "none" : "argon2id",
  };
  if (ctx.json) writeJson(result);
  else {
    writeLines([
      `Data home ready: ${home}`,
      `Created key ${keys.keyIdHex} in ${path} (mode 0600${
        passphrase === undefined ? "" : ", sealed under your passphrase"
      }).`,
      "",
      "Back up this key file now, somewhere other than this machine (a password manager or an",
      "offline copy). Every memory is encrypted with it: lose it and no memory can be read;",
      "anyone who has it" + (passphrase === undefined ? "" : " and the passphrase") +
      " can read them all. Never commit it.",
    ]);
  }
  return 0;
}
