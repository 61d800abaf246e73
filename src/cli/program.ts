/**
 * The CLI's command tree (commander). Each command's module is imported when that command runs,
 * so a command loads only what it uses.
 *
 * @module
 */

import { Command, InvalidArgumentError, Option } from "commander";
import { VERSION } from "../version.ts";
import type { CliContext } from "./context.ts";
import { logLine } from "../log.ts";
import { writeStdout } from "./output.ts";

export { CommanderError } from "commander";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be from ${min} to ${max}`);
    }
    return n;
  };
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${name} must be a number of 0 or more`);
    }
    return n;
  };
}

const EXIT_CODES_HELP = `
Exit codes: 0 ok, 1 internal, 2 usage, 3 refused (secret found), 4 key problem,
5 not found, 6 integrity failure, 7 remote unavailable or refused.`;

/** Builds the command tree. `setExit` receives each command's outcome (its exit code). */
export function buildProgram(
  setExit: (code: number) => void,
  ctxOf: (cmd: Command) => CliContext,
): Command {
  const program = new Command("lumera-memory")
    .description(
      "Encrypted, secret-refusing memory for coding agents: archive sessions and notes, search them locally.",
    )
    .version(VERSION, "-V, --version")
    .option("--home <dir>", "data home (default: $LUMERA_MEMORY_HOME or the platform data dir)")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => writeStdout(s),
      writeErr: (s) => logLine(s.trimEnd()),
    });

  const json = () => new Option("--json", "machine-readable JSON on stdout");
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number> | number) => async (...args: A) =>
      setExit(await fn(...args));

  program.command("init")
    .description("create the data home and a key file (0600); explains how to back it up")
    .option(
      "--passphrase",
      "seal the key under a passphrase (LUMERA_MEMORY_PASSPHRASE or a prompt)",
    )
    .addOption(json())
    .action(
      act(async (o: { passphrase?: boolean }, cmd: Command) =>
        (await import("./commands/init.ts")).initCommand(ctxOf(cmd), o)
      ),
    );

  program.command("store")
    .description("scan, encrypt and store one session or record (refused if it carries a secret)")
    .option("--file <path>", "a record JSON file (`-` for stdin)")
    .option("--cm-task <task>", 'store a `cm context "<task>" --json` snapshot')
    .option("--cass <path>", "store a session via `cass export <path> --format json`")
    .option("--workspace <dir>", "workspace for --cm-task")
    .option("--tag <tag>", "add a tag (repeatable)", collect)
    .option("--ttl <duration>", "forget it automatically after this long (e.g. 30d; see prune)")
    .option("--force", "store even if this content or session was forgotten before")
    .option(
      "--redact <selector>",
      "redact instead of refusing: a rule id, email/phone/card, pii or secret (repeatable)",
      collect,
    )
    .option(
      "--allow <selector>",
      "let personal data through: a rule id, email/phone/card or pii (repeatable)",
      collect,
    )
    .option(
      "--allow-fingerprint <hex>",
      "let one known value through, by its fingerprint (repeatable)",
      collect,
    )
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/store.ts")).storeCommand(ctxOf(cmd), o)
      ),
    );

  program.command("query")
    .description("search stored memories in the local index (full text, tags, time, agent)")
    .argument("[words...]", "free text; quotes and operators are treated as plain words")
    .option("--tag <tag>", "require an exact tag (repeatable)", collect)
    .option("--agent <name>", "only memories from this agent/tool (e.g. claude-code, cm)")
    .option("--workspace <dir>", "only memories of this workspace")
    .addOption(
      new Option("--kind <kind>", "only this kind").choices(["session", "note", "context"]),
    )
    .option("--since <date>", "only memories at or after this ISO date/time")
    .option("--until <date>", "only memories before this ISO date/time")
    .option("--limit <n>", "results per page (1-100, default 10)", wholeNumber("--limit", 1, 100))
    .option("--cursor <cursor>", "the next page, from a previous result")
    .option("--branch <name>", "only sessions recorded on this git branch")
    .option("--all-workspaces", "search every workspace (default: the current one, when known)")
    .option("--all-versions", "also older versions of sessions imported again after they grew")
    .option("--rank-all", "rank every match, not only the newest 250 (slower on a large store)")
    .addOption(json())
    .action(
      act(async (words: string[], o, cmd: Command) =>
        (await import("./commands/query.ts")).queryCommand(ctxOf(cmd), words, o)
      ),
    );

  program.command("import")
    .description(
      "archive the agents' own sessions (Claude Code, Codex, Gemini CLI): incremental, scanned, encrypted",
    )
    .addOption(
      new Option("--agent <agent>", "which agent's sessions").choices([
        "claude-code",
        "codex",
        "gemini",
        "all",
      ]),
    )
    .option("--path <dir>", "read this directory (or file) instead of the agents' own")
    .option("--file <transcript>", "import this transcript file (repeatable)", collect)
    .option("--hook", "read a Claude Code / Codex hook's JSON on stdin (transcript_path); exit 0")
    .option("--since <date>", "only files modified at or after this ISO date/time")
    .option("--dry-run", "read and scan, store nothing")
    .option("--full", "read every file again, even unchanged ones")
    .option("--tag <tag>", "add a tag to every session (repeatable)", collect)
    .option("--cm-playbook", "import your cm rules (`cm playbook export`), one note per rule")
    .option("--cass", "import every session the cass tool knows (Cursor, Aider, Cline… too)")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/import.ts")).importCommand(ctxOf(cmd), o)
      ),
    );

  program.command("sessions")
    .description("list archived sessions, newest first (one entry per session, its newest version)")
    .option("--agent <name>", "only this agent (claude-code, codex, gemini…)")
    .option("--workspace <dir>", "only this workspace")
    .option("--branch <name>", "only this git branch")
    .option("--since <date>", "only sessions active at or after this ISO date/time")
    .option("--until <date>", "only sessions started before this ISO date/time")
    .option("--limit <n>", "sessions per page (1-100, default 20)", wholeNumber("--limit", 1, 100))
    .option("--cursor <cursor>", "the next page, from a previous result")
    .option("--all-workspaces", "every workspace (default: the current one, when known)")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/import.ts")).sessionsCommand(ctxOf(cmd), o)
      ),
    );

  program.command("retrieve")
    .description("fetch one memory, check its hash and authentication, and print it")
    .argument("<pointer>", "cascade://<64 hex>, as printed by store or query")
    .option("--messages <range>", "only messages FROM:TO (0-based, TO exclusive), e.g. 0:20")
    .addOption(json())
    .action(
      act(async (pointer: string, o: { messages?: string }, cmd: Command) =>
        (await import("./commands/retrieve.ts")).retrieveCommand(ctxOf(cmd), pointer, o.messages)
      ),
    );

  program.command("estimate")
    .description("one-time Lumera Cascade fee for storing a number of bytes")
    .requiredOption("--bytes <n>", "bytes to store", wholeNumber("--bytes", 0, 2 ** 40))
    .option(
      "--redundancy <n>",
      "accepted for compatibility; Cascade does not bill per copy",
      positiveNumber("--redundancy"),
    )
    .option(
      "--lume-price <price>",
      "price of 1 LUME, for a fiat figure",
      positiveNumber("--lume-price"),
    )
    .option("--currency <code>", "currency of --lume-price", "USD")
    .option(
      "--memories <n>",
      "the bytes are this many memories: compare one upload each with batched segments",
      wholeNumber("--memories", 1, 1_000_000),
    )
    .option("--live", "ask the configured Lumera network for its fee parameters and gas")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/estimate.ts")).estimateCommand(ctxOf(cmd), o)
      ),
    );

  program.command("scan")
    .description(
      "check text for secrets and personal data: exit 0 if clean, 3 if a store would be refused",
    )
    .argument("[files...]", "files to scan (default or `-`: stdin)")
    .option(
      "--redact <selector>",
      "as store --redact: count these as redacted, not refused (repeatable)",
      collect,
    )
    .option("--allow <selector>", "as store --allow (repeatable)", collect)
    .option("--allow-fingerprint <hex>", "as store --allow-fingerprint (repeatable)", collect)
    .addOption(json())
    .action(
      act(async (files: string[], o, cmd: Command) =>
        (await import("./commands/scan.ts")).scanCommand(ctxOf(cmd), files, o)
      ),
    );

  program.command("verify")
    .description("check every memory: blob present, hash intact; --read-data also decrypts each")
    .option("--read-data", "decrypt and authenticate every blob")
    .addOption(json())
    .option("--read-data-subset <percent>", "decrypt a random share of the blobs, e.g. 10%")
    .action(
      act(async (o: { readData?: boolean; readDataSubset?: string }, cmd: Command) =>
        (await import("./commands/verify.ts")).verifyCommand(
          ctxOf(cmd),
          o.readData === true,
          o.readDataSubset,
        )
      ),
    );

  program.command("stats")
    .description("counts, sizes and time range, per agent, workspace, kind and key")
    .addOption(json())
    .action(
      act(async (_o, cmd: Command) =>
        (await import("./commands/stats.ts")).statsCommand(ctxOf(cmd))
      ),
    );

  const selectors = (c: Command) =>
    c.option("--pointer <pointer>", "one memory")
      .option("--session <id>", "every memory of a session")
      .option("--tag <tag>", "every memory with this exact tag")
      .option("--workspace <dir>", "every memory of a workspace")
      .option("--older-than <age>", "memories older than a duration (90d) or date");

  selectors(
    program.command("forget")
      .description(
        "remove memories (index rows, local blobs) and record tombstones; a dry run unless --yes",
      ),
  )
    .option("--expired", "only memories whose time to live has passed")
    .option("--yes", "really remove them")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/forget.ts")).forgetCommand(ctxOf(cmd), o)
      ),
    );

  program.command("prune")
    .description(
      "remove expired memories (and with --older-than, old ones); a dry run unless --yes",
    )
    .option("--older-than <age>", "also memories older than a duration (90d) or date")
    .option("--yes", "really remove them")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/forget.ts")).pruneCommand(ctxOf(cmd), o)
      ),
    );

  program.command("reindex")
    .description("rebuild the index from the blobs (recovers a deleted or corrupt index.db)")
    .addOption(json())
    .action(
      act(async (_o, cmd: Command) =>
        (await import("./commands/reindex.ts")).reindexCommand(ctxOf(cmd))
      ),
    );

  program.command("export")
    .description("write an encrypted archive of the store (or of a tag, workspace or session)")
    .requiredOption("--out <file>", "archive file to create")
    .option("--tag <tag>", "only memories with this tag")
    .option("--workspace <dir>", "only memories of this workspace")
    .option("--session <id>", "only this session")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/archive.ts")).exportCommand(ctxOf(cmd), o)
      ),
    );

  program.command("import-archive")
    .description("import an archive made by export (checks every byte; needs the key)")
    .argument("<file>", "the archive")
    .addOption(json())
    .action(
      act(async (file: string, _o, cmd: Command) =>
        (await import("./commands/archive.ts")).importArchiveCommand(ctxOf(cmd), file)
      ),
    );

  const key = program.command("key").description(
    "manage keys: show-id, list, add, export, import, rotate, reencrypt, remove",
  );
  key.command("show-id").description("print the current key id").addOption(json())
    .action(
      act(async (_o, cmd: Command) =>
        (await import("./commands/key.ts")).keyShowIdCommand(ctxOf(cmd))
      ),
    );
  key.command("list").description("list key files and which key is current").addOption(json())
    .action(
      act(async (_o, cmd: Command) =>
        (await import("./commands/key.ts")).keyListCommand(ctxOf(cmd))
      ),
    );
  key.command("add").description("add another key file for the current key (e.g. a new passphrase)")
    .option("--passphrase", "seal it under a passphrase (LUMERA_MEMORY_PASSPHRASE or a prompt)")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/key.ts")).keyAddCommand(ctxOf(cmd), o)
      ),
    );
  key.command("export").description("write a backup copy of a key (keep it offline!)")
    .requiredOption("--out <file>", "file to create")
    .option("--passphrase", "seal the copy under a passphrase")
    .option("--key-id <id>", "which key (default: the current one)")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/key.ts")).keyExportCommand(ctxOf(cmd), o)
      ),
    );
  key.command("import").description("add a key file (e.g. a backup) to this home")
    .argument("<file>", "the key file").addOption(json())
    .action(
      act(async (file: string, _o, cmd: Command) =>
        (await import("./commands/key.ts")).keyImportCommand(ctxOf(cmd), file)
      ),
    );
  key.command("rotate").description(
    "make a new master key for new writes; --reencrypt moves every memory to it",
  )
    .option("--passphrase", "seal the new key under a passphrase")
    .option("--reencrypt", "re-seal every memory under the new key (resumable: `key reencrypt`)")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/key.ts")).keyRotateCommand(ctxOf(cmd), o)
      ),
    );
  key.command("reencrypt").description(
    "re-seal every memory under the current key (resumes an interrupted run)",
  )
    .addOption(json())
    .action(
      act(async (_o, cmd: Command) =>
        (await import("./commands/key.ts")).keyReencryptCommand(ctxOf(cmd))
      ),
    );
  key.command("remove").description("delete a key file (refused while memories still need its key)")
    .argument("<file>", "key file path or name").option("--force", "delete even so")
    .addOption(json())
    .action(
      act(async (file: string, o, cmd: Command) =>
        (await import("./commands/key.ts")).keyRemoveCommand(ctxOf(cmd), file, o)
      ),
    );

  program.command("sync")
    .description(
      "upload pending memories to Lumera Cascade in batched segments, then the restore manifest",
    )
    .option("--now", "batch every pending memory now (default: per the batching policy)")
    .option("--dry-run", "show what would be batched and its fee; send nothing")
    .option("--retry-rejected", "queue uploads the remote refused again (e.g. after funding)")
    .option(
      "--wait <seconds>",
      "keep polling until uploads finalize, at most this long (default 300)",
      wholeNumber("--wait", 0, 86_400),
    )
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/sync.ts")).syncCommand(ctxOf(cmd), o)
      ),
    );

  program.command("restore")
    .description(
      "rebuild the index from the newest manifest on Lumera Cascade (needs the key and the account)",
    )
    .option("--fetch-all", "download every segment now and re-index full texts")
    .addOption(json())
    .action(
      act(async (o, cmd: Command) =>
        (await import("./commands/restore.ts")).restoreCommand(ctxOf(cmd), o)
      ),
    );

  program.command("serve")
    .description("run the MCP server on stdio (for Claude Code, Codex, Cursor…)")
    .action(
      act(async (_o, cmd: Command) =>
        (await import("./commands/serve.ts")).serveCommand(ctxOf(cmd))
      ),
    );

  program.command("demo")
    .description("run the whole flow on the bundled example sessions in a throwaway home")
    .option("--keep", "keep the demo home afterwards")
    .addOption(json())
    .action(
      act(async (o: { keep?: boolean }, cmd: Command) =>
        (await import("./commands/demo.ts")).demoCommand(ctxOf(cmd), o)
      ),
    );

  return program;
}
