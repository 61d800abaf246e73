/**
 * The MCP face: a thin adapter from MCP tool calls to the {@link MemoryService}. This is the only
 * module that imports the MCP SDK (`@modelcontextprotocol/server` 2.x, which answers both the
 * 2026-07-28 `server/discover` opening and the legacy `initialize` handshake over stdio).
 *
 * stdout carries protocol messages only; diagnostics go through the caller's `log` function.
 *
 * @module
 */

import {
  type CallToolResult,
  McpServer,
  type ServerContext,
  type StandardSchemaWithJSON,
  type Transport,
} from "@modelcontextprotocol/server";
import {
  serveStdio as sdkServeStdio,
  StdioServerTransport,
} from "@modelcontextprotocol/server/stdio";
import { Buffer } from "node:buffer";
import { EventEmitter } from "node:events";
import process from "node:process";
import type { z } from "zod";
import { workingDir } from "../config/home.ts";
import { errorToJson, LumeraError, toLumeraError } from "../errors.ts";
import { deferOutputSchemaJson } from "./deferred_output_json.ts";
import type { MemoryService, StoreOptions, StoreRequest } from "../service/api.ts";
import { parseDuration } from "../service/duration.ts";
import type { QueryInput } from "../service/types.ts";
import {
  estimateInput,
  estimateResultOutput,
  forgetInput,
  forgetResultOutput,
  listSessionsInput,
  listSessionsOutput,
  queryInput,
  queryResultOutput,
  rememberInput,
  retrieveInput,
  retrieveResultOutput,
  SERVER_INSTRUCTIONS,
  statsInput,
  statsResultOutput,
  storeInput,
  storeResultOutput,
  TOOL_INFO,
  TOOL_NAMES,
  toolErrorOutput,
} from "./tools.ts";

/** The server name announced to clients. */
export const SERVER_NAME = "lumera-memory";

/** How long clients may cache `tools/list` and `server/discover` (2026-07-28): one hour. */
const LIST_TTL_MS = 60 * 60 * 1000;

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** The program version announced to clients. */
  version: string;
  /** Writes one diagnostic line (to stderr). Never receives a secret. Default: discard. */
  log?: (line: string) => void;
  /**
   * Called with an unexpected (INTERNAL) error's original value, e.g. to print its stack when
   * debugging is on. Default: nothing.
   */
  onInternalError?: (err: unknown) => void;
}

/** Options of {@link serveStdio}. */
export interface ServeStdioOptions extends McpServerOptions {
  /**
   * The transport to serve on. Default: the process's stdin/stdout. Tests pass one end of an
   * in-memory pair.
   */
  transport?: Transport;
  /**
   * How long to let tool calls that are still running at end of input finish, in milliseconds,
   * before resolving anyway. Default 5000.
   */
  drainTimeoutMs?: number;
}

/** Decodes the head of each request line (whole pieces, no streaming state). */
const UTF8 = new TextDecoder();

/** Opens the service on first use; concurrent callers share one open; a failed open is retried. */
function lazyService(getService: () => Promise<MemoryService>): () => Promise<MemoryService> {
  let pending: Promise<MemoryService> | undefined;
  return () => {
    if (pending === undefined) {
      const opening = getService();
      pending = opening;
      opening.catch(() => {
        if (pending === opening) pending = undefined;
      });
    }
    return pending;
  };
}

/** Tool calls in progress, so that serving can let them finish before the caller closes. */
class InFlight {
  #calls = new Set<Promise<unknown>>();

  track<T>(call: Promise<T>): Promise<T> {
    this.#calls.add(call);
    const done = () => this.#calls.delete(call);
    call.then(done, done);
    return call;
  }

  /** Resolves true when every call finished, false when `timeoutMs` elapsed first. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#calls.size === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const all = Promise.allSettled([...this.#calls]).then(() => true as const);
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A successful result: the JSON as structured content and as one text block. */
function okResult(structured: Record<string, unknown>): CallToolResult {
  const json = JSON.stringify(structured);
  // The text block mirrors structuredContent for older clients, but a large record sent twice
  // would exceed clients' line limits (the SDK's stdio client reads at most 10 MiB per line).
  const text = json.length <= MAX_TEXT_MIRROR_CHARS ? json : JSON.stringify({
    note: `the result is ${json.length} characters; it is in structuredContent only`,
  });
  return { content: [{ type: "text", text }], structuredContent: structured };
}

/** Largest result mirrored as a text block (characters of JSON). */
const MAX_TEXT_MIRROR_CHARS = 1024 * 1024;

/** Largest request line handed to the SDK; longer lines are answered with an error. */
export const MAX_REQUEST_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Hands stdin to the SDK one whole line at a time, and cuts out lines longer than `limit`
 * (the SDK's reader would otherwise give up and close the connection): `onOversize` is told the
 * request's id when the line's start shows one. Whole lines also spare the SDK's reader from
 * re-scanning a growing buffer for every chunk of a long line.
 *
 * It stands in for stdin in front of the SDK's transport, which uses only the events (`data`,
 * `end`, `close`, `error`), `readableEnded`, `destroyed`, `listenerCount` and `pause` of a
 * readable stream; being a plain emitter spares the server loading `node:stream` at startup.
 */
class LineFeed extends EventEmitter {
  #pieces: Uint8Array[] = [];
  #lineBytes = 0;
  #discarding = false;
  #head = "";
  readonly #limit: number;
  readonly #onOversize: (id: string | number | null) => void;
  readonly #source: typeof process.stdin;
  /** True once the source ended (as a readable stream reports it). */
  readableEnded = false;
  /** True once the source was destroyed. */
  get destroyed(): boolean {
    return this.#source.destroyed;
  }

  constructor(
    source: typeof process.stdin,
    limit: number,
    onOversize: (id: string | number | null) => void,
  ) {
    super();
    this.#source = source;
    this.#limit = limit;
    this.#onOversize = onOversize;
    source.on(
      "data",
      (chunk: Uint8Array | string) =>
        this.#feed(typeof chunk === "string" ? Buffer.from(chunk) : chunk),
    );
    source.on("end", () => {
      if (!this.#discarding && this.#pieces.length > 0) this.emit("data", this.#line());
      this.readableEnded = true;
      this.emit("end");
    });
    source.on("close", () => this.emit("close"));
    source.on("error", (err: Error) => this.emit("error", err));
  }

  /** Stops reading the source (the SDK calls this when it stops listening). */
  pause(): this {
    this.#source.pause();
    return this;
  }

  #line(): Buffer {
    const line = Buffer.concat(this.#pieces);
    this.#pieces = [];
    return line;
  }

  #feed(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl + 1;
      const piece = chunk.subarray(start, end);
      if (this.#head.length < 4096) {
        this.#head += UTF8.decode(piece.subarray(0, 4096 - this.#head.length));
      }
      this.#lineBytes += piece.length;
      if (!this.#discarding) {
        if (this.#lineBytes > this.#limit) {
          this.#discarding = true;
          this.#pieces = [];
        } else this.#pieces.push(piece.slice());
      }
      if (nl !== -1) {
        if (this.#discarding) this.#onOversize(requestIdOf(this.#head));
        else this.emit("data", this.#line());
        this.#pieces = [];
        this.#discarding = false;
        this.#lineBytes = 0;
        this.#head = "";
      }
      start = end;
    }
  }
}

/** The JSON-RPC id near the start of a request line, if it shows one. */
function requestIdOf(head: string): string | number | null {
  const m = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,15})/.exec(head);
  if (!m) return null;
  try {
    return JSON.parse(m[1]);
  } catch {
    return null;
  }
}

/** A business failure as an `isError` result an agent can act on. */
function errorResult(err: LumeraError): CallToolResult {
  const text = `${err.code}: ${err.message}${err.hint === undefined ? "" : ` (${err.hint})`}`;
  return {
    content: [{ type: "text", text }],
    structuredContent: { error: errorToJson(err) },
    isError: true,
  };
}

function usage(message: string, hint: string): LumeraError {
  return new LumeraError("USAGE", message, { hint });
}

/** Maps `store_session_to_cascade` arguments to a store request, enforcing exactly one source. */
function storeRequestOf(args: z.infer<typeof storeInput>): StoreRequest {
  const given = (["record", "transcript_path", "cm_task", "cass_path"] as const).filter((k) =>
    args[k] !== undefined
  );
  if (given.length !== 1) {
    throw usage(
      given.length === 0
        ? "no source given"
        : `give exactly one source, got ${given.join(" and ")}`,
      "pass exactly one of record, transcript_path, cm_task or cass_path",
    );
  }
  if (args.workspace !== undefined && args.cm_task === undefined) {
    throw usage(
      "workspace applies to cm_task only",
      "for an inline record put workspace inside the record; for a note use remember",
    );
  }
  if (args.record !== undefined) return { kind: "record", record: args.record };
  if (args.transcript_path !== undefined) {
    return defined({ kind: "transcript" as const, path: args.transcript_path, cwd: workingDir() });
  }
  if (args.cm_task !== undefined) {
    return args.workspace === undefined
      ? { kind: "cm", task: args.cm_task }
      : { kind: "cm", task: args.cm_task, workspace: args.workspace };
  }
  return { kind: "cass", path: args.cass_path as string };
}

async function storeOptionsOf(
  tags: string[] | undefined,
  ttl?: string,
  redact?: string[],
): Promise<StoreOptions | undefined> {
  if (tags === undefined && ttl === undefined && redact === undefined) return undefined;
  const options: StoreOptions = {};
  if (tags !== undefined) options.tags = tags;
  if (ttl !== undefined) options.ttlMs = parseDuration(ttl, "ttl");
  // Agents may ask for redaction (it only removes data); allowing is the user's call (config).
  // The policy parser (with the scanner's rules) loads only when a call asks for redaction.
  if (redact !== undefined) {
    const { policyFromFlags } = await import("../config/config_file.ts");
    const policy = policyFromFlags({ redact });
    if (policy !== undefined) options.scanPolicy = policy;
  }
  return options;
}

/** Copies only the keys whose value is defined (the service's inputs use optional fields). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

/** Schemas whose first parse is done: later parses take zod's compiled fast path. */
const parsedOnce = new WeakSet<z.ZodType>();

/**
 * zod's parse options for `schema`'s next parse: interpreted the first time. zod compiles an
 * object schema into a function on its first parse (~0.5 ms each), a cost a server's first answer
 * would pay for every schema it touches; from the second parse on, zod compiles it and uses it.
 */
function parseOptionsFor(schema: z.ZodType): { jitless: true } | undefined {
  if (parsedOnce.has(schema)) return undefined;
  parsedOnce.add(schema);
  return { jitless: true };
}

/** `schema.parse(value)`, interpreted the first time (see {@link parseOptionsFor}). */
function parseFirstInterpreted<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return schema.parse(value, parseOptionsFor(schema));
}

/**
 * The schema as the SDK sees it (Standard Schema with JSON Schema): zod's own, except that
 * validation is interpreted the first time (see {@link parseOptionsFor}).
 */
function firstParseInterpreted<S extends z.ZodType>(
  schema: S,
): StandardSchemaWithJSON<z.input<S>, z.output<S>> {
  const std = schema["~standard"];
  return {
    "~standard": {
      ...std,
      validate: (value: unknown) => {
        const r = schema.safeParse(value, parseOptionsFor(schema));
        return r.success ? { value: r.data } : { issues: r.error.issues };
      },
    },
  } as StandardSchemaWithJSON<z.input<S>, z.output<S>>;
}

/**
 * Builds the server with its tools over `service`, an opener already shared by its callers (see
 * `lazyService`). Exported through {@link createMcpServer}; `inFlight` lets {@link serveStdio}
 * wait for running calls at end of input.
 */
function buildServer(
  service: () => Promise<MemoryService>,
  options: McpServerOptions,
  inFlight?: InFlight,
): McpServer {
  const log = options.log ?? (() => {});
  const server = new McpServer(
    { name: SERVER_NAME, title: "Lumera memory", version: options.version },
    {
      instructions: SERVER_INSTRUCTIONS,
      // The tool set never changes while the process runs.
      capabilities: { tools: { listChanged: false } },
      cacheHints: {
        "tools/list": { ttlMs: LIST_TTL_MS, cacheScope: "public" },
        "server/discover": { ttlMs: LIST_TTL_MS, cacheScope: "public" },
      },
    },
  );

  /**
   * Runs one tool call: opens the service (lazily), checks for cancellation, maps the service's
   * result through the success schema (which drops anything the schema does not name) and turns
   * every failure into an `isError` result.
   */
  const run = <S extends z.ZodType<Record<string, unknown>>>(
    tool: string,
    ctx: ServerContext,
    output: S,
    call: (svc: MemoryService) => unknown,
  ): Promise<CallToolResult> => {
    const signal = ctx.mcpReq.signal;
    const work = (async (): Promise<CallToolResult> => {
      try {
        const svc = await service();
        signal.throwIfAborted();
        const value = await call(svc);
        return okResult(parseFirstInterpreted(output, value));
      } catch (err) {
        if (signal.aborted) {
          log(`mcp: ${tool} cancelled by the client`);
          return errorResult(new LumeraError("USAGE", "the request was cancelled"));
        }
        const e = toLumeraError(err);
        if (e.code === "INTERNAL") {
          const name = err instanceof Error ? err.name : typeof err;
          log(`mcp: ${tool} failed with an internal error (${name})`);
          options.onInternalError?.(err);
        } else {
          log(`mcp: ${tool} failed: ${e.code}: ${e.message}`);
        }
        return errorResult(e);
      }
    })();
    return inFlight ? inFlight.track(work) : work;
  };

  /**
   * Registers one tool: its title, description and annotations from `TOOL_INFO`, its input schema,
   * its output schema (the success shape or the error shape: some clients validate
   * structuredContent even when isError is set; the root stays `type: "object"`, two object
   * alternatives), and `call` run through {@link run}.
   */
  const tool = <I extends z.ZodType, O extends z.ZodType<Record<string, unknown>>>(
    name: keyof typeof TOOL_INFO,
    input: I,
    output: O,
    call: (args: z.output<I>, svc: MemoryService) => unknown,
  ): void => {
    const info = TOOL_INFO[name];
    deferOutputSchemaJson(server.registerTool(
      name,
      {
        title: info.title,
        description: info.description,
        inputSchema: firstParseInterpreted(input),
        outputSchema: firstParseInterpreted(output.or(toolErrorOutput)),
        annotations: { title: info.title, ...info.annotations },
      },
      (args: z.output<I>, ctx: ServerContext) => run(name, ctx, output, (svc) => call(args, svc)),
    ));
  };

  tool(
    TOOL_NAMES.store,
    storeInput,
    storeResultOutput,
    async (args, svc) =>
      svc.store(storeRequestOf(args), await storeOptionsOf(args.tags, args.ttl, args.redact)),
  );
  tool(TOOL_NAMES.remember, rememberInput, storeResultOutput, async (args, svc) =>
    svc.store(
      defined({
        kind: "note" as const,
        title: args.title,
        text: args.text,
        workspace: args.workspace,
      }),
      await storeOptionsOf(args.tags, args.ttl, args.redact),
    ));
  tool(TOOL_NAMES.query, queryInput, queryResultOutput, (args, svc) => {
    const input: QueryInput = defined({
      text: args.query,
      tags: args.tags,
      agent: args.agent,
      workspace: args.workspace,
      kind: args.kind,
      since: args.since,
      until: args.until,
      limit: args.limit,
      cursor: args.cursor,
      branch: args.branch,
      all_versions: args.all_versions,
      rank_all: args.rank_all,
      all_workspaces: args.all_workspaces,
      cwd: workingDir(),
    });
    return svc.query(input);
  });
  tool(
    TOOL_NAMES.retrieve,
    retrieveInput,
    retrieveResultOutput,
    (args, svc) =>
      args.from_message === undefined && args.to_message === undefined
        ? svc.retrieve(args.pointer)
        : svc.retrieve(args.pointer, defined({ from: args.from_message, to: args.to_message })),
  );
  tool(
    TOOL_NAMES.estimate,
    estimateInput,
    estimateResultOutput,
    (args, svc) =>
      svc.estimate(defined({
        bytes: args.bytes,
        redundancy: args.redundancy,
        lume_price: args.lume_price,
        currency: args.currency,
      })),
  );
  tool(TOOL_NAMES.forget, forgetInput, forgetResultOutput, (args, svc) => {
    const { confirm, ...criteria } = args;
    return svc.forget(defined(criteria), { confirm });
  });
  tool(TOOL_NAMES.stats, statsInput, statsResultOutput, (_args, svc) => svc.stats());
  tool(
    TOOL_NAMES.sessions,
    listSessionsInput,
    listSessionsOutput,
    (args, svc) => svc.listSessions(defined({ ...args, cwd: workingDir() })),
  );

  return server;
}

/**
 * Creates the MCP server object (the SDK's `McpServer`) with the memory tools (`TOOL_NAMES`:
 * store, remember, query, retrieve, estimate, forget, stats and list sessions).
 *
 * `getService` is called lazily, on the first tool call, so discovery and `tools/list` work even
 * when the service cannot open (e.g. no key configured); a tool call then fails as an `isError`
 * result carrying the error's code and hint. The first successful open is cached; a failed open
 * is retried on the next call. The caller owns the service and closes it.
 */
export function createMcpServer(
  getService: () => Promise<MemoryService>,
  options: McpServerOptions,
): McpServer {
  return buildServer(lazyService(getService), options);
}

/**
 * Wraps a transport to learn when it closes, without disturbing the SDK's own `onclose` (the SDK
 * entry owns the transport and sets its callbacks).
 */
class ClosingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  readonly #inner: Transport;
  readonly #closed: () => void;

  constructor(inner: Transport, closed: () => void) {
    this.#inner = inner;
    this.#closed = closed;
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  start(): Promise<void> {
    this.#inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    this.#inner.onerror = (error) => this.onerror?.(error);
    this.#inner.onclose = () => {
      try {
        this.onclose?.();
      } finally {
        this.#closed();
      }
    };
    return this.#inner.start();
  }

  send(...args: Parameters<Transport["send"]>): Promise<void> {
    return this.#inner.send(...args);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  setProtocolVersion(version: string): void {
    this.#inner.setProtocolVersion?.(version);
  }
}

/**
 * Serves MCP over stdio (or `options.transport`) until the input ends, then resolves. Serves
 * both the 2026-07-28 `server/discover` opening and legacy `initialize` clients. Tool calls still
 * running at end of input get `drainTimeoutMs` to finish, so the caller can then close the
 * service safely. The service is opened at most once (see {@link createMcpServer}).
 */
export function serveStdio(
  getService: () => Promise<MemoryService>,
  options: ServeStdioOptions,
): Promise<void> {
  const log = options.log ?? (() => {});
  const service = lazyService(getService);
  const inFlight = new InFlight();
  const drainTimeoutMs = options.drainTimeoutMs ?? 5000;
  return new Promise<void>((resolve) => {
    let ended = false;
    const onEnd = () => {
      if (ended) return;
      ended = true;
      inFlight.drain(drainTimeoutMs).then((finished) => {
        if (!finished) log("mcp: input ended with tool calls still running; not waiting longer");
        resolve();
      });
    };
    let stdio: StdioServerTransport | undefined;
    if (options.transport === undefined) {
      const filtered = new LineFeed(
        process.stdin,
        MAX_REQUEST_LINE_BYTES,
        (id) => {
          log("mcp: a request line over the size limit was discarded");
          stdio?.send({
            jsonrpc: "2.0",
            id: id ?? null,
            error: {
              code: -32600,
              message:
                `request too large: lines over ${MAX_REQUEST_LINE_BYTES} bytes are refused (a record may hold 8 MiB)`,
            },
          } as never).catch(() => {});
        },
      );
      stdio = new StdioServerTransport(
        filtered as unknown as typeof process.stdin,
        process.stdout,
        {
          maxBufferSize: MAX_REQUEST_LINE_BYTES * 2,
        },
      );
    }
    const transport = new ClosingTransport(options.transport ?? stdio!, onEnd);
    sdkServeStdio(() => buildServer(service, options, inFlight), {
      transport,
      onerror: (error) => {
        // A malformed line's parse error may quote the line itself: never log its text.
        const what = error instanceof SyntaxError
          ? "a malformed message from the client was discarded"
          : `${error.name}: ${error.message}`;
        log(`mcp: ${what}`);
      },
    });
  });
}
