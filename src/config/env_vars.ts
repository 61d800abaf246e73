/**
 * Every environment variable the program reads. The permission flags (`--allow-env=…`) in
 * `deno.json`'s tasks, the release workflow and the tests are built from this one list; a test
 * keeps them in sync.
 *
 * @module
 */

/** Environment variables lumera-memory reads, and nothing else. */
export const ENV_VARS: readonly string[] = [
  "LUMERA_MEMORY_HOME",
  "LUMERA_MEMORY_KEY",
  "LUMERA_MEMORY_KEY_FILE",
  "LUMERA_MEMORY_PASSPHRASE",
  "LUMERA_MEMORY_DEBUG",
  "LUMERA_MEMORY_TRANSCRIPT_DIRS",
  "XDG_DATA_HOME",
  "HOME",
  "USERPROFILE",
  "APPDATA",
  "CLAUDE_CONFIG_DIR",
  "CODEX_HOME",
  "GEMINI_CLI_HOME",
  "NO_COLOR",
  "LUMERA_MEMORY_MNEMONIC",
  "LUMERA_MEMORY_MNEMONIC_FILE",
];
