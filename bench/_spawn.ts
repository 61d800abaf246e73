/**
 * Server launches and raw MCP over stdio for the benches: the documented `serve` launch and the
 * reference memory server under Deno (`peers.ts`, `cold_start.ts`), and, for the benches that time
 * a server below the SDK client (`run.ts`, `cold_start.ts`, `framing.ts`), JSON-RPC lines and a
 * reader that waits for the response to one request id.
 *
 * @module
 */

import { baseEnv, MAIN, serveFlags } from "../tests/helpers/permissions.ts";
import type { ServerSpec } from "./mcp_client.ts";

const REFERENCE = new URL("./peers/reference_memory_server.ts", import.meta.url).pathname;

/** The `deno` arguments of `main.ts serve` under its documented least-privilege flags. */
export function serveArgs(home: string): string[] {
  return ["run", "--quiet", "--no-prompt", ...serveFlags(home), MAIN, "serve"];
}

/**
 * The reference memory server under Deno (`peers/reference_memory_server.ts`), reading and
 * writing only `dir`, its knowledge graph in `dir/memory.jsonl`.
 */
export function referenceDenoSpec(dir: string): ServerSpec {
  return {
    label: "reference (deno)",
    command: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      "--allow-env",
      REFERENCE,
    ],
    env: { ...baseEnv(), MEMORY_FILE_PATH: `${dir}/memory.jsonl` },
  };
}

/** The params of a bench's `initialize` request (protocol revision 2025-11-25 unless given). */
export function initializeParams(protocolVersion = "2025-11-25"): Record<string, unknown> {
  return { protocolVersion, capabilities: {}, clientInfo: { name: "bench", version: "0" } };
}

/** One JSON-RPC message (`jsonrpc: "2.0"` added) as a stdio line. */
export function rpcLine(message: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n";
}

/** Reads a server's stdout line by line. */
export class RpcLines {
  #reader: ReadableStreamDefaultReader<string>;
  #buf = "";

  /** Takes over `stdout` (read it only through this object). */
  constructor(stdout: ReadableStream<Uint8Array>) {
    this.#reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The first complete line answering request `id`; `undefined` when the output ends first. */
  async response(id: number): Promise<string | undefined> {
    const tag = `"id":${id}`;
    while (true) {
      const lines = this.#buf.split("\n");
      const i = lines.findIndex((l, k) => k < lines.length - 1 && l.includes(tag));
      if (i >= 0) {
        this.#buf = lines.slice(i + 1).join("\n");
        return lines[i];
      }
      const { value, done } = await this.#reader.read();
      if (done) return undefined;
      this.#buf += value;
    }
  }

  /** Stops reading (the rest of the output is discarded). */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}
