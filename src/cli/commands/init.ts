/**
 * `lumera-memory init`: creates the data home (0700) and a key file (0600).
 *
 * @module
 */

import { ensurePrivateDir, readEnv } from "../../config/home.ts";
import { generateMasterKey } from "../../crypto/keys.ts";
import { keyFilePath, writeNewKeyFile } from "../../crypto/key_file.ts";
import { type CliContext, homeOf } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";

/** Runs `init`. */
export async function initCommand(ctx: CliContext): Promise<number> {
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
  const path = readEnv("LUMERA_MEMORY_KEY_FILE") ?? keyFilePath(home);
  await ensurePrivateDir(home);
  const master = generateMasterKey();
  const keys = await writeNewKeyFile(path, master);
  master.fill(0);
  const result = { home, key_source: "key file", key_file: path, key_id: keys.keyIdHex };
  if (ctx.json) writeJson(result);
  else {
    writeLines([
      `Data home ready: ${home}`,
      `Created key ${keys.keyIdHex} in ${path} (mode 0600).`,
      "",
      "Back up this key file now, somewhere other than this machine (a password manager or an",
      "offline copy). Every memory is encrypted with it: lose it and no memory can be read;",
      "anyone who has it can read them all. Never commit it.",
    ]);
  }
  return 0;
}
