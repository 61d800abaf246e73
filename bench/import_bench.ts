/**
 * Import throughput bench (issue 4): generates a synthetic corpus of realistic agent transcripts
 * (Claude Code, Codex, Gemini CLI; ≥ 1 GiB by default), imports it into a fresh home with the
 * real CLI (`lumera-memory import --json`) pinned to one core, then imports it again unchanged.
 *
 * Reports: bytes read per second end to end (read, map, scan, seal, durable write, index), the
 * child's peak RSS (VmHWM, polled), and the unchanged re-run's time as a share of the first run.
 * Targets: ≥ 30 MB/s on one core, peak RSS ≤ 300 MB, re-run ≤ 5 %.
 *
 * Runs with `--allow-all`: Deno reads another process's `/proc/<pid>/status` only then.
 *
 * Usage: `deno task bench-import [--gib 1] [--corpus DIR] [--no-pin] [--keep] [--v8-flags F]`.
 * The corpus is kept in `$TMPDIR/lumera-import-corpus-<gib>` and reused by later runs (delete it
 * to rebuild). `--v8-flags` is passed to the importing child: by default the flags the `cli` and
 * `compile` tasks use (`--max-semi-space-size=4`); `--v8-flags none` for V8's defaults.
 *
 * The corpus looks like real sessions: prompts, thinking, assistant text, tool calls (Read, Bash,
 * Edit, Grep, Write), tool results of a few hundred bytes to tens of kilobytes (Claude Code also
 * repeats them in `toolUseResult`), split assistant records, usage, snapshots; Codex rollouts
 * with reasoning blobs, duplicated event messages and token counts; Gemini JSONL with re-appended
 * messages. Session sizes are log-normal (median ≈ 600 KB, a few over 20 MB, which import as
 * several parts); a few carry a credential in a tool result and are refused.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { rng, sentence } from "./corpus.ts";
import { randomKeyHex } from "../tests/helpers/home.ts";
import { MAIN } from "../tests/helpers/permissions.ts";
import { out as print, peakRssBytes } from "./stats.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    gib: { type: "string", default: "1" },
    corpus: { type: "string" },
    "no-pin": { type: "boolean", default: false },
    // The flags the `cli` and `compile` tasks run the program with; `none` for V8's defaults.
    "v8-flags": { type: "string", default: "--max-semi-space-size=4" },
    keep: { type: "boolean", default: false },
  },
});
const targetBytes = Math.round(Number(args.gib) * 1024 ** 3);
const corpusDir = args.corpus ??
  join(Deno.env.get("TMPDIR") ?? "/tmp", `lumera-import-corpus-${args.gib}`);

// ---------------------------------------------------------------------------------------------
// Corpus

const rand = rng(4242);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const hex = (n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(rand() * 16)];
  return s;
};
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
const words = (n: number) => sentence(rand, n);
/** Log-normal size with the given median (bytes). */
const lognormal = (median: number, sigma: number) => {
  const u = Math.max(rand(), 1e-9);
  const v = rand();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(median * Math.exp(sigma * z));
};

const IDENT = [
  "rows",
  "cache",
  "session",
  "handler",
  "parser",
  "queue",
  "config",
  "tenant",
  "index",
];
function code(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const a = pick(IDENT);
    const b = pick(IDENT);
    switch (i % 5) {
      case 0:
        out.push(`export function ${a}${i}(${b}: ${pick(["string", "number", "Row[]"])}) {`);
        break;
      case 1:
        out.push(`  const ${a} = await ${b}.get(${int(0, 999)}); // ${words(6)}`);
        break;
      case 2:
        out.push(`  if (!${a}) throw new Error("${words(5)}");`);
        break;
      case 3:
        out.push(`  return ${a}.map((x) => x.${b} + ${int(1, 99)});`);
        break;
      default:
        out.push("}");
    }
  }
  return out.join("\n");
}
const numbered = (text: string) =>
  text.split("\n").map((l, i) => `${String(i + 1).padStart(6)}\t${l}`).join("\n");
const PROJECTS = Array.from({ length: 40 }, (_, i) => `proj-${i}-${pick(IDENT)}`);
const BRANCHES = ["main", "fix/login-race", "feat/export", "chore/deps", "fix/flaky-test"];
/** A made-up credential the scanner refuses (1 % of sessions carry one). */
const FAKE_SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9Qk3Lm2T";

interface Built {
  path: string;
  text: string;
}

function claudeSession(bytes: number, t0: number, secret: boolean): Built {
  const sid = uuid();
  const project = pick(PROJECTS);
  const cwd = `/home/dev/src/${project}`;
  const branch = pick(BRANCHES);
  const lines: string[] = [];
  let size = 0;
  let parent: string | null = null;
  let t = t0;
  const push = (type: string, extra: Record<string, unknown>) => {
    const id = uuid();
    t += int(200, 20_000);
    const line = JSON.stringify({
      parentUuid: parent,
      isSidechain: false,
      userType: "external",
      cwd,
      sessionId: sid,
      version: "2.0.31",
      gitBranch: branch,
      type,
      uuid: id,
      timestamp: new Date(t).toISOString(),
      ...extra,
    });
    parent = id;
    lines.push(line);
    size += line.length + 1;
  };
  if (rand() < 0.5) {
    lines.push(JSON.stringify({ type: "summary", summary: words(8), leafUuid: uuid() }));
  }
  let turn = 0;
  while (size < bytes) {
    push("user", { message: { role: "user", content: `${words(int(20, 160))}?` } });
    const steps = int(1, 6);
    for (let s = 0; s < steps && size < bytes; s++) {
      const mid = `msg_${hex(24)}`;
      const usage = {
        input_tokens: int(10, 3000),
        cache_creation_input_tokens: int(0, 5000),
        cache_read_input_tokens: int(0, 90_000),
        output_tokens: int(20, 2000),
        service_tier: "standard",
      };
      const am = (content: unknown[]) => ({
        requestId: `req_${hex(24)}`,
        message: {
          model: "claude-sonnet-4-5-20250929",
          id: mid,
          type: "message",
          role: "assistant",
          content,
          stop_reason: null,
          stop_sequence: null,
          usage,
        },
      });
      if (rand() < 0.6) {
        push(
          "assistant",
          am([{ type: "thinking", thinking: words(int(40, 400)), signature: hex(300) }]),
        );
      }
      if (rand() < 0.7) push("assistant", am([{ type: "text", text: words(int(15, 250)) }]));
      const tool = pick(["Read", "Read", "Bash", "Edit", "Grep", "Write"]);
      const tid = `toolu_${hex(24)}`;
      const file = `${cwd}/src/${pick(IDENT)}/${pick(IDENT)}.ts`;
      let input: Record<string, unknown>;
      let result: string;
      let extra: Record<string, unknown> = {};
      if (tool === "Read") {
        input = { file_path: file };
        const content = code(int(40, 1200));
        result = numbered(content);
        extra = {
          toolUseResult: {
            type: "text",
            file: { filePath: file, content, numLines: content.split("\n").length, startLine: 1 },
          },
        };
      } else if (tool === "Bash") {
        input = { command: `npm test -- ${pick(IDENT)}`, description: words(5) };
        result = Array.from(
          { length: int(3, 120) },
          () => `  ✓ ${words(int(4, 12))} (${int(1, 900)} ms)`,
        )
          .join("\n");
        if (secret && turn === 1) result += `\n${FAKE_SECRET}\n`;
        extra = { toolUseResult: { stdout: result, stderr: "", interrupted: false } };
      } else if (tool === "Edit") {
        const old = code(int(3, 60));
        input = { file_path: file, old_string: old, new_string: code(int(3, 60)) };
        result = `The file ${file} has been updated. Here's the result of running \`cat -n\`:\n${
          numbered(code(int(5, 40)))
        }`;
        extra = { toolUseResult: { filePath: file, oldString: old, structuredPatch: [] } };
      } else if (tool === "Grep") {
        input = { pattern: pick(IDENT), path: "src", output_mode: "content" };
        result = Array.from({ length: int(2, 80) }, () => `${file}:${int(1, 900)}:${code(1)}`).join(
          "\n",
        );
      } else {
        input = { file_path: file, content: code(int(20, 300)) };
        result = `File created successfully at: ${file}`;
      }
      push("assistant", am([{ type: "tool_use", id: tid, name: tool, input }]));
      push("user", {
        message: {
          role: "user",
          content: [{ tool_use_id: tid, type: "tool_result", content: result }],
        },
        ...extra,
      });
    }
    if (rand() < 0.15) {
      const line = JSON.stringify({
        type: "file-history-snapshot",
        messageId: uuid(),
        snapshot: {
          messageId: uuid(),
          trackedFileBackups: {},
          timestamp: new Date(t).toISOString(),
        },
        isSnapshotUpdate: false,
      });
      lines.push(line);
      size += line.length + 1;
    }
    turn++;
  }
  return {
    path: join("claude", "projects", `-home-dev-src-${project}`, `${sid}.jsonl`),
    text: lines.join("\n") + "\n",
  };
}

function codexSession(bytes: number, t0: number, secret: boolean): Built {
  const sid = uuid();
  const project = pick(PROJECTS);
  const cwd = `/home/dev/src/${project}`;
  const lines: string[] = [];
  let size = 0;
  let t = t0;
  const push = (type: string, payload: unknown) => {
    t += int(100, 15_000);
    const line = JSON.stringify({ timestamp: new Date(t).toISOString(), type, payload });
    lines.push(line);
    size += line.length + 1;
  };
  push("session_meta", {
    id: sid,
    timestamp: new Date(t).toISOString(),
    cwd,
    originator: "codex_cli_rs",
    cli_version: "0.58.0",
    instructions: null,
    source: "cli",
    model_provider: "openai",
    git: {
      commit_hash: hex(40),
      branch: pick(BRANCHES),
      repository_url: `https://example.invalid/${project}.git`,
    },
  });
  push("response_item", {
    type: "message",
    role: "user",
    content: [{
      type: "input_text",
      text: `<environment_context>\n  <cwd>${cwd}</cwd>\n</environment_context>`,
    }],
  });
  let totals = 0;
  let turn = 0;
  while (size < bytes) {
    push("turn_context", {
      cwd,
      approval_policy: "on-request",
      model: "gpt-5-codex",
      effort: "medium",
    });
    const prompt = `${words(int(20, 150))}.`;
    push("response_item", {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: prompt }],
    });
    push("event_msg", { type: "user_message", message: prompt, images: [] });
    const steps = int(1, 8);
    for (let s = 0; s < steps && size < bytes; s++) {
      push("response_item", {
        type: "reasoning",
        summary: [{ type: "summary_text", text: `**${words(4)}**` }],
        content: null,
        encrypted_content: hex(int(600, 4000)),
      });
      const callId = `call_${hex(20)}`;
      push("response_item", {
        type: "function_call",
        name: "shell",
        arguments: JSON.stringify({
          command: ["bash", "-lc", `rg -n "${pick(IDENT)}" src`],
          workdir: cwd,
        }),
        call_id: callId,
      });
      let out = rand() < 0.5 ? numbered(code(int(20, 900))) : Array.from(
        { length: int(2, 100) },
        () => `src/${pick(IDENT)}.py:${int(1, 500)}:    ${code(1)}`,
      ).join("\n");
      if (secret && turn === 1) out += `\n${FAKE_SECRET}`;
      push("response_item", {
        type: "function_call_output",
        call_id: callId,
        output: JSON.stringify({ output: out, metadata: { exit_code: 0, duration_seconds: 0.2 } }),
      });
    }
    const answer = words(int(20, 300));
    push("response_item", {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: answer }],
    });
    push("event_msg", { type: "agent_message", message: answer });
    totals += int(2000, 40_000);
    push("event_msg", {
      type: "token_count",
      info: {
        total_token_usage: {
          input_tokens: totals,
          cached_input_tokens: Math.floor(totals * 0.8),
          output_tokens: Math.floor(totals / 20),
          reasoning_output_tokens: Math.floor(totals / 50),
          total_tokens: totals,
        },
      },
    });
    turn++;
  }
  const d = new Date(t0);
  const day = d.toISOString().slice(0, 10).split("-");
  const stamp = d.toISOString().slice(0, 19).replace(/:/g, "-");
  return {
    path: join("codex", "sessions", day[0], day[1], day[2], `rollout-${stamp}-${sid}.jsonl`),
    text: lines.join("\n") + "\n",
  };
}

function geminiSession(bytes: number, t0: number): Built {
  const sid = uuid();
  const project = pick(PROJECTS);
  const lines: string[] = [];
  let size = 0;
  let t = t0;
  const push = (v: unknown) => {
    const line = JSON.stringify(v);
    lines.push(line);
    size += line.length + 1;
  };
  push({
    sessionId: sid,
    projectHash: project,
    startTime: new Date(t).toISOString(),
    lastUpdated: new Date(t).toISOString(),
    kind: "main",
  });
  let n = 0;
  while (size < bytes) {
    t += int(1000, 30_000);
    push({
      id: `u-${n}`,
      timestamp: new Date(t).toISOString(),
      type: "user",
      content: [{ text: words(int(15, 120)) }],
    });
    const calls = Array.from({ length: int(0, 3) }, (_, i) => ({
      id: `call-${n}-${i}`,
      name: pick(["read_file", "run_shell_command", "search_file_content"]),
      args: { absolute_path: `/home/dev/src/${project}/src/${pick(IDENT)}.ts` },
      status: "success",
      timestamp: new Date(t).toISOString(),
      result: [{
        functionResponse: {
          id: `call-${n}-${i}`,
          name: "read_file",
          response: { output: code(int(20, 600)) },
        },
      }],
      displayName: "ReadFile",
      description: words(6),
      renderOutputAsMarkdown: true,
    }));
    const msg = {
      id: `g-${n}`,
      timestamp: new Date(t).toISOString(),
      type: "gemini",
      content: words(int(20, 250)),
      thoughts: [{
        subject: words(3),
        description: words(int(20, 120)),
        timestamp: new Date(t).toISOString(),
      }],
      model: "gemini-2.5-pro",
      toolCalls: calls,
    };
    push(msg); // first written without tokens…
    push({
      ...msg,
      tokens: {
        input: int(1000, 9000),
        output: int(50, 900),
        cached: int(0, 8000),
        thoughts: int(0, 300),
        tool: 0,
        total: 10_000,
      },
    });
    push({ $set: { lastUpdated: new Date(t).toISOString() } });
    n++;
  }
  return {
    path: join(
      "gemini",
      ".gemini",
      "tmp",
      project,
      "chats",
      `session-${new Date(t0).toISOString().slice(0, 16).replace(/:/g, "-")}-${
        sid.slice(0, 8)
      }.jsonl`,
    ),
    text: lines.join("\n") + "\n",
  };
}

async function buildCorpus(dir: string, bytes: number): Promise<{ files: number; bytes: number }> {
  const marker = join(dir, ".complete");
  try {
    const m = JSON.parse(await Deno.readTextFile(marker));
    if (m.target === bytes) return m;
  } catch {
    // build it
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  let total = 0;
  let files = 0;
  let t0 = Date.UTC(2026, 0, 1);
  const started = performance.now();
  while (total < bytes) {
    const kind = rand();
    const secret = rand() < 0.01;
    const size = Math.min(Math.max(lognormal(600_000, 1.3), 8_000), 40_000_000);
    t0 += int(60_000, 6 * 3600_000);
    const built = kind < 0.5
      ? claudeSession(size, t0, secret)
      : kind < 0.85
      ? codexSession(size, t0, secret)
      : geminiSession(size, t0);
    const full = join(dir, built.path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, built.text);
    if (built.path.startsWith("gemini")) {
      await Deno.writeTextFile(
        join(full, "..", "..", ".project_root"),
        `/home/dev/src/${built.path.split("/")[3]}`,
      );
    }
    total += new TextEncoder().encode(built.text).length;
    files++;
  }
  const m = { target: bytes, files, bytes: total };
  await Deno.writeTextFile(marker, JSON.stringify(m));
  print(
    `corpus: ${files} files, ${(total / 2 ** 20).toFixed(0)} MiB in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
  return m;
}

// ---------------------------------------------------------------------------------------------
// Runs

interface Run {
  seconds: number;
  peakRssBytes: number;
  summary: Record<string, unknown>;
}

async function importOnce(home: string, key: string, corpus: string, pin: boolean): Promise<Run> {
  const flags = args["v8-flags"];
  const v8 = flags && flags !== "none" ? [`--v8-flags=${flags}`] : [];
  const denoArgs = ["run", "--quiet", "-A", ...v8, MAIN, "import", "--json"];
  const cmd = pin
    ? new Deno.Command("taskset", {
      args: ["-c", "0", Deno.execPath(), ...denoArgs],
      env: envFor(home, key, corpus),
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(Deno.execPath(), {
      args: denoArgs,
      env: envFor(home, key, corpus),
      stdout: "piped",
      stderr: "piped",
    });
  const started = performance.now();
  const child = cmd.spawn();
  let peak = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRssBytes(child.pid) ?? 0); // undefined once it has exited
  }, 50);
  const out = await child.output();
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  if (out.code !== 0) {
    Deno.stderr.writeSync(out.stderr);
    throw new Error(`import exited ${out.code}`);
  }
  return { seconds, peakRssBytes: peak, summary: JSON.parse(new TextDecoder().decode(out.stdout)) };
}

function envFor(home: string, key: string, corpus: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    LUMERA_MEMORY_HOME: home,
    LUMERA_MEMORY_KEY: key,
    CLAUDE_CONFIG_DIR: join(corpus, "claude"),
    CODEX_HOME: join(corpus, "codex"),
    GEMINI_CLI_HOME: join(corpus, "gemini"),
  };
}

const corpus = await buildCorpus(corpusDir, targetBytes);
const home = await Deno.makeTempDir({ prefix: "lumera-import-bench-" });
const key = randomKeyHex();
const pin = !args["no-pin"];
try {
  const first = await importOnce(home, key, corpusDir, pin);
  const second = await importOnce(home, key, corpusDir, pin);
  const stats = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", MAIN, "stats", "--json"],
    env: envFor(home, key, corpusDir),
    stdout: "piped",
  }).output();
  const stored = JSON.parse(new TextDecoder().decode(stats.stdout)) as {
    record_bytes: number;
    stored_bytes: number;
  };
  const s1 = first.summary;
  const mb = (s1.bytes_read as number) / 1e6;
  const report = {
    corpus: {
      files: corpus.files,
      bytes: corpus.bytes,
      gib: +(corpus.bytes / 1024 ** 3).toFixed(3),
    },
    pinned_to_one_core: pin,
    v8_flags: args["v8-flags"] === "none" ? null : args["v8-flags"],
    first_run: {
      seconds: +first.seconds.toFixed(2),
      mb_per_s: +(mb / first.seconds).toFixed(1),
      peak_rss_mb: +(first.peakRssBytes / 1e6).toFixed(0),
      imported: s1.imported,
      refused: s1.refused,
      failed: s1.failed,
      skipped: s1.skipped,
      memories: s1.memories,
      bytes_read: s1.bytes_read,
      record_mb: +(stored.record_bytes / 1e6).toFixed(1),
      sealed_mb: +(stored.stored_bytes / 1e6).toFixed(1),
    },
    rerun: {
      seconds: +second.seconds.toFixed(2),
      share_of_first: `${(100 * second.seconds / first.seconds).toFixed(2)} %`,
      peak_rss_mb: +(second.peakRssBytes / 1e6).toFixed(0),
      unchanged: second.summary.unchanged,
      bytes_read: second.summary.bytes_read,
    },
    targets: {
      throughput_ok: mb / first.seconds >= 30,
      rss_ok: first.peakRssBytes <= 300e6,
      rerun_ok: second.seconds <= 0.05 * first.seconds,
    },
  };
  print(JSON.stringify(report, null, 2));
} finally {
  if (!args.keep) await Deno.remove(home, { recursive: true });
}
