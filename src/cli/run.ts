/**
 * The CLI adapter: argv → command → exit code. Parses arguments (commander, in `program.ts`),
 * calls the service, renders output; no business rule lives here.
 *
 * `serve` alone skips the argument parser: an MCP host starts the server for every session, and
 * the parser and the other commands' modules are time before the first answer.
 *
 * @module
 */

import { errorToJson, ExitCode, toLumeraError } from "../errors.ts";
import { logDebugError, logLine } from "../log.ts";
import type { CliContext } from "./context.ts";
import { writeJson } from "./output.ts";

/** Runs the CLI with `args` (without the program name) and returns the exit code. */
export async function runCli(args: string[]): Promise<number> {
  let wantsJson = false;
  try {
    if (args.length === 1 && args[0] === "serve") {
      const { serveCommand } = await import("./commands/serve.ts");
      return await serveCommand({ json: false });
    }
    return await runProgram(args, (json) => (wantsJson = json));
  } catch (err) {
    const e = toLumeraError(err);
    if (e.code === "INTERNAL") logDebugError(err);
    if (wantsJson) writeJson({ error: errorToJson(e) });
    logLine(`error [${e.code}]: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ""}`);
    return e.exitCode;
  }
}

/** Parses `args` with the full command tree and runs the command. */
async function runProgram(args: string[], setJson: (json: boolean) => void): Promise<number> {
  const { buildProgram, CommanderError } = await import("./program.ts");
  let exitCode: number = ExitCode.ok;
  const ctxOf = (cmd: { optsWithGlobals(): unknown }): CliContext => {
    const opts = cmd.optsWithGlobals() as { json?: boolean; home?: string };
    setJson(opts.json === true);
    return { json: opts.json === true, home: opts.home };
  };
  const program = buildProgram((code) => (exitCode = code), ctxOf);
  try {
    await program.parseAsync(args, { from: "user" });
    return exitCode;
  } catch (err) {
    // Help and version exit 0; any parse problem is a usage error (commander printed it).
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    throw err;
  }
}
