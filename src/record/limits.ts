/**
 * Documented size limits. They bound memory use, index size and what a single request can ask of
 * the store. Changing one is a user-visible change: update the README's "Limits" section too.
 *
 * @module
 */

/** Maximum size of one canonical record, serialized as JSON (UTF-8 bytes): 8 MiB. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** Maximum size of raw input read from a file, stdin or a source command: 64 MiB. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Maximum number of messages in one record. */
export const MAX_MESSAGES = 20_000;

/** Maximum number of tags on one record. */
export const MAX_TAGS = 32;

/** Maximum length of one tag, in characters, after normalization. */
export const MAX_TAG_LENGTH = 64;

/** Maximum length of short text fields (ids, agent names, titles, workspace paths). */
export const MAX_SHORT_TEXT = 1024;

/** Maximum length of the summary field, in characters. */
export const MAX_SUMMARY_CHARS = 16 * 1024;

/** Maximum number of results one query may return. */
export const MAX_QUERY_LIMIT = 100;

/** Default number of results of a query. */
export const DEFAULT_QUERY_LIMIT = 10;

/** Maximum length of a query string, in characters. */
export const MAX_QUERY_CHARS = 1000;
