/**
 * CLI output on stdout: either machine JSON (`--json`) or human text. Not used in server mode,
 * where stdout carries the MCP protocol only.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Writes text to stdout as is. */
export function writeStdout(text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.byteLength) written += Deno.stdout.writeSync(bytes.subarray(written));
}

/** Writes one JSON document (pretty-printed) and a newline to stdout. */
export function writeJson(value: unknown): void {
  writeStdout(JSON.stringify(value, null, 2) + "\n");
}

/** Writes human lines to stdout. */
export function writeLines(lines: string[]): void {
  if (lines.length > 0) writeStdout(lines.join("\n") + "\n");
}

/** True when stdout is an interactive terminal. */
export function stdoutIsTty(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/** Human-readable byte size (KiB, MiB…). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
