/**
 * A progress line on stderr for long work, shown only on a terminal (silent in pipes, CI and
 * `--json`).
 *
 * @module
 */

import { writeStderr } from "../log.ts";

/** A progress indicator. */
export interface Progress {
  /** Reports `done` of `total`. */
  update(done: number, total: number): void;
  /** Ends the line. */
  done(): void;
}

/** A progress bar labelled `label`, drawn at most ten times a second. */
export function progress(label: string): Progress {
  let tty = false;
  try {
    tty = Deno.stderr.isTerminal();
  } catch {
    tty = false;
  }
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      writeStderr(
        `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`,
      );
      drawn = true;
    },
    done() {
      if (tty && drawn) writeStderr("\n");
    },
  };
}
