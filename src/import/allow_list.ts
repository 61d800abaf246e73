/**
 * Which transcript files an agent may ask the MCP server to archive: only files inside the
 * agents' own session directories (see `agentSessionDirs`) or inside a directory the user listed
 * in `LUMERA_MEMORY_TRANSCRIPT_DIRS` (separated by `:`, `;` on Windows). Paths are compared after
 * resolving symbolic links and `..`, so a link or a relative path cannot reach outside.
 *
 * The CLI's `import --file` is not limited: whoever runs it can read the file anyway.
 *
 * @module
 */

import { sep as SEPARATOR } from "node:path";
import { readEnv } from "../config/home.ts";
import { LumeraError } from "../errors.ts";
import { agentSessionDirs, isTranscriptName } from "../sources/agents/discovery.ts";

/** The variable listing extra directories whose transcripts MCP clients may archive. */
export const TRANSCRIPT_DIRS_ENV = "LUMERA_MEMORY_TRANSCRIPT_DIRS";

/** Longest transcript path accepted. */
const MAX_PATH_CHARS = 4096;

/** The allowed directories: the agents' session directories and the configured ones. */
export function allowedTranscriptDirs(
  env: (name: string) => string | undefined = readEnv,
): string[] {
  const dirs = agentSessionDirs(env).map((d) => d.path);
  const extra = env(TRANSCRIPT_DIRS_ENV);
  if (extra) {
    const sep = Deno.build.os === "windows" ? ";" : ":";
    for (const d of extra.split(sep)) if (d.trim() !== "") dirs.push(d.trim());
  }
  return dirs;
}

async function real(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Resolves `path` and checks it is a transcript file inside an allowed directory. Returns the
 * resolved path. Throws `USAGE` (empty, too long, control characters, not a transcript name),
 * `NOT_FOUND`, or `PERMISSION` (outside every allowed directory).
 */
export async function checkTranscriptPath(
  path: string,
  env: (name: string) => string | undefined = readEnv,
): Promise<string> {
  // deno-lint-ignore no-control-regex -- rejecting control characters is the point
  if (path.trim() === "" || path.length > MAX_PATH_CHARS || /[\u0000-\u001f]/.test(path)) {
    throw new LumeraError("USAGE", "the transcript path is empty, too long or malformed", {
      hint: "pass the absolute path of a session file, e.g. the hook's transcript_path",
    });
  }
  if (!isTranscriptName(path)) {
    throw new LumeraError(
      "USAGE",
      "the transcript must be a .jsonl file or a Gemini session-*.json",
      {
        hint: "pass the path of an agent's session file",
      },
    );
  }
  const resolved = await real(path);
  if (resolved === undefined) {
    throw new LumeraError("NOT_FOUND", `transcript not found: ${path}`, {
      hint: "check the path; relative paths are resolved from the server's working directory",
    });
  }
  for (const dir of allowedTranscriptDirs(env)) {
    const root = await real(dir);
    if (root === undefined) continue;
    const prefix = root.endsWith(SEPARATOR) ? root : root + SEPARATOR;
    if (resolved.startsWith(prefix)) return resolved;
  }
  throw new LumeraError(
    "PERMISSION",
    "the transcript is outside the agents' session directories, so it is not archived",
    {
      hint:
        `only files under ~/.claude/projects, ~/.codex/sessions, ~/.gemini/tmp (or CLAUDE_CONFIG_DIR, CODEX_HOME, GEMINI_CLI_HOME) are accepted; list other directories in ${TRANSCRIPT_DIRS_ENV}`,
    },
  );
}
