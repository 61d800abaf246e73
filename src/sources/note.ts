/**
 * Notes: the everyday way an agent saves a learning ("the flaky test was a shared temp dir").
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import { type MemoryRecord, normalizeRecord } from "../record/schema.ts";
import { compactIso, isObj } from "./text.ts";

/** A note as an agent or a user writes it. */
export interface NoteInput {
  /** A short title; also the record's summary. */
  title: string;
  /** The note text. */
  text: string;
  /** The workspace (project directory) it belongs to. */
  workspace?: string;
  /** Tags, normalized by the schema (lowercase, unique, sorted). */
  tags?: string[];
}

/**
 * Builds a `note` record: `summary` and `title` are the title, `body` is the text,
 * `session_id` is `note-<UTC time, compact>-<8 random hex>` (unique, sortable by time, and free
 * of any content hash). `toolName` (default `mcp`) is who wrote it; the provenance is
 * `source: {kind: "mcp"}` when it is `mcp`, and absent otherwise.
 *
 * Throws `INVALID_RECORD` when the title or text is missing or blank, or when any field breaks
 * the schema's limits.
 */
export function noteToRecord(
  note: NoteInput,
  now: Date = new Date(),
  toolName = "mcp",
): MemoryRecord {
  if (!isObj(note)) invalid("a note must be an object with a title and a text");
  if (typeof note.title !== "string" || note.title.trim() === "") {
    invalid("note title must be a non-empty string");
  }
  if (typeof note.text !== "string" || note.text.trim() === "") {
    invalid("note text must be a non-empty string");
  }
  if (Number.isNaN(now.getTime())) invalid("note time is not a valid date");
  const timestamp = now.toISOString();
  const random = Array.from(
    crypto.getRandomValues(new Uint8Array(4)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const title = note.title.trim();
  const record: Record<string, unknown> = {
    schema_version: 1,
    kind: "note",
    session_id: `note-${compactIso(timestamp)}-${random}`,
    timestamp,
    tool_name: toolName,
    success: true,
    summary: title,
    title,
    body: note.text,
    tags: note.tags ?? [],
  };
  if (note.workspace !== undefined && note.workspace !== "") record.workspace = note.workspace;
  if (toolName === "mcp") record.source = { kind: "mcp" };
  return normalizeRecord(record);
}

function invalid(message: string): never {
  throw new LumeraError("INVALID_RECORD", message, {
    hint: "give the note a short title and the text to remember",
  });
}
