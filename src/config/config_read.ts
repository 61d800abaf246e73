/**
 * Reading `<home>/config.json` (see `config_file.ts` for its format). The scan section is parsed
 * by the scanner's policy parser, which is loaded only when the section exists: a home without a
 * scan policy opens without loading the scanner's rules.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import type { ScanPolicy } from "../scan/mod.ts";
import { parseRemoteConfig, type RemoteConfig } from "./remote_config.ts";

/** The sections of the configuration file, validated; an absent section is undefined. */
export interface ConfigSections {
  /** The scan policy, when the file has a `scan` section. */
  scan?: ScanPolicy;
  /** The Cascade remote, when the file has a `remote` section. */
  remote?: RemoteConfig;
}

/** The configuration file's name inside the data home. */
export const CONFIG_FILE_NAME = "config.json";
const MAX_CONFIG_BYTES = 1024 * 1024;

function bad(path: string, what: string): LumeraError {
  return new LumeraError("USAGE", `the configuration file ${path} is invalid: ${what}`, {
    hint: "fix it (the README's Configuration section shows the format) or move it aside",
  });
}

/**
 * The sections of `<home>/config.json`, validated; `undefined` when the file does not exist (the
 * defaults: every finding refuses the store, no remote). A malformed file is a USAGE error. The
 * small file is read with blocking calls (see `ensurePrivateDir` in `home.ts`).
 */
export async function readConfigSections(home: string): Promise<ConfigSections | undefined> {
  const path = `${home}/${CONFIG_FILE_NAME}`;
  let text: string;
  try {
    const info = Deno.lstatSync(path);
    if (!info.isFile) throw bad(path, "it is not a plain file");
    if (info.size > MAX_CONFIG_BYTES) throw bad(path, "it is larger than 1 MiB");
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad(path, "it is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw bad(path, "it must be a JSON object");
  }
  for (const key of Object.keys(json)) {
    if (key !== "scan" && key !== "remote") {
      throw bad(path, `unknown setting "${key.slice(0, 40)}" (known: scan, remote)`);
    }
  }
  const o = json as { scan?: unknown; remote?: unknown };
  try {
    const sections: ConfigSections = {};
    const remote = parseRemoteConfig(o.remote);
    if (remote !== undefined) sections.remote = remote;
    if (o.scan !== undefined) {
      const { parseScanPolicy } = await import("../scan/mod.ts");
      sections.scan = parseScanPolicy(o.scan);
    }
    return sections;
  } catch (err) {
    if (err instanceof LumeraError) throw bad(path, err.message);
    throw err;
  }
}
