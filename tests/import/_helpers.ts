/**
 * Helpers for the import tests: a copy of the agent fixtures in a throwaway directory (so tests
 * can grow, touch and link files), and a service over a throwaway home whose environment points
 * the agents' directories at that copy.
 *
 * @module
 */

import { join } from "node:path";
import { type LocalMemoryService, openMemoryService } from "../../src/service/memory_service.ts";
import { envOf, randomKeyHex } from "../helpers/home.ts";

/** tests/fixtures/agents, absolute, without a trailing slash. */
export const AGENT_FIXTURES = new URL("../fixtures/agents", import.meta.url).pathname;

/** The Claude Code ledger session (relative to the fixtures' root). */
export const LEDGER =
  "claude/projects/-home-dev-projects-ledger/7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c.jsonl";

/** The Claude Code session with a secret in a tool result. */
export const SECRET =
  "claude/projects/-home-dev-projects-billing-api/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a.jsonl";

/** The Codex rollout. */
export const ROLLOUT =
  "codex/sessions/2026/04/13/rollout-2026-04-13T10-00-00-0199b7d3-8c4f-7e21-a05f-3d2c1b0a9f8e.jsonl";

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    const a = join(from, e.name);
    const b = join(to, e.name);
    if (e.isDirectory) await copyDir(a, b);
    else if (e.isFile) await Deno.copyFile(a, b);
  }
}

/** A test world: the fixtures' copy, the service and its environment. */
export interface World {
  /** Root of the fixtures' copy (holds claude/, codex/, gemini/). */
  root: string;
  /** The data home. */
  home: string;
  /** The open service. */
  service: LocalMemoryService;
  /** The environment the service sees. */
  env: (name: string) => string | undefined;
  /** Absolute path of a fixture in the copy. */
  path(rel: string): string;
}

/** Runs `fn` in a fresh world and removes it afterwards. */
export async function withWorld(
  fn: (w: World) => Promise<void>,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "lumera-import-" });
  const root = join(base, "agents");
  const home = join(base, "home");
  await copyDir(AGENT_FIXTURES, root);
  const vars: Record<string, string> = {
    LUMERA_MEMORY_KEY: randomKeyHex(),
    CLAUDE_CONFIG_DIR: join(root, "claude"),
    CODEX_HOME: join(root, "codex"),
    GEMINI_CLI_HOME: join(root, "gemini"),
    ...extraEnv,
  };
  const env = envOf(vars);
  const service = await openMemoryService({ home, env });
  try {
    await fn({ root, home, service, env, path: (rel) => join(root, rel) });
  } finally {
    service.close();
    await Deno.remove(base, { recursive: true });
  }
}
