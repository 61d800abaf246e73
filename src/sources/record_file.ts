/**
 * Reads a canonical record from a JSON file or from text (stdin). The input is untrusted: it is
 * size-capped, parsed, and normalized default-deny by `normalizeRecord` (unknown fields are
 * dropped). Error messages name the file and the position of a JSON syntax error, never the
 * file's contents.
 *
 * @module
 */

import { basename } from "node:path";
import { LumeraError } from "../errors.ts";
import { MAX_INPUT_BYTES, MAX_SHORT_TEXT } from "../record/limits.ts";
import { type MemoryRecord, normalizeRecord, type RecordSource } from "../record/schema.ts";
import { isObj, truncate } from "./text.ts";

const RECORD_HINT = "the record format is documented in the README (Record format section)";

/**
 * Reads the record JSON file at `path`, normalizes it, and sets
 * `source: {kind: "file", ref: <file name>}` (any `source` in the file is replaced).
 *
 * Throws `NOT_FOUND` (no such file), `TOO_LARGE` (over {@link MAX_INPUT_BYTES}), or
 * `INVALID_RECORD` (a directory, not UTF-8, malformed JSON with line and column, or a schema
 * violation). Permission denials are rethrown unchanged.
 */
export async function readRecordFile(path: string): Promise<MemoryRecord> {
  if (typeof path !== "string" || path.trim() === "" || path.includes("\0")) {
    throw new LumeraError("USAGE", "a record file path is required");
  }
  const name = basename(path) || path;
  const bytes = await readCapped(path);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new LumeraError("INVALID_RECORD", `record file ${name} is not valid UTF-8 text`, {
      hint: "save the record as UTF-8 JSON",
    });
  }
  return parseRecordJson(text, `record file ${name}`, {
    kind: "file",
    ref: truncate(name, MAX_SHORT_TEXT),
  });
}

/**
 * Parses record JSON `text` (e.g. read from stdin) and normalizes it. `label` names the input in
 * error messages (`stdin`, `record file a.json`). `source` replaces any `source` in the text
 * (default `{kind: "stdin"}`): provenance is what we observed, not what the input claims.
 *
 * Throws `TOO_LARGE` or `INVALID_RECORD`; a JSON syntax error reports its line and column.
 */
export function parseRecordJson(
  text: string,
  label: string,
  source: RecordSource = { kind: "stdin" },
): MemoryRecord {
  if (text.length > MAX_INPUT_BYTES) {
    throw new LumeraError("TOO_LARGE", `${label} is larger than ${MAX_INPUT_BYTES} bytes`, {
      hint: "store a smaller record, e.g. split a long session into parts",
    });
  }
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // The engine's message can quote the input; report our own position instead.
    throw new LumeraError("INVALID_RECORD", `${label}: ${describeJsonError(json)}`, {
      hint: `fix the JSON syntax; ${RECORD_HINT}`,
    });
  }
  if (!isObj(value)) {
    throw new LumeraError("INVALID_RECORD", `${label}: the record must be a JSON object`, {
      hint: RECORD_HINT,
    });
  }
  try {
    return normalizeRecord({ ...value, source });
  } catch (err) {
    if (err instanceof LumeraError) {
      throw new LumeraError(err.code, `${label}: ${err.message}`, {
        hint: err.hint,
        details: err.details,
        cause: err,
      });
    }
    throw err;
  }
}

/** Reads at most MAX_INPUT_BYTES (+1 to detect overflow) from `path`. */
async function readCapped(path: string): Promise<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LumeraError("NOT_FOUND", `record file not found: ${path}`, {
        hint: "check the path; it is resolved relative to the current directory",
        cause: err,
      });
    }
    if (err instanceof Deno.errors.IsADirectory) throw notAFile(path);
    throw err;
  }
  try {
    const info = await file.stat();
    if (info.isDirectory) throw notAFile(path);
    if (info.size > MAX_INPUT_BYTES) throw tooLarge(path);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      const n = await file.read(buf);
      if (n === null) break;
      size += n;
      if (size > MAX_INPUT_BYTES) throw tooLarge(path);
      chunks.push(buf.slice(0, n));
    }
    const out = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  } finally {
    file.close();
  }
}

function notAFile(path: string): LumeraError {
  return new LumeraError("INVALID_RECORD", `${path} is a directory, not a record file`, {
    hint: "pass the path of a record JSON file",
  });
}

function tooLarge(path: string): LumeraError {
  return new LumeraError(
    "TOO_LARGE",
    `record file ${path} is larger than ${MAX_INPUT_BYTES} bytes (64 MiB)`,
    { hint: "store a smaller record, e.g. split a long session into parts" },
  );
}

/** A content-free description of why `text` is not valid JSON, with line and column. */
function describeJsonError(text: string): string {
  if (text.trim() === "") return "is empty (expected a JSON object)";
  const offset = jsonErrorOffset(text);
  if (offset < 0) return "is not valid JSON";
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const where = `line ${line}, column ${offset - lineStart + 1}`;
  return offset >= text.length
    ? `malformed JSON: unexpected end of input at ${where} (is the file truncated?)`
    : `malformed JSON at ${where}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * Offset of the first JSON syntax error in `t` (`t.length` for a premature end), or -1 when
 * the text is valid. Iterative, so deeply nested input cannot overflow the stack.
 */
export function jsonErrorOffset(t: string): number {
  const n = t.length;
  const stack: number[] = []; // 0x7b `{` or 0x5b `[`
  let i = 0;
  let state: "value" | "key" | "after" = "value";
  const ws = () => {
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(t)) return false;
        i = ESCAPE.lastIndex;
        continue;
      }
      if (c < 0x20) return false;
      i++;
    }
    return false;
  };
  while (true) {
    ws();
    if (state === "value") {
      if (i >= n) return n;
      const c = t.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        i++;
        ws();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (t.charCodeAt(i) === close) {
          i++;
          state = "after";
        } else {
          stack.push(c);
          state = c === 0x7b ? "key" : "value";
        }
      } else if (c === 0x22) {
        if (!string()) return Math.min(i, n);
        state = "after";
      } else {
        NUMBER.lastIndex = i;
        if (NUMBER.test(t)) i = NUMBER.lastIndex;
        else if (t.startsWith("true", i)) i += 4;
        else if (t.startsWith("false", i)) i += 5;
        else if (t.startsWith("null", i)) i += 4;
        else return i;
        state = "after";
      }
    } else if (state === "key") {
      if (i >= n) return n;
      if (t.charCodeAt(i) !== 0x22 || !string()) return Math.min(i, n);
      ws();
      if (i >= n) return n;
      if (t.charCodeAt(i) !== 0x3a) return i;
      i++;
      state = "value";
    } else {
      if (stack.length === 0) return i < n ? i : -1;
      if (i >= n) return n;
      const c = t.charCodeAt(i);
      const top = stack[stack.length - 1];
      if (c === 0x2c) {
        i++;
        state = top === 0x7b ? "key" : "value";
      } else if ((top === 0x7b && c === 0x7d) || (top === 0x5b && c === 0x5d)) {
        i++;
        stack.pop();
      } else {
        return i;
      }
    }
  }
}
