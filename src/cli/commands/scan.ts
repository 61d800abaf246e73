/**
 * `lumera-memory scan [FILE…|-]`: exit 0 when clean, 3 when a store would be refused.
 *
 * @module
 */

import { ExitCode, LumeraError } from "../../errors.ts";
import { MAX_INPUT_BYTES } from "../../record/limits.ts";
import { loadConfig, type PolicyFlags, policyFromFlags } from "../../config/config_file.ts";
import { mergeScanPolicies } from "../../scan/mod.ts";
import { scanTextWithPolicy } from "../../service/scan_check.ts";
import type { Finding } from "../../scan/types.ts";
import { type CliContext, homeOf } from "../context.ts";
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

/** Runs `scan` under the home's configured policy plus the flags given. */
export async function scanCommand(
  ctx: CliContext,
  files: string[],
  flags: PolicyFlags = {},
): Promise<number> {
  let policy = (await loadConfig(homeOf(ctx))).scan;
  const extra = policyFromFlags(flags);
  if (extra !== undefined) policy = mergeScanPolicies(policy, extra);
  const inputs = files.length === 0 ? ["-"] : files;
  const findings: (Finding & { file: string })[] = [];
  let redacted = 0;
  let allowed = 0;
  for (const file of inputs) {
    const text = await readInput(file);
    const r = scanTextWithPolicy(text, policy);
    redacted += r.redacted ?? 0;
    allowed += r.allowed ?? 0;
    for (const f of r.findings) findings.push({ ...f, file: file === "-" ? "(stdin)" : file });
  }
  const clean = findings.length === 0;
  const extras = [
    ...(redacted > 0 ? [`${redacted} would be redacted`] : []),
    ...(allowed > 0 ? [`${allowed} allowed by policy`] : []),
  ];
  if (ctx.json) writeJson({ clean, findings, redacted, allowed });
  else if (clean) {
    writeLines([
      `Clean: nothing would be refused${extras.length ? ` (${extras.join(", ")})` : ""}.`,
    ]);
  } else {
    writeLines([
      `Would refuse: ${findings.length} finding${findings.length === 1 ? "" : "s"}${
        extras.length ? ` (and ${extras.join(", ")})` : ""
      }`,
      ...findings.map((f) =>
        `  ${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.preview}${
          f.fingerprint ? `  fingerprint ${f.fingerprint}` : ""
        }`
      ),
    ]);
  }
  return clean ? ExitCode.ok : ExitCode.secretRefused;
}
