/**
 * `lumera-memory scan [FILE…|-]`: exit 0 when clean, 3 when a store would be refused.
 *
 * @module
 */

import { ExitCode, LumeraError } from "../../errors.ts";
import { MAX_INPUT_BYTES } from "../../record/limits.ts";
import { scanText } from "../../scan/mod.ts";
import type { Finding } from "../../scan/types.ts";
import type { CliContext } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";
import { readAllStdin } from "../stdin.ts";

async function readInput(path: string): Promise<string> {
  if (path === "-") return await readAllStdin(MAX_INPUT_BYTES);
  try {
    const info = await Deno.stat(path);
    if (info.size > MAX_INPUT_BYTES) {
      throw new LumeraError("TOO_LARGE", `${path} is larger than ${MAX_INPUT_BYTES} bytes`);
    }
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LumeraError("NOT_FOUND", `no such file: ${path}`, { hint: "check the path" });
    }
    throw err;
  }
}

/** Runs `scan`. */
export async function scanCommand(ctx: CliContext, files: string[]): Promise<number> {
  const inputs = files.length === 0 ? ["-"] : files;
  const findings: (Finding & { file: string })[] = [];
  for (const file of inputs) {
    const text = await readInput(file);
    for (const f of scanText(text)) findings.push({ ...f, file: file === "-" ? "(stdin)" : file });
  }
  const clean = findings.length === 0;
  if (ctx.json) writeJson({ clean, findings });
  else if (clean) writeLines(["Clean: nothing would be refused."]);
  else {
    writeLines([
      `Would refuse: ${findings.length} finding${findings.length === 1 ? "" : "s"}`,
      ...findings.map((f) => `  ${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.preview}`),
    ]);
  }
  return clean ? ExitCode.ok : ExitCode.secretRefused;
}
