/**
 * Bundled example memories: realistic sessions and notes across agents (Claude Code, Codex,
 * Gemini CLI, cm, an MCP note), for demos, `--example` style commands and tests. They are
 * imported as JSON modules so `deno compile` embeds them in the binary, and they are written to
 * pass the secret scanner: no emails, tokens, credentials in URLs, or long random strings.
 *
 * They are never used as a fallback when a real source (cm, cass) is unavailable.
 *
 * @module
 */

import { type MemoryRecord, normalizeRecord } from "../record/schema.ts";
import claudeCodeLoginRace from "./examples/claude-code-login-race.json" with { type: "json" };
import codexFlakyPytest from "./examples/codex-flaky-pytest.json" with { type: "json" };
import geminiDbMigration from "./examples/gemini-db-migration.json" with { type: "json" };
import cmRateLimiterContext from "./examples/cm-rate-limiter-context.json" with { type: "json" };
import noteRateLimiterDecision from "./examples/note-rate-limiter-decision.json" with {
  type: "json",
};

const RAW: readonly unknown[] = [
  claudeCodeLoginRace,
  codexFlakyPytest,
  geminiDbMigration,
  cmRateLimiterContext,
  noteRateLimiterDecision,
];

/**
 * The bundled example records, normalized. Each call returns fresh objects, so callers may
 * modify them (e.g. add tags) without affecting later calls.
 */
export function exampleRecords(): MemoryRecord[] {
  return RAW.map((r) => normalizeRecord(structuredClone(r)));
}
