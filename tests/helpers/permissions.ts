/**
 * The permission flags the program is run and compiled with. Tests spawn the real entry point
 * under exactly these flags; `permissions_test.ts` checks `deno.json` uses the same.
 *
 * @module
 */

import { ENV_VARS } from "../../src/config/env_vars.ts";
import { NETWORKS } from "../../src/cascade/networks.ts";

/** `--allow-env` with exactly the variables the program reads. */
export const ENV_FLAG = `--allow-env=${ENV_VARS.join(",")}`;

/**
 * Network access of the compiled binary: only the hosts of the Lumera network presets (used only
 * when a Cascade remote is configured; a custom endpoint needs `deno run` with its own flag).
 */
export const NET_FLAG = `--allow-net=${
  [...new Set(Object.values(NETWORKS).flatMap((n) => [n.lcdUrl, n.snapiUrl]))]
    .map((u) => new URL(u).host).join(",")
}`;

/** The CLI and compiled binary: the Lumera preset hosts only; run only cm and cass. */
export const CLI_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  ENV_FLAG,
  "--allow-run=cm,cass",
  NET_FLAG,
];

/**
 * The V8 flag of every launch (tasks, binary, the documented server): young-generation semispaces
 * of 4 MiB, a third less memory at the same speed (README, "Import at scale").
 */
export const V8_FLAG = "--v8-flags=--max-semi-space-size=4";

/** The documented least-privilege MCP server launch: read/write only the data home. */
export function serveFlags(home: string): string[] {
  return [
    V8_FLAG,
    `--allow-read=${home}`,
    `--allow-write=${home}`,
    ENV_FLAG,
    "--allow-run=cm,cass",
  ];
}

/** Absolute path of main.ts. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Result of running the CLI. */
export interface CliRun {
  /** Exit code. */
  code: number;
  /** Stdout text. */
  stdout: string;
  /** Stderr text. */
  stderr: string;
}

/** The minimal environment an MCP host or a shell gives a child: PATH, HOME, Deno's cache. */
export function baseEnv(): Record<string, string> {
  const out: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Runs `main.ts` with the CLI flags, a clean environment plus `env`, and optional stdin. */
export async function runMain(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: string; flags?: readonly string[] } = {},
): Promise<CliRun> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...(options.flags ?? CLI_FLAGS), MAIN, ...args],
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
