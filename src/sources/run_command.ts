/**
 * Runs the external source tools `cm` (cass_memory_system) and `cass`
 * (coding_agent_session_search) with bounded time and output, and turns their failures into
 * {@link LumeraError}s.
 *
 * - The executable is looked up on `PATH`. When it is missing the error is `SOURCE_UNAVAILABLE`
 *   with an install hint; there is never a fallback to example data.
 * - stdin is closed, stdout and stderr are piped. stdout is capped (default
 *   {@link MAX_INPUT_BYTES}, `TOO_LARGE` beyond); stderr is only kept up to 64 KiB, and only ever
 *   used to find the tool's JSON error envelope.
 * - A timeout (default 60 s) or an abort stops the child (SIGTERM, then SIGKILL after 2 s).
 * - A non-zero exit becomes `SOURCE_FAILED` carrying the message of the tool's documented JSON
 *   error envelope (cm: `{success: false, error: {message, code, hint}}`, cass:
 *   `{"error": {code, kind, message, hint}}`), cleaned to one line and cut to 300 characters.
 *   Free-form stderr text is never echoed: it may contain session content.
 * - Permission denials (`Deno.errors.NotCapable`, `PermissionDenied`) are rethrown as-is; the
 *   caller maps them with `toLumeraError`.
 *
 * The child inherits this process's environment. `CM_OUTPUT_FORMAT` / `TOON_DEFAULT_FORMAT` are
 * deliberately left alone (they switch cm's output to TOON; a non-JSON answer is then reported
 * by the caller with a hint naming them).
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { MAX_INPUT_BYTES } from "../record/limits.ts";
import { cleanForMessage, isObj, strOf } from "./text.ts";

/** The external source tools lumera-memory can run. */
export type SourceCommand = "cm" | "cass";

/** Options of {@link runSourceCommand}. */
export interface RunSourceOptions {
  /** Stop the child after this many milliseconds (default {@link DEFAULT_SOURCE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Maximum stdout size in bytes (default {@link MAX_INPUT_BYTES}); more → `TOO_LARGE`. */
  maxBytes?: number;
  /** Aborting stops the child; the call then fails with `SOURCE_FAILED` ("cancelled"). */
  signal?: AbortSignal;
  /**
   * Extra environment variables for the child, merged over the inherited environment. A `PATH`
   * given here is also used to find the executable (tests put stand-ins first on it).
   */
  env?: Record<string, string>;
}

/** Default time limit for one source command: 60 seconds. */
export const DEFAULT_SOURCE_TIMEOUT_MS = 60_000;

/** How much of stderr is kept (only to look for a JSON error envelope): 64 KiB. */
const MAX_STDERR_BYTES = 64 * 1024;

/** Grace period between SIGTERM and SIGKILL when stopping a child. */
const KILL_GRACE_MS = 2_000;

/** Longest tool-provided error message or hint we pass on. */
const MAX_TOOL_MESSAGE_CHARS = 300;

const TOOLS: Readonly<Record<SourceCommand, { project: string; hint: string }>> = {
  cm: {
    project: "cass_memory_system",
    hint: "install cm (cass_memory_system) from its GitHub releases " +
      "(github.com/Dicklesworthstone/cass_memory_system) or with Homebrew, " +
      "then make sure `cm` is on PATH",
  },
  cass: {
    project: "coding_agent_session_search",
    hint: "install cass (coding_agent_session_search) from its GitHub releases " +
      "(github.com/Dicklesworthstone/coding_agent_session_search) or with Homebrew, " +
      "then make sure `cass` is on PATH",
  },
};

type StopReason = "timeout" | "abort" | "too-large";

interface Collected {
  bytes: Uint8Array;
  overflow: boolean;
}

/**
 * Runs `cm` or `cass` with `args` and returns its stdout as text.
 *
 * Throws `SOURCE_UNAVAILABLE` (not installed / not on PATH, with an install hint),
 * `SOURCE_FAILED` (non-zero exit, timeout, cancelled), `TOO_LARGE` (stdout over `maxBytes`) or
 * `USAGE` (no arguments: bare `cass` would open its interactive TUI). Permission denials are
 * rethrown unchanged.
 */
export async function runSourceCommand(
  command: SourceCommand,
  args: string[],
  options: RunSourceOptions = {},
): Promise<string> {
  if (command !== "cm" && command !== "cass") {
    throw new LumeraError("USAGE", "unknown source command");
  }
  if (args.length === 0) {
    throw new LumeraError(
      "USAGE",
      `refusing to run \`${command}\` without arguments (it may open an interactive UI)`,
    );
  }
  if (args.some((a) => typeof a !== "string" || a.includes("\0"))) {
    throw new LumeraError("USAGE", `arguments for \`${command}\` must be strings without NUL`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_INPUT_BYTES;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new LumeraError("USAGE", "timeoutMs must be a positive number");
  }
  if (!(maxBytes > 0) || !Number.isFinite(maxBytes)) {
    throw new LumeraError("USAGE", "maxBytes must be a positive number");
  }
  const label = commandLabel(command, args);
  if (options.signal?.aborted) throw cancelled(label, options.signal.reason);

  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: options.env,
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LumeraError(
        "SOURCE_UNAVAILABLE",
        `\`${command}\` (${TOOLS[command].project}) is not installed or not on PATH`,
        { hint: TOOLS[command].hint, cause: err },
      );
    }
    throw err;
  }

  let stopReason: StopReason | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  const stop = (reason: StopReason) => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    kill(child, "SIGTERM");
    killTimer = setTimeout(() => kill(child, "SIGKILL"), KILL_GRACE_MS);
    // A grandchild may still hold the pipes open; stop reading so we do not wait for it.
    for (const r of readers) r.cancel().catch(() => {});
  };
  const timer = setTimeout(() => stop("timeout"), timeoutMs);
  const onAbort = () => stop("abort");
  options.signal?.addEventListener("abort", onAbort, { once: true });

  let out: Collected;
  let err: Collected;
  let status: Deno.CommandStatus;
  try {
    [out, err, status] = await Promise.all([
      collect(child.stdout, maxBytes, readers, () => stop("too-large")),
      collect(child.stderr, MAX_STDERR_BYTES, readers),
      child.status,
    ]);
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    options.signal?.removeEventListener("abort", onAbort);
  }

  if (stopReason === "abort") throw cancelled(label, options.signal?.reason);
  if (stopReason === "timeout") {
    throw new LumeraError(
      "SOURCE_FAILED",
      `${label} did not finish within ${formatMs(timeoutMs)} and was stopped`,
      { hint: `check that \`${command}\` works when run by hand; its index may be busy or large` },
    );
  }
  if (stopReason === "too-large" || out.overflow) {
    throw new LumeraError(
      "TOO_LARGE",
      `output of ${label} is larger than ${maxBytes} bytes`,
      { hint: "store a smaller session (or a narrower context) at a time" },
    );
  }

  const stdout = new TextDecoder().decode(out.bytes);
  if (!status.success) {
    const stderr = new TextDecoder().decode(err.bytes);
    const envelope = findErrorEnvelope(stdout) ?? findErrorEnvelope(stderr);
    const how = status.signal ? `signal ${status.signal}` : `exit ${status.code}`;
    if (envelope?.message !== undefined) {
      const code = envelope.code !== undefined ? `, ${envelope.code}` : "";
      throw new LumeraError(
        "SOURCE_FAILED",
        `${label} failed (${how}${code}): ${envelope.message}`,
        { hint: envelope.hint ?? `run \`${command} --help\` or check its own diagnostics` },
      );
    }
    throw new LumeraError(
      "SOURCE_FAILED",
      `${label} failed (${how}) without a JSON error message`,
      { hint: `run the same \`${command}\` command by hand to see its diagnostics` },
    );
  }
  return stdout;
}

/** `cm context`, `cass export`: the tool and its subcommand word, never user-supplied values. */
function commandLabel(command: SourceCommand, args: string[]): string {
  const sub = args[0];
  return /^[a-z][a-z-]{0,31}$/.test(sub) ? `\`${command} ${sub}\`` : `\`${command}\``;
}

function cancelled(label: string, reason: unknown): LumeraError {
  return new LumeraError("SOURCE_FAILED", `${label} was cancelled`, { cause: reason });
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // Already exited.
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Reads `stream` fully, keeping at most `limit` bytes. Past the limit it either calls
 * `onOverflow` and stops (stdout), or keeps draining and discards (stderr), so the child never
 * blocks on a full pipe.
 */
async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  readers: ReadableStreamDefaultReader<Uint8Array>[],
  onOverflow?: () => void,
): Promise<Collected> {
  const reader = stream.getReader();
  readers.push(reader);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (overflow) continue;
      if (size + value.length > limit) {
        overflow = true;
        if (onOverflow) {
          onOverflow();
          break;
        }
        chunks.push(value.subarray(0, limit - size));
        size = limit;
        continue;
      }
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // Cancelled after a stop, or the pipe broke; what we have is all we use.
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return { bytes, overflow };
}

interface EnvelopeError {
  message?: string;
  code?: string;
  hint?: string;
}

/**
 * Finds a documented JSON error envelope in `text`: the whole text, or else the last line that
 * parses as one. Returns cleaned, bounded strings, or `undefined`.
 */
function findErrorEnvelope(text: string): EnvelopeError | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const whole = envelopeOf(tryParse(trimmed));
  if (whole) return whole;
  const lines = trimmed.split("\n");
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 50; i--) {
    const line = lines[i].trim();
    if (!line.startsWith("{")) continue;
    const found = envelopeOf(tryParse(line));
    if (found) return found;
  }
  return undefined;
}

function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function envelopeOf(v: unknown): EnvelopeError | undefined {
  if (!isObj(v)) return undefined;
  const e = v.error;
  if (typeof e === "string") return { message: cleanForMessage(e, MAX_TOOL_MESSAGE_CHARS) };
  if (!isObj(e)) return undefined;
  const message = strOf(e.message);
  if (message === undefined) return undefined;
  const out: EnvelopeError = { message: cleanForMessage(message, MAX_TOOL_MESSAGE_CHARS) };
  const code = typeof e.code === "number" ? String(e.code) : strOf(e.code) ?? strOf(e.kind);
  if (code !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) out.code = code;
  const hint = strOf(e.hint);
  if (hint !== undefined && hint.trim() !== "") {
    out.hint = cleanForMessage(hint, MAX_TOOL_MESSAGE_CHARS);
  }
  return out;
}
