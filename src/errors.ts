/**
 * Typed errors with stable codes. Every failure that reaches a user (CLI or MCP) is a
 * {@link LumeraError}; anything else is an internal bug and is reported as `INTERNAL`
 * without its stack or message details.
 *
 * Messages must never contain a secret or key material.
 *
 * @module
 */

/** Stable, machine-readable error codes. Never rename one: agents and scripts match on them. */
export type ErrorCode =
  | "USAGE"
  | "INVALID_RECORD"
  | "INVALID_POINTER"
  | "TOO_LARGE"
  | "SECRET_REFUSED"
  | "KEY_MISSING"
  | "KEY_INVALID"
  | "WRONG_KEY"
  | "NOT_FOUND"
  | "INTEGRITY"
  | "SOURCE_UNAVAILABLE"
  | "SOURCE_FAILED"
  | "PERMISSION"
  | "FORGOTTEN"
  | "REMOTE_UNAVAILABLE"
  | "REMOTE_REJECTED"
  | "INTERNAL";

/** Process exit codes, one per family of failure (documented in the README). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  secretRefused: 3,
  key: 4,
  notFound: 5,
  integrity: 6,
  remote: 7,
} as const;

/** The exit code for each error code. */
export const EXIT_CODE_FOR: Readonly<Record<ErrorCode, number>> = {
  USAGE: ExitCode.usage,
  INVALID_RECORD: ExitCode.usage,
  INVALID_POINTER: ExitCode.usage,
  TOO_LARGE: ExitCode.usage,
  SECRET_REFUSED: ExitCode.secretRefused,
  KEY_MISSING: ExitCode.key,
  KEY_INVALID: ExitCode.key,
  WRONG_KEY: ExitCode.key,
  NOT_FOUND: ExitCode.notFound,
  INTEGRITY: ExitCode.integrity,
  SOURCE_UNAVAILABLE: ExitCode.internal,
  SOURCE_FAILED: ExitCode.internal,
  PERMISSION: ExitCode.usage,
  FORGOTTEN: ExitCode.usage,
  REMOTE_UNAVAILABLE: ExitCode.remote,
  REMOTE_REJECTED: ExitCode.remote,
  INTERNAL: ExitCode.internal,
};

/** Options for {@link LumeraError}. */
export interface LumeraErrorOptions {
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** Structured, secret-free details (e.g. scan findings) for `--json` and MCP output. */
  details?: unknown;
  /** The underlying error, kept for debugging; never rendered to users. */
  cause?: unknown;
}

/** The one error type every module throws for expected failures. */
export class LumeraError extends Error {
  /** Stable error code. */
  readonly code: ErrorCode;
  /** What the user can do about it. */
  readonly hint?: string;
  /** Structured, secret-free details. */
  readonly details?: unknown;

  /** Creates an error with a stable code and a user-facing, secret-free message. */
  constructor(code: ErrorCode, message: string, options: LumeraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LumeraError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** The process exit code for this error. */
  get exitCode(): number {
    return EXIT_CODE_FOR[this.code];
  }
}

/**
 * Turns any thrown value into a {@link LumeraError}. Unknown errors become `INTERNAL` with a
 * generic message: their text may contain paths or data we do not control, so it is not shown.
 * Deno permission denials become `PERMISSION` with a hint.
 */
export function toLumeraError(err: unknown): LumeraError {
  if (err instanceof LumeraError) return err;
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return new LumeraError(
      "PERMISSION",
      "the runtime's permissions do not allow this operation",
      {
        hint:
          "run with the permission flags documented in the README, or point LUMERA_MEMORY_HOME at an allowed directory",
        cause: err,
      },
    );
  }
  return new LumeraError("INTERNAL", "internal error", {
    hint: "this is a bug in lumera-memory; re-run with LUMERA_MEMORY_DEBUG=1 to see details",
    cause: err,
  });
}

/** A JSON-safe view of an error for `--json` output and MCP results. */
export function errorToJson(
  err: LumeraError,
): { code: ErrorCode; message: string; hint?: string; details?: unknown } {
  const out: { code: ErrorCode; message: string; hint?: string; details?: unknown } = {
    code: err.code,
    message: err.message,
  };
  if (err.hint !== undefined) out.hint = err.hint;
  if (err.details !== undefined) out.details = err.details;
  return out;
}
