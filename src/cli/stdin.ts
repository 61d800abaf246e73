/**
 * Reading standard input with a size cap.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** Reads all of stdin as UTF-8, refusing more than `maxBytes` (TOO_LARGE). */
export async function readAllStdin(maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of Deno.stdin.readable) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new LumeraError("TOO_LARGE", `standard input is larger than ${maxBytes} bytes`, {
        hint: "pass a smaller input",
      });
    }
    chunks.push(chunk);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
