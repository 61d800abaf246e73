/**
 * Source readers: everything that turns outside input (a record file or stdin, `cm context`,
 * `cass export`, a note, the bundled examples) into a canonical {@link MemoryRecord}.
 *
 * @module
 */

export type { MemoryRecord } from "../record/schema.ts";
export {
  DEFAULT_SOURCE_TIMEOUT_MS,
  runSourceCommand,
  type RunSourceOptions,
  type SourceCommand,
} from "./run_command.ts";
export { jsonErrorOffset, parseRecordJson, readRecordFile } from "./record_file.ts";
export {
  type CmContextOptions,
  cmContextToRecord,
  MAX_CM_ITEMS_PER_LIST,
  MAX_CM_TASK_CHARS,
  recordFromCmContext,
} from "./cm_context.ts";
export {
  type CassAgent,
  type CassExportOptions,
  cassExportToRecord,
  MAX_TITLE_CHARS,
  MAX_TOOL_INPUT_SUMMARY,
  MAX_TOOL_RESULT_CHARS,
  recordFromCassExport,
  summarizeToolInput,
} from "./cass_export.ts";
export { type NoteInput, noteToRecord } from "./note.ts";
export { exampleRecords } from "./examples.ts";
