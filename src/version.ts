/**
 * The program's version (kept equal to `deno.json`'s `version`; a test checks it).
 *
 * @module
 */

/** The lumera-memory version. */
export const VERSION = "0.1.0";
