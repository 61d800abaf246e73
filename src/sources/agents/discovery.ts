/**
 * Where the agents keep their sessions, and finding the transcript files there.
 *
 * | agent       | directory                                              | files                        |
 * | ----------- | ------------------------------------------------------ | ---------------------------- |
 * | claude-code | `$CLAUDE_CONFIG_DIR/projects` (default `~/.claude`)    | `<slug>/<uuid>.jsonl`        |
 * | codex       | `$CODEX_HOME/sessions`, `…/archived_sessions` (`~/.codex`) | `YYYY/MM/DD/rollout-*.jsonl` |
 * | gemini      | `$GEMINI_CLI_HOME/.gemini/tmp` (default `~/.gemini/tmp`) | `<project>/chats/session-*.json[l]` |
 *
 * Subagent transcripts (Claude Code's `subagents/` and `agent-*.jsonl`, Gemini's per-session
 * subfolders) are left out: they are part of their parent session's work. Symbolic links are not
 * followed.
 *
 * @module
 */

import { basename, join } from "node:path";
import { readEnv } from "../../config/home.ts";
import { AGENT_IDS, type AgentId } from "./mapping.ts";

/** One directory an agent writes sessions to. */
export interface SessionDir {
  /** The agent. */
  agent: AgentId;
  /** The directory. */
  path: string;
}

/** One transcript file found. */
export interface FoundTranscript {
  /** The agent that wrote it, when the place or name says so. */
  agent?: AgentId;
  /** Its path. */
  path: string;
}

/** The user's home directory (`HOME`, else `USERPROFILE` on Windows), if known. */
export function userHome(env: (name: string) => string | undefined = readEnv): string | undefined {
  return env("HOME") ?? env("USERPROFILE");
}

/** The agents' session directories, honouring `CLAUDE_CONFIG_DIR`, `CODEX_HOME`, `GEMINI_CLI_HOME`. */
export function agentSessionDirs(
  env: (name: string) => string | undefined = readEnv,
  agents: readonly AgentId[] = AGENT_IDS,
): SessionDir[] {
  const home = userHome(env);
  const out: SessionDir[] = [];
  for (const agent of agents) {
    if (agent === "claude-code") {
      const base = env("CLAUDE_CONFIG_DIR") ?? (home && join(home, ".claude"));
      if (base) out.push({ agent, path: join(base, "projects") });
    } else if (agent === "codex") {
      const base = env("CODEX_HOME") ?? (home && join(home, ".codex"));
      if (base) {
        out.push({ agent, path: join(base, "sessions") });
        out.push({ agent, path: join(base, "archived_sessions") });
      }
    } else {
      const base = env("GEMINI_CLI_HOME") ?? home;
      if (base) out.push({ agent, path: join(base, ".gemini", "tmp") });
    }
  }
  return out;
}

/** Lists a directory, or nothing when it is missing or unreadable. */
async function entries(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw err;
    }
    return [];
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The transcripts in one agent session directory, following that agent's layout. */
export async function* findInSessionDir(dir: SessionDir): AsyncGenerator<FoundTranscript> {
  const { agent, path } = dir;
  if (agent === "claude-code") {
    for (const project of await entries(path)) {
      if (!project.isDirectory) continue;
      for (const f of await entries(join(path, project.name))) {
        if (f.isFile && f.name.endsWith(".jsonl") && !f.name.startsWith("agent-")) {
          yield { agent, path: join(path, project.name, f.name) };
        }
      }
    }
  } else if (agent === "codex") {
    yield* walk(path, 4, (name) => /^rollout-.*\.jsonl$/.test(name), agent);
  } else {
    for (const project of await entries(path)) {
      if (!project.isDirectory) continue;
      const chats = join(path, project.name, "chats");
      for (const f of await entries(chats)) {
        if (f.isFile && /^session-.*\.jsonl?$/.test(f.name)) {
          yield { agent, path: join(chats, f.name) };
        }
      }
    }
  }
}

/**
 * The transcripts under any directory (`import --path`): `*.jsonl` files and Gemini
 * `session-*.json` documents, at most eight levels deep, without subagent folders.
 */
export async function* findUnder(root: string, agent?: AgentId): AsyncGenerator<FoundTranscript> {
  yield* walk(
    root,
    8,
    (name) =>
      name.endsWith(".jsonl") && !name.startsWith("agent-") || /^session-.*\.json$/.test(name),
    agent,
  );
}

async function* walk(
  dir: string,
  depth: number,
  match: (name: string) => boolean,
  agent: AgentId | undefined,
): AsyncGenerator<FoundTranscript> {
  for (const e of await entries(dir)) {
    const p = join(dir, e.name);
    if (e.isFile && match(e.name)) yield agent === undefined ? { path: p } : { agent, path: p };
    else if (e.isDirectory && depth > 1 && e.name !== "subagents") {
      yield* walk(p, depth - 1, match, agent);
    }
  }
}

/** True when `name` is a transcript file name one of the agents writes. */
export function isTranscriptName(name: string): boolean {
  return name.endsWith(".jsonl") || /^session-.*\.json$/.test(basename(name));
}
