/**
 * Helpers for the reliability tests: a raw line-level MCP stdio client for `main.ts serve`
 * (so tests can send anything, including malformed lines, and see every byte the server
 * writes), data homes with a key, and checks shared by several tests.
 *
 * @module
 */

import { baseEnv, MAIN, serveFlags } from "../helpers/permissions.ts";
import { randomKeyHex } from "../helpers/home.ts";

/** Whether the full-size reliability runs were asked for (`deno task test-reliability-full`). */
export const FULL = (() => {
  try {
    return Deno.env.get("LUMERA_RELIABILITY_FULL") === "1";
  } catch {
    return false;
  }
})();

/** A stack frame line ("    at fn (file:///x.ts:1:2)") as V8 prints them. */
export const STACK_TRACE =
  /^\s*at .*(?:\.(?:[cm]?[jt]s):\d+:\d+\)?|<anonymous>\)?|\(native\))\s*$/m;

/** A JSON-RPC message as the server wrote it. */
export interface RpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
  method?: string;
  params?: unknown;
}

/** A temporary data home (real path) with a random key; remove it with {@link removeHome}. */
export async function keyedHome(prefix = "lumera-rel-"): Promise<{ home: string; key: string }> {
  const home = await Deno.realPath(await Deno.makeTempDir({ prefix }));
  return { home, key: randomKeyHex() };
}

/** Removes a temporary directory tree, ignoring errors. */
export async function removeHome(home: string): Promise<void> {
  await Deno.remove(home, { recursive: true }).catch(() => {});
}

/** The environment a host gives the server: PATH, HOME, Deno's cache, the home and the key. */
export function serverEnv(
  home: string,
  key: string | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv(), LUMERA_MEMORY_HOME: home, ...extra };
  if (key !== undefined) env.LUMERA_MEMORY_KEY = key;
  return env;
}

/** Options of {@link RawMcp.start}. */
export interface RawMcpOptions {
  /** Data home (the server may read and write only this). */
  home: string;
  /** Master key, hex; omitted → no key. */
  key?: string;
  /** Extra environment (e.g. a PATH with stand-in tools). */
  env?: Record<string, string>;
  /** Permission flags; default {@link serveFlags}(home). */
  flags?: string[];
}

/**
 * Starts a server (see {@link RawMcp.start}) on a fresh keyed home named with `prefix`, runs the
 * handshake and `fn`, then closes the server and removes the home.
 */
export async function withServer(
  prefix: string,
  fn: (server: RawMcp, home: string) => Promise<void>,
  env?: Record<string, string>,
): Promise<void> {
  const { home, key } = await keyedHome(prefix);
  const server = RawMcp.start(env === undefined ? { home, key } : { home, key, env });
  try {
    await server.initialize();
    await fn(server, home);
  } finally {
    await server.close();
    await removeHome(home);
  }
}

/**
 * A line-level MCP client for `main.ts serve`: writes JSON-RPC lines (or any bytes) to stdin,
 * parses every stdout line, matches responses to requests by id, and keeps stderr.
 */
export class RawMcp {
  readonly child: Deno.ChildProcess;
  /** Every stdout line that was not a JSON object (must stay empty: stdout is protocol only). */
  readonly junk: string[] = [];
  /** Every message the server wrote. */
  readonly messages: RpcMessage[] = [];
  #stderr = "";
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #waiting = new Map<string, (m: RpcMessage) => void>();
  #nextId = 1;
  #exited = false;
  readonly #done: Promise<void>;
  readonly status: Promise<Deno.CommandStatus>;

  private constructor(child: Deno.ChildProcess) {
    this.child = child;
    this.#writer = child.stdin.getWriter();
    this.status = child.status.then((s) => {
      this.#exited = true;
      return s;
    });
    const readOut = (async () => {
      let buf = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          this.#onLine(line);
        }
      }
      if (buf.trim() !== "") this.#onLine(buf);
    })();
    const readErr = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        if (this.#stderr.length < 4 * 1024 * 1024) this.#stderr += chunk;
      }
    })();
    this.#done = Promise.all([readOut, readErr]).then(() => {});
  }

  /** Spawns `main.ts serve` under the least-privilege flags. */
  static start(options: RawMcpOptions): RawMcp {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        ...(options.flags ?? serveFlags(options.home)),
        MAIN,
        "serve",
      ],
      env: serverEnv(options.home, options.key, options.env),
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new RawMcp(child);
  }

  /** What the server wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** True once the process has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  #onLine(line: string): void {
    if (line.trim() === "") return;
    let m: RpcMessage;
    try {
      m = JSON.parse(line);
    } catch {
      this.junk.push(line.slice(0, 200));
      return;
    }
    if (typeof m !== "object" || m === null || Array.isArray(m)) {
      this.junk.push(line.slice(0, 200));
      return;
    }
    this.messages.push(m);
    if (m.id !== undefined && m.id !== null) {
      const waiter = this.#waiting.get(String(m.id));
      if (waiter) {
        this.#waiting.delete(String(m.id));
        waiter(m);
      }
    }
  }

  /** Writes raw text (a line, garbage, anything) to the server's stdin. */
  async writeRaw(text: string | Uint8Array): Promise<void> {
    await this.#writer.write(typeof text === "string" ? new TextEncoder().encode(text) : text);
  }

  /** Sends a request and waits for its response (or rejects after `timeoutMs`). */
  async request(method: string, params?: unknown, timeoutMs = 20_000): Promise<RpcMessage> {
    const id = this.#nextId++;
    const msg: Record<string, unknown> = { jsonrpc: "2.0", id, method };
    if (params !== undefined) msg.params = params;
    return await this.requestRaw(id, JSON.stringify(msg) + "\n", timeoutMs);
  }

  /** Sends `line` (which must carry `id`) and waits for the response with that id. */
  async requestRaw(id: number | string, line: string, timeoutMs = 20_000): Promise<RpcMessage> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<RpcMessage>((resolve, reject) => {
      this.#waiting.set(String(id), resolve);
      timer = setTimeout(() => {
        this.#waiting.delete(String(id));
        reject(new Error(`no response to request ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await this.writeRaw(line);
      return await answer;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A fresh request id no test line uses. */
  nextId(): number {
    return this.#nextId++;
  }

  /** Sends a notification (no response expected). */
  async notify(method: string, params?: unknown): Promise<void> {
    const msg: Record<string, unknown> = { jsonrpc: "2.0", method };
    if (params !== undefined) msg.params = params;
    await this.writeRaw(JSON.stringify(msg) + "\n");
  }

  /** The legacy `initialize` handshake (what most hosts still send). */
  async initialize(): Promise<RpcMessage> {
    const r = await this.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "reliability", version: "1" },
    });
    await this.notify("notifications/initialized");
    return r;
  }

  /** Calls a tool; returns the whole JSON-RPC response. */
  async callTool(name: string, args: unknown, timeoutMs = 20_000): Promise<RpcMessage> {
    return await this.request("tools/call", { name, arguments: args }, timeoutMs);
  }

  /** True when the server answers a `ping` within `timeoutMs`. */
  async alive(timeoutMs = 10_000): Promise<boolean> {
    if (this.#exited) return false;
    try {
      const r = await this.request("ping", undefined, timeoutMs);
      return r.error === undefined;
    } catch {
      return false;
    }
  }

  /** Closes stdin and waits for the exit (SIGKILL after `timeoutMs`). */
  async close(timeoutMs = 10_000): Promise<Deno.CommandStatus> {
    await this.#writer.close().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      this.status,
      new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (status === "timeout") {
      try {
        this.child.kill("SIGKILL");
      } catch { /* gone */ }
    }
    const s = await this.status;
    await this.#done;
    return s;
  }

  /** Kills the server (for crash tests and cleanup). */
  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch { /* gone */ }
    await this.status;
    await this.#writer.close().catch(() => {});
    await this.#done;
  }
}

/** The structured content of a tools/call result, or undefined. */
export function structured(r: RpcMessage): Record<string, unknown> | undefined {
  return r.result?.structuredContent as Record<string, unknown> | undefined;
}

/** The error code of an `isError` tool result, or undefined. */
export function toolErrorCode(r: RpcMessage): string | undefined {
  if (r.result?.isError !== true) return undefined;
  return (structured(r)?.error as { code?: string } | undefined)?.code;
}

/** Every human-readable string in a response: error messages and text content blocks. */
export function messageTexts(r: RpcMessage): string[] {
  const out: string[] = [];
  if (r.error) {
    out.push(r.error.message);
    if (r.error.data !== undefined) out.push(JSON.stringify(r.error.data));
  }
  const content = r.result?.content;
  if (Array.isArray(content)) {
    for (const c of content) if (typeof c?.text === "string") out.push(c.text);
  }
  const err = structured(r)?.error as { message?: string; hint?: string } | undefined;
  if (err?.message) out.push(err.message);
  if (err?.hint) out.push(err.hint);
  return out;
}

/**
 * Checks one response is well-formed: a result or a JSON-RPC error with a numeric code, and no
 * stack trace in any message. Returns a description of the problem, or undefined.
 */
export function responseProblem(r: RpcMessage): string | undefined {
  if (r.jsonrpc !== "2.0") return "not JSON-RPC 2.0";
  if ((r.result === undefined) === (r.error === undefined)) {
    return "neither exactly a result nor an error";
  }
  if (r.error && typeof r.error.code !== "number") return "error without a numeric code";
  for (const text of messageTexts(r)) {
    if (STACK_TRACE.test(text)) {
      return `stack trace or source location in a message: ${text.slice(0, 300)}`;
    }
  }
  if (r.result?.isError === true && toolErrorCode(r) === "INTERNAL") {
    return `INTERNAL error: ${messageTexts(r).join(" | ").slice(0, 300)}`;
  }
  return undefined;
}

/**
 * A fake GitHub token built at run time (so no secret is in the source) that the scanner must
 * refuse. Never put it in an assertion message.
 */
export function fakeToken(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(36));
  return "ghp_" + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** Runs `fn` with a deadline; rejects with `what` when it takes longer than `ms`. */
export async function within<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Prints an informational line (sizes, timings) to the test output's stderr. */
export function report(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
}
