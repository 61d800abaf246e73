/**
 * `lumera-memory verify`: every index row has its blob, every blob hashes to its pointer, and with
 * `--read-data` every blob decrypts and authenticates.
 *
 * @module
 */

import { ExitCode } from "../../errors.ts";
import { type CliContext, withService } from "../context.ts";
import { writeJson, writeLines } from "../output.ts";

/** Runs `verify`; exits 6 (integrity) when any problem is found, orphans included. */
export async function verifyCommand(
  ctx: CliContext,
  readData: boolean,
  subset?: string,
): Promise<number> {
  let readDataPercent: number | undefined;
  if (subset !== undefined) {
    const m = /^(\d{1,3}(?:\.\d+)?)%?$/.exec(subset.trim());
    readDataPercent = m ? Number(m[1]) : Number.NaN;
  }
  const r = await withService(ctx, (s) => s.verify({ readData, readDataPercent }));
  if (ctx.json) writeJson(r);
  else {
    writeLines([
      `Checked ${r.checked} memories${
        r.read_data > 0 || readData ? `, decrypted ${r.read_data}` : ""
      }: ${r.ok ? "all intact." : `${r.problems.length} problem(s):`}`,
      ...r.problems.map((p) => `  ${p.kind.padEnd(13)} ${p.pointer}  ${p.message}`),
      ...(r.leftovers > 0
        ? [
          `${r.leftovers} temporary file(s) left by interrupted stores (harmless; \`lumera-memory reindex\` removes them).`,
        ]
        : []),
    ]);
  }
  return r.ok ? ExitCode.ok : ExitCode.integrity;
}
