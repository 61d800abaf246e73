/**
 * HTTP for the Cascade client: every request has a timeout, response bodies are capped, and
 * transient failures (network errors, timeouts, 429, 5xx — and 404 where the caller says the
 * resource is only not indexed yet) are retried with exponential backoff and full jitter within a
 * bounded total time. Failures become `LumeraError`s: `REMOTE_UNAVAILABLE` (retryable),
 * `REMOTE_REJECTED` (4xx), `NOT_FOUND`.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** Retry and timeout policy. */
export interface RetryPolicy {
  /** Timeout of one request, in ms. */
  requestTimeoutMs: number;
  /** First backoff delay, in ms. */
  baseDelayMs: number;
  /** Largest backoff delay, in ms. */
  maxDelayMs: number;
  /** Total time budget for all attempts, in ms. */
  totalMs: number;
}

/** Default policy: 30 s per request, 0.5 s → 8 s backoff, 2 min in all. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = {
  requestTimeoutMs: 30_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  totalMs: 120_000,
};

/** One request. */
export interface HttpCall {
  /** What is being done, for messages (never contains secrets). */
  what: string;
  url: string;
  method?: "GET" | "POST";
  /** A JSON body (serialized here) or form data. */
  json?: unknown;
  form?: FormData;
  /** Largest accepted response body, in bytes. */
  maxBytes: number;
  /** Retry 404s (resource not indexed yet) within the budget. */
  retry404?: boolean;
  /** Override of the policy's total budget. */
  totalMs?: number;
  /** Override of the policy's per-request timeout (large uploads and downloads). */
  timeoutMs?: number;
  /**
   * The endpoint is a Cosmos gRPC gateway: an error body `{"code":n,"message":…}` with a gRPC code
   * other than unavailable / deadline exceeded / resource exhausted is the chain refusing the
   * request (`REMOTE_REJECTED`, not retried), whatever the HTTP status.
   */
  grpcErrors?: boolean;
}

/** A successful response. */
export interface HttpResult {
  status: number;
  contentType: string;
  body: Uint8Array;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A short, printable excerpt of an untrusted body for error details. */
export function excerpt(body: Uint8Array, max = 300): string {
  const text = new TextDecoder().decode(body.subarray(0, max * 4));
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, max);
}

/** How long an open SSE stream is read after its first complete event (idle / total), in ms. */
export const SSE_SNAPSHOT = { idleMs: 750, windowMs: 3_000 };

const EVENT_END = /\n\r?\n/;

/**
 * Reads a body up to `maxBytes`. A `text/event-stream` body that stays open (a live status feed)
 * is read as a snapshot: until it ends, or no `data:` event came for `SSE_SNAPSHOT.idleMs`
 * (keep-alive comments do not count), or `SSE_SNAPSHOT.windowMs` have passed since its first
 * complete event.
 */
async function readCapped(res: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: response larger than ${maxBytes} bytes`);
  }
  if (!res.body) return new Uint8Array(0);
  const sse = (res.headers.get("content-type") ?? "").toLowerCase().includes("text/event-stream");
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let text = "";
  let firstEventAt = 0;
  let lastDataAt = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array> | "idle";
    if (sse && firstEventAt > 0) {
      const left = Math.min(
        lastDataAt + SSE_SNAPSHOT.idleMs,
        firstEventAt + SSE_SNAPSHOT.windowMs,
      ) - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      next = await Promise.race([
        reader.read(),
        new Promise<"idle">((r) => timer = setTimeout(() => r("idle"), Math.max(0, left))),
      ]);
      clearTimeout(timer);
    } else next = await reader.read();
    if (next === "idle") {
      await reader.cancel().catch(() => {});
      break;
    }
    if (next.done) break;
    const value = next.value;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new LumeraError(
        "REMOTE_UNAVAILABLE",
        `${what}: response larger than ${maxBytes} bytes`,
      );
    }
    chunks.push(value);
    if (sse) {
      const piece = new TextDecoder().decode(value);
      if (piece.includes("data:")) lastDataAt = Date.now();
      if (firstEventAt === 0) {
        text += piece;
        if (text.includes("data:") && EVENT_END.test(text.slice(text.indexOf("data:")))) {
          firstEventAt = Date.now();
          lastDataAt = firstEventAt;
        }
      }
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

class Retryable extends Error {
  constructor(readonly final: LumeraError) {
    super(final.message);
  }
}

async function attempt(call: HttpCall, policy: RetryPolicy): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: "application/json, text/event-stream, */*" };
  let body: BodyInit | undefined;
  if (call.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(call.json);
  } else if (call.form) body = call.form;
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: call.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      signal: AbortSignal.timeout(call.timeoutMs ?? policy.requestTimeoutMs),
      redirect: "follow",
    });
  } catch (e) {
    const timeout = e instanceof DOMException && e.name === "TimeoutError";
    throw new Retryable(
      new LumeraError(
        "REMOTE_UNAVAILABLE",
        `${call.what}: ${timeout ? "timed out" : "network error"}`,
        { hint: "check the network and the Lumera endpoints, then retry", cause: e },
      ),
    );
  }
  const contentType = (res.headers.get("content-type") ?? "").toLowerCase();
  if (res.ok) {
    try {
      return {
        status: res.status,
        contentType,
        body: await readCapped(res, call.maxBytes, call.what),
      };
    } catch (e) {
      if (e instanceof LumeraError) throw e;
      throw new Retryable(
        new LumeraError("REMOTE_UNAVAILABLE", `${call.what}: connection lost`, { cause: e }),
      );
    }
  }
  const errBody = await readCapped(res, 64 * 1024, call.what).catch(() => new Uint8Array(0));
  const details = { status: res.status, body: excerpt(errBody) };
  if (call.grpcErrors) {
    const rejected = grpcRejection(errBody, call.what);
    if (rejected) throw rejected;
  }
  if (res.status === 404) {
    const err = new LumeraError("NOT_FOUND", `${call.what}: not found`, { details });
    if (call.retry404) throw new Retryable(err);
    throw err;
  }
  if (res.status === 429 || res.status >= 500 || res.status === 408) {
    throw new Retryable(
      new LumeraError("REMOTE_UNAVAILABLE", `${call.what}: HTTP ${res.status}`, {
        hint: "the Lumera service is busy or down; retry later",
        details,
      }),
    );
  }
  throw new LumeraError("REMOTE_REJECTED", `${call.what}: HTTP ${res.status}: ${details.body}`, {
    details,
  });
}

/** A gRPC-gateway error body that means "refused" (see {@link HttpCall.grpcErrors}). */
export function grpcRejection(body: Uint8Array, what: string): LumeraError | undefined {
  let parsed: { code?: unknown; message?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed.code !== "number" || [4, 8, 14].includes(parsed.code)) {
    return undefined;
  }
  if (parsed.code === 5) return undefined; // NOT_FOUND: the HTTP status says it already
  const msg = typeof parsed.message === "string"
    ? excerpt(new TextEncoder().encode(parsed.message))
    : "";
  return new LumeraError("REMOTE_REJECTED", `${what} refused by the chain: ${msg}`, {
    hint: /insufficient funds/i.test(msg) ? "fund the Lumera account, then retry" : undefined,
    details: { grpcCode: parsed.code },
  });
}

/**
 * A per-request timeout for moving `bytes` bytes: the policy's timeout plus the time at a
 * pessimistic 64 KiB/s.
 */
export function transferTimeoutMs(policy: RetryPolicy, bytes: number): number {
  return policy.requestTimeoutMs + Math.ceil(bytes / 65_536) * 1_000;
}

/** Performs `call` with retries per `policy`. */
export async function request(call: HttpCall, policy: RetryPolicy): Promise<HttpResult> {
  const deadline = Date.now() + (call.totalMs ?? policy.totalMs);
  let delay = policy.baseDelayMs;
  for (;;) {
    try {
      return await attempt(call, policy);
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      const wait = Math.random() * delay;
      if (Date.now() + wait >= deadline) throw e.final;
      await sleep(wait);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

/** Parses a JSON body as an object; anything else is an unusable response. */
export function jsonObject(res: HttpResult, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(res.body));
  } catch (e) {
    throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: the response is not JSON`, {
      cause: e,
      details: { body: excerpt(res.body) },
    });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new LumeraError("REMOTE_UNAVAILABLE", `${what}: unexpected response shape`);
  }
  return value as Record<string, unknown>;
}
