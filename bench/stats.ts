/**
 * Small helpers shared by the benchmarks: percentiles, formatting, peak RSS, output.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Writes one line to stdout (benchmarks print results, not logs). */
export function out(line = ""): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

/** The `p`-th percentile (nearest rank) of `xs`. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Sum of `xs`. */
export function sum(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += x;
  return t;
}

/** Milliseconds with a sensible number of digits. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 10) return `${x.toFixed(1)} ms`;
  return `${x.toFixed(2)} ms`;
}

/** Bytes as B / KiB / MiB. */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

/**
 * Peak resident set size (VmHWM) of a live process, in bytes, from `/proc/<pid>/status`
 * (Linux). `undefined` elsewhere or when the process is gone.
 */
export function peakRssBytes(pid: number): number | undefined {
  const path = `/proc/${pid}/status`;
  let status: string;
  try {
    status = Deno.readTextFileSync(path);
  } catch {
    // Deno 2.9 lets only --allow-all read /proc; a child `cat` needs just --allow-run.
    try {
      const r = new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
        .outputSync();
      if (!r.success) return undefined;
      status = new TextDecoder().decode(r.stdout);
    } catch {
      return undefined;
    }
  }
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}
