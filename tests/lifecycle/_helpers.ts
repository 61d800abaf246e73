/**
 * Helpers for lifecycle tests: a home with a key file and some memories.
 *
 * @module
 */

import { generateMasterKey } from "../../src/crypto/keys.ts";
import { keysDir, writeKeyFile } from "../../src/crypto/key_file.ts";
import { LumeraError } from "../../src/errors.ts";
import { type LocalMemoryService, openMemoryService } from "../../src/service/memory_service.ts";
import { envOf, tempHome } from "../helpers/home.ts";

/** The error code of a rejection, for assertions. */
export function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

/** A record for test `i`. */
export function record(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    session_id: `life-${i}`,
    timestamp: new Date(Date.UTC(2026, 0, 1 + (i % 300))).toISOString(),
    tool_name: i % 2 ? "claude-code" : "codex",
    success: true,
    summary: `lifecycle memory number ${i} about caching`,
    tags: [`t${i % 5}`],
    workspace: `/w/${i % 3}`,
    messages: [{ role: "user", text: `message body ${i}` }],
    ...extra,
  };
}

/** Opens the service of a home using its key files (no environment key). */
export function open(home: string): Promise<LocalMemoryService> {
  return openMemoryService({ home, env: envOf({}) });
}

/** Runs `fn` with a fresh home that has one key file (created at `createdAt`). */
export async function withKeyedHome(
  fn: (home: string) => Promise<void>,
  createdAt = "2026-01-01T00:00:00.000Z",
): Promise<void> {
  const home = await tempHome();
  try {
    await writeKeyFile(keysDir(home), generateMasterKey(), { masterCreatedAt: createdAt });
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Stores `n` test records; returns their pointers in order. */
export async function fill(home: string, n: number): Promise<string[]> {
  const s = await open(home);
  try {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      out.push((await s.store({ kind: "record", record: record(i) })).pointer);
    }
    return out;
  } finally {
    s.close();
  }
}
