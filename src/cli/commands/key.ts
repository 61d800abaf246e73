/**
 * `lumera-memory key …`: show-id, list, add, export, import, rotate, reencrypt, remove.
 *
 * @module
 */

import { readEnv } from "../../config/home.ts";
import { generateMasterKey, parseMasterKeyHex } from "../../crypto/keys.ts";
import {
  keysDir,
  listKeyFiles,
  loadKeyChain,
  readKeyFileInfo,
  type UnlockedKey,
  unlockKeyFile,
  writeKeyFile,
} from "../../crypto/key_file.ts";
import { LumeraError } from "../../errors.ts";
import { logLine } from "../../log.ts";
import { reencryptAll } from "../../service/lifecycle/reencrypt.ts";
import { type CliContext, homeOf, needsPassphrase, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";
import { existingPassphrase, newPassphrase } from "../passphrase.ts";
import { progress } from "../progress.ts";

async function chain(ctx: CliContext) {
  const home = homeOf(ctx);
  try {
    return await loadKeyChain(home, readEnv);
  } catch (err) {
    if (!needsPassphrase(err)) throw err;
    const passphrase = await existingPassphrase();
    if (passphrase === undefined) throw err;
    return await loadKeyChain(home, readEnv, { passphrase });
  }
}

/** Unlocks the raw master key of `keyId` (default: the current key). The caller zeroes it. */
async function unlockMaster(ctx: CliContext, keyId?: string): Promise<UnlockedKey> {
  const home = homeOf(ctx);
  const env = readEnv("LUMERA_MEMORY_KEY");
  const c = await chain(ctx);
  const want = keyId ?? c.current.keyIdHex;
  if (env !== undefined && want === c.current.keyIdHex) {
    const master = parseMasterKeyHex(env, "LUMERA_MEMORY_KEY");
    return {
      keys: c.current,
      master,
      info: {
        path: "(LUMERA_MEMORY_KEY)",
        keyIdHex: want,
        wrapping: "none",
        masterCreatedAt: new Date().toISOString(),
        createdAt: new Date().toISOString(),
      },
    };
  }
  const files = (await listKeyFiles(home)).filter((f) => f.keyIdHex === want);
  const explicit = readEnv("LUMERA_MEMORY_KEY_FILE");
  if (explicit !== undefined) files.push(await readKeyFileInfo(explicit));
  let passphrase = readEnv("LUMERA_MEMORY_PASSPHRASE");
  let last: unknown = new LumeraError("KEY_MISSING", `no key file holds key ${want}`, {
    hint: "`lumera-memory key list` shows the keys of this home",
  });
  for (const f of files.filter((x) => x.keyIdHex === want)) {
    try {
      return await unlockKeyFile(f.path, passphrase);
    } catch (err) {
      last = err;
      if (needsPassphrase(err) && passphrase === undefined) {
        passphrase = await existingPassphrase();
        if (passphrase !== undefined) {
          try {
            return await unlockKeyFile(f.path, passphrase);
          } catch (again) {
            last = again;
          }
        }
      }
    }
  }
  throw last;
}

/** `key show-id`: the current key id. */
export async function keyShowIdCommand(ctx: CliContext): Promise<number> {
  const c = await chain(ctx);
  if (ctx.json) writeJson({ key_id: c.current.keyIdHex, origin: c.origin });
  else writeLines([`${c.current.keyIdHex} (${c.origin})`]);
  return 0;
}

/** `key list`: key files, their key ids and wrapping, and which key is current. */
export async function keyListCommand(ctx: CliContext): Promise<number> {
  const home = homeOf(ctx);
  const files = await listKeyFiles(home);
  let current: string | undefined;
  try {
    current = (await chain(ctx)).current.keyIdHex;
  } catch {
    current = undefined;
  }
  const rows = files.map((f) => ({
    path: f.path,
    key_id: f.keyIdHex,
    wrapping: f.wrapping,
    master_created_at: f.masterCreatedAt,
    current: f.keyIdHex === current,
  }));
  if (ctx.json) writeJson({ current_key_id: current ?? null, files: rows });
  else if (rows.length === 0) writeLines([`No key files in ${keysDir(home)}.`]);
  else {
    writeLines(
      rows.map((r) =>
        `${r.current ? "*" : " "} ${r.key_id}  ${r.wrapping.padEnd(8)}  ${
          r.master_created_at.slice(0, 19)
        }  ${r.path}`
      ),
    );
  }
  return 0;
}

/** `key add [--passphrase]`: another file for the current key (e.g. a second passphrase). */
export async function keyAddCommand(
  ctx: CliContext,
  opts: { passphrase?: boolean },
): Promise<number> {
  const u = await unlockMaster(ctx);
  try {
    const passphrase = opts.passphrase ? await newPassphrase() : undefined;
    const { path } = await writeKeyFile(keysDir(homeOf(ctx)), u.master, {
      passphrase,
      masterCreatedAt: u.info.masterCreatedAt,
    });
    if (ctx.json) writeJson({ key_id: u.keys.keyIdHex, path });
    else writeLines([`Added ${path} for key ${u.keys.keyIdHex}.`]);
    return 0;
  } finally {
    u.master.fill(0);
  }
}

/** `key export --out FILE [--passphrase] [--key-id ID]`: a backup copy of a key. */
export async function keyExportCommand(
  ctx: CliContext,
  opts: { out: string; passphrase?: boolean; keyId?: string },
): Promise<number> {
  const u = await unlockMaster(ctx, opts.keyId);
  try {
    const passphrase = opts.passphrase ? await newPassphrase() : undefined;
    const { path } = await writeKeyFile("", u.master, {
      passphrase,
      masterCreatedAt: u.info.masterCreatedAt,
      path: opts.out,
    });
    logLine(
      "warning: this file can decrypt every memory sealed with key " + u.keys.keyIdHex +
        (passphrase === undefined ? "; it is not passphrase-protected" : "") +
        ". Keep it offline; never commit or share it.",
    );
    if (ctx.json) writeJson({ key_id: u.keys.keyIdHex, path });
    else writeLines([`Exported key ${u.keys.keyIdHex} to ${path}.`]);
    return 0;
  } finally {
    u.master.fill(0);
  }
}

/** `key import FILE`: adds a key file (checked by unlocking it) to this home. */
export async function keyImportCommand(ctx: CliContext, file: string): Promise<number> {
  let u: UnlockedKey;
  try {
    u = await unlockKeyFile(file, readEnv("LUMERA_MEMORY_PASSPHRASE"));
  } catch (err) {
    if (!needsPassphrase(err)) throw err;
    const passphrase = await existingPassphrase();
    if (passphrase === undefined) throw err;
    u = await unlockKeyFile(file, passphrase);
  }
  try {
    const text = await Deno.readTextFile(file);
    const target = `${keysDir(homeOf(ctx))}/${u.keys.keyIdHex}-imported-${
      crypto.randomUUID().slice(0, 8)
    }.json`;
    await Deno.mkdir(keysDir(homeOf(ctx)), { recursive: true, mode: 0o700 });
    await Deno.writeTextFile(target, text, { createNew: true, mode: 0o600 });
    if (ctx.json) writeJson({ key_id: u.keys.keyIdHex, path: target });
    else writeLines([`Imported key ${u.keys.keyIdHex} as ${target}.`]);
    return 0;
  } finally {
    u.master.fill(0);
  }
}

/** `key rotate [--passphrase] [--reencrypt]`: a new master key for new writes. */
export async function keyRotateCommand(
  ctx: CliContext,
  opts: { passphrase?: boolean; reencrypt?: boolean },
): Promise<number> {
  if (readEnv("LUMERA_MEMORY_KEY") !== undefined || readEnv("LUMERA_MEMORY_KEY_FILE")) {
    throw new LumeraError(
      "USAGE",
      "key rotate manages the key files of the home, but LUMERA_MEMORY_KEY or LUMERA_MEMORY_KEY_FILE is set",
      { hint: "unset it and keep your keys in the home, or rotate that key yourself" },
    );
  }
  const previous = (await chain(ctx)).current.keyIdHex;
  const passphrase = opts.passphrase ? await newPassphrase() : undefined;
  const master = generateMasterKey();
  const { path, keys } = await writeKeyFile(keysDir(homeOf(ctx)), master, { passphrase });
  master.fill(0);
  const out: Record<string, unknown> = { previous_key_id: previous, key_id: keys.keyIdHex, path };
  if (!ctx.json) {
    writeLines([
      `New key ${keys.keyIdHex} in ${path}; new memories are sealed with it.`,
      `Memories under ${previous} stay readable while its key file is kept.`,
    ]);
  }
  if (opts.reencrypt) out.reencrypt = await runReencrypt(ctx);
  if (ctx.json) writeJson(out);
  return 0;
}

async function runReencrypt(ctx: CliContext) {
  return await withService(ctx, async (s) => {
    const bar = ctx.json ? undefined : progress("re-encrypting");
    const r = await reencryptAll(s, (done, total) => bar?.update(done, total));
    bar?.done();
    if (!ctx.json) {
      writeLines([
        `Re-encrypted ${r.reencrypted} memories under ${r.key_id}` +
        (r.merged ? `, merged ${r.merged} duplicates` : "") +
        (r.swept ? `, removed ${r.swept} leftover copies` : "") + ".",
        ...(r.skipped.length
          ? [
            `${r.skipped.length} could not be opened (their key is not loaded); run again with it.`,
          ]
          : ["Older keys now seal nothing; their files can be removed (`key remove`)."]),
      ]);
    }
    return r;
  });
}

/** `key reencrypt`: re-seals every memory under the current key (resumable). */
export async function keyReencryptCommand(ctx: CliContext): Promise<number> {
  const r = await runReencrypt(ctx);
  if (ctx.json) writeJson(r);
  return r.skipped.length === 0 ? 0 : 6;
}

/** `key remove FILE`: deletes a key file, refusing while memories still need its key. */
export async function keyRemoveCommand(
  ctx: CliContext,
  file: string,
  opts: { force?: boolean },
): Promise<number> {
  const home = homeOf(ctx);
  const files = await listKeyFiles(home);
  const target = files.find((f) => f.path === file || f.path.endsWith(`/${file}`));
  if (target === undefined) {
    throw new LumeraError("NOT_FOUND", `no key file ${file} in ${keysDir(home)}`, {
      hint: "`lumera-memory key list` shows the key files",
    });
  }
  const others = files.filter((f) => f.keyIdHex === target.keyIdHex && f.path !== target.path);
  if (others.length === 0 && !opts.force) {
    const inUse = await withService(
      ctx,
      (s) => s.index.allRows().filter((r) => r.key_id === target.keyIdHex).length,
    );
    const c = await chain(ctx);
    if (inUse > 0 || target.keyIdHex === c.current.keyIdHex) {
      throw new LumeraError(
        "USAGE",
        `${target.path} is the last file of key ${target.keyIdHex}, which ${
          inUse > 0 ? `still seals ${inUse} memories` : "is the current key"
        }`,
        { hint: "run `lumera-memory key reencrypt` first (or pass --force to lose them)" },
      );
    }
  }
  await Deno.remove(target.path);
  if (ctx.json) writeJson({ removed: target.path, key_id: target.keyIdHex });
  else writeLines([`Removed ${target.path}.`]);
  return 0;
}
