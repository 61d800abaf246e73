/**
 * A streaming JSONL reader with bounded memory: the file is read in chunks, split on `\n`, and
 * each line parsed on its own. Agents append to their transcripts while they run, so a reader
 * must expect damage and never let it stop a batch:
 *
 * - a line that is not JSON is counted as `malformed` and skipped;
 * - a line longer than {@link DEFAULT_MAX_LINE_BYTES} (or the caller's bound) is skipped without
 *   ever being held whole, and counted as `oversized`;
 * - a last line without its newline that does not parse is a `torn` write in progress: counted,
 *   skipped, never an error.
 *
 * Memory use is one chunk plus at most one line of the bound. Invalid UTF-8 decodes to U+FFFD.
 *
 * @module
 */

/** Default longest line kept, in bytes (32 MiB): larger lines are skipped and counted. */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Bytes read per chunk. */
const CHUNK_BYTES = 256 * 1024;

/** What a read saw, for the import summary. */
export interface JsonlStats {
  /** Bytes read. */
  bytes: number;
  /** Non-empty lines seen (parsed, malformed, oversized and torn together). */
  lines: number;
  /** Lines that were not JSON. */
  malformed: number;
  /** Lines longer than the bound, skipped unread. */
  oversized: number;
  /** True when the last line was cut off mid-write (no newline and not JSON). */
  torn: boolean;
}

/** A fresh, zeroed {@link JsonlStats}. */
export function emptyJsonlStats(): JsonlStats {
  return { bytes: 0, lines: 0, malformed: 0, oversized: 0, torn: false };
}

/** Options of {@link readJsonl}. */
export interface JsonlOptions {
  /** Longest line kept, in bytes (default {@link DEFAULT_MAX_LINE_BYTES}). */
  maxLineBytes?: number;
  /** Counters to update (default: a fresh object, not returned). */
  stats?: JsonlStats;
  /** Aborting stops the read between chunks. */
  signal?: AbortSignal;
}

/**
 * Reads `file` (an open file, read from its current position) as JSONL and yields the parsed
 * values in batches (one batch per chunk read), in file order. Never throws for the content;
 * read errors of the file itself propagate.
 */
export async function* readJsonl(
  file: Deno.FsFile,
  options: JsonlOptions = {},
): AsyncGenerator<unknown[]> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stats = options.stats ?? emptyJsonlStats();
  const decoder = new TextDecoder("utf-8", { ignoreBOM: false });
  const buf = new Uint8Array(CHUNK_BYTES);
  /** Pieces of the line in progress (copied out of `buf`). */
  let pieces: Uint8Array[] = [];
  let pendingBytes = 0;
  /** True while skipping the rest of an oversized line. */
  let skipping = false;

  const parse = (bytes: Uint8Array, out: unknown[], last: boolean): void => {
    let start = 0;
    let end = bytes.length;
    while (end > start && isSpace(bytes[end - 1])) end--;
    while (start < end && isSpace(bytes[start])) start++;
    if (start >= end) return;
    stats.lines++;
    try {
      // The decoder drops a UTF-8 byte order mark at the start of what it decodes.
      out.push(JSON.parse(decoder.decode(bytes.subarray(start, end))));
    } catch {
      if (last) stats.torn = true;
      else stats.malformed++;
    }
  };

  while (true) {
    options.signal?.throwIfAborted();
    const n = await file.read(buf);
    if (n === null) break;
    stats.bytes += n;
    const view = buf.subarray(0, n);
    const out: unknown[] = [];
    let pos = 0;
    while (pos < n) {
      const nl = view.indexOf(10, pos);
      const end = nl === -1 ? n : nl;
      const len = end - pos;
      if (!skipping && pendingBytes + len > max) {
        skipping = true;
        pieces = [];
        pendingBytes = 0;
      }
      if (nl === -1) {
        // The line continues in the next chunk.
        if (!skipping) {
          pieces.push(view.slice(pos, end));
          pendingBytes += len;
        }
        break;
      }
      if (skipping) {
        stats.lines++;
        stats.oversized++;
        skipping = false;
      } else if (pieces.length === 0) {
        parse(view.subarray(pos, end), out, false);
      } else {
        pieces.push(view.slice(pos, end));
        parse(concat(pieces, pendingBytes + len), out, false);
        pieces = [];
        pendingBytes = 0;
      }
      pos = nl + 1;
    }
    if (out.length > 0) yield out;
  }
  if (skipping) {
    stats.lines++;
    stats.oversized++;
  } else if (pieces.length > 0) {
    const out: unknown[] = [];
    parse(concat(pieces, pendingBytes), out, true);
    if (out.length > 0) yield out;
  }
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}

function concat(pieces: Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
