/**
 * The one MCP client every benchmark uses: the SDK's stdio client (`@modelcontextprotocol/client`)
 * spawning a server, with per-call timing and the server process's peak RSS.
 *
 * @module
 */

import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { peakRssBytes } from "./stats.ts";

/** How to start one server. */
export interface ServerSpec {
  /** A label for the output. */
  label: string;
  /** Executable. */
  command: string;
  /** Arguments. */
  args: string[];
  /** Environment (the whole environment: nothing else is inherited). */
  env: Record<string, string>;
}

/** A connected client and its server process. */
export interface Connected {
  client: Client;
  transport: StdioClientTransport;
  /** The server's pid (the process the transport spawned). */
  pid: number;
  /** What the server wrote to stderr (kept for diagnostics). */
  stderr: () => string;
}

/**
 * Spawns the server and connects with the legacy `initialize` handshake (which every server
 * speaks, so both sides of a comparison use the same protocol revision).
 */
export async function connect(spec: ServerSpec): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: spec.command,
    args: spec.args,
    env: spec.env,
    stderr: "pipe",
    // Reference-server search answers can be large; do not let the client's buffer decide.
    maxBufferSize: 512 * 1024 * 1024,
  });
  let err = "";
  transport.stderr?.on("data", (chunk: Uint8Array | string) => {
    if (err.length < 64 * 1024) {
      err += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    }
  });
  const client = new Client({ name: "lumera-bench", version: "1.0.0" }, {
    versionNegotiation: { mode: "legacy" },
  });
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error(`${spec.label}: no server pid`);
  return { client, transport, pid, stderr: () => err };
}

/** Calls a tool and returns the result and the wall time in milliseconds; throws on isError. */
export async function timedCall(
  c: Connected,
  name: string,
  args: Record<string, unknown>,
): Promise<{ ms: number; result: CallToolResult }> {
  const t = performance.now();
  const result = await c.client.callTool({ name, arguments: args }) as CallToolResult;
  const ms = performance.now() - t;
  if (result.isError) {
    const text = (result.content?.[0] as { text?: string } | undefined)?.text ?? "";
    throw new Error(`${name} failed: ${text.slice(0, 300)}`);
  }
  return { ms, result };
}

/** Reads the server's peak RSS, then closes the client (which ends the server). */
export async function finish(c: Connected): Promise<number | undefined> {
  const rss = peakRssBytes(c.pid);
  await c.client.close();
  return rss;
}
