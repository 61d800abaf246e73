/**
 * Throughput of the secret scanner, on one core, in one process:
 *  - clean transcript text (`scanText` on 16 MiB of generated agent-session text: prose, code,
 *    JSONL tool results with escapes, line-numbered file reads, shell output, git logs, lockfile
 *    integrity strings, UUIDs, URLs, base64 blobs — no secret), target ≥ 100 MB/s;
 *  - secret-dense text (the same text with a generated credential or personal datum on one line
 *    in four, from every corpus format), target ≥ 30 MB/s;
 *  - `scanRecord` on a 1 MiB and a 10 MiB session record (the store's hot path);
 *  - hostile input: a 50 MiB single line, and pathological repetitions (4 and 8 MiB each) that
 *    would make a backtracking regex blow up.
 *
 * MB/s are 10^6 UTF-16 code units (= bytes for ASCII text) per second, both per second of wall
 * time and per second of CPU time (user + system, `process.cpuUsage`) of this single-threaded
 * process: on a shared machine, other processes slow the wall clock, not the CPU time. Each
 * figure is the median of repeated runs after two warm-ups, with the range of the runs; each
 * target is reported PASS or MISS, and the load average before and after (with
 * `--allow-sys=loadavg`). Hostile inputs are timed at n and 2n characters: linear time means the
 * ratio stays near 2. Run: `deno task bench-scan` (add `--quick` for smaller inputs).
 *
 * @module
 */

import process from "node:process";
import { scanRecord, scanText } from "../src/scan/mod.ts";
import { FORMATS } from "../tests/scan/corpus/formats.ts";
import { Rng } from "../tests/scan/corpus/random.ts";
import { zipfSampler } from "./corpus.ts";
import { out } from "./stats.ts";

const quick = Deno.args.includes("--quick");

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Generated transcript text
// ---------------------------------------------------------------------------------------------

// A Zipf-distributed vocabulary (exponent 1 over 20,000 words) like real text: the ~400 most
// common English and programming words first (credential words such as "token", "password",
// "secret" and "key" among them, common but not at the top), then a long tail of rare words
// spelled with English letter frequencies.
const COMMON = (
  "the of and to a in is it you that he was for on are with as i his they be at one have this " +
  "from or had by not word but what some we can out other were all there when up use your how " +
  "said an each she which do their time if will way about many then them write would like so " +
  "these her long make thing see him two has look more day could go come did number sound no " +
  "most people my over know water than call first who may down side been now find any new work " +
  "part take get place made live where after back little only round man year came show every " +
  "good me give our under name very through just form sentence great think say help low line " +
  "differ turn cause much mean before move right boy old too same tell does set three want air " +
  "well also play small end put home read hand port large spell add even land here must big " +
  "high such follow act why ask men change went light kind off need house picture try us again " +
  "error test file function run fix code call return value login race refresh token session " +
  "cache invalidation migration column index postgres sqlite flaky retry timeout deadlock mutex " +
  "queue worker rate limiter bucket tenant redis deploy config build server client request " +
  "response handler schema type interface export import async await promise string boolean " +
  "null undefined array map password secret key user data list item module package version " +
  "branch commit merge diff review issue bug feature release docs readme check lint format " +
  "node deno npm yarn install update upgrade remove delete create open close start stop wait " +
  "log debug info warn trace stack frame thread process memory disk network socket port host " +
  "path directory folder source target output input stream buffer parse serialize encode " +
  "decode hash sign verify encrypt decrypt store query search filter sort page limit offset"
).split(" ");
const LETTERS =
  "eeeeeeeeeeeettttttttaaaaaaaaoooooooiiiiiiinnnnnnnssssssshhhhhhrrrrrrddddlllluuucccmmmwwffggyyppbbvkjxqz";

const WORDS: string[] = (() => {
  const r = new Rng(1);
  const words = [...new Set(COMMON)];
  const seen = new Set(words);
  while (words.length < 20_000) {
    const w = r.chars(LETTERS, r.int(4, 10));
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
})();

const zipfWord = zipfSampler(WORDS);

function word(r: Rng): string {
  return zipfWord(r.next());
}

function sentence(r: Rng, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(word(r));
  return w.join(" ") + ".";
}

function cleanLine(r: Rng, n: number): string {
  switch (r.int(0, 11)) {
    case 0:
    case 1:
      return sentence(r, r.int(8, 30));
    case 2:
      return `${String(n % 900 + 1).padStart(6)}→  const ${
        word(r)
      }Value = await fetch(\`\${baseUrl}/v1/${word(r)}/\${id}\`, { headers });`;
    case 3:
      return JSON.stringify({
        type: "tool_result",
        tool_use_id: `toolu_${r.chars("abcdef0123456789", 12)}`,
        content: `${sentence(r, 10)}\n  at handler (src/${word(r)}.ts:${r.int(1, 400)}:${
          r.int(1, 80)
        })\n`,
      });
    case 4:
      return `commit ${r.chars("0123456789abcdef", 40)} (${
        r.pick(["HEAD -> main", "origin/main", "tag: v1.4.2"])
      })`;
    case 5:
      return `"integrity": "sha512-${r.base64Bytes(64)}", "resolved": "https://registry.npmjs.org/${
        word(r)
      }/-/${word(r)}-1.${r.int(0, 9)}.${r.int(0, 9)}.tgz"`;
    case 6:
      return `{"session_id":"${r.uuid()}","timestamp":"2026-11-${r.int(10, 28)}T${r.int(10, 23)}:${
        r.int(10, 59)
      }:00Z","input_tokens":${r.int(100, 90000)},"output_tokens":${r.int(10, 9000)}}`;
    case 7:
      return `$ npm test -- --grep "${word(r)}"  # ${r.int(10, 400)} passing (${r.int(1, 9)}s)`;
    case 8:
      return `    def ${word(r)}_${word(r)}(self, ${word(r)}: str) -> dict:  # ${sentence(r, 5)}`;
    case 9:
      return `docker pull node:22-alpine@sha256:${r.chars("0123456789abcdef", 64)}`;
    case 10:
      return `See https://github.com/acme/${word(r)}/pull/${
        r.int(1, 9000)
      } and docs at https://docs.acme-corp.io/${word(r)}#${word(r)}`;
    default:
      return `  - ${sentence(r, 6)} (${r.int(1, 99)}%, ${r.int(100, 999)} ms, ${word(r)}@${
        r.int(1, 9)
      }.${r.int(0, 20)}.${r.int(0, 9)})`;
  }
}

/** Generated transcript text of about `bytes` characters; a secret on every `secretEvery`th line. */
export function transcript(bytes: number, seed: number, secretEvery = 0): string {
  const r = new Rng(seed);
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    let line = cleanLine(r, n);
    if (secretEvery > 0 && n % secretEvery === 0) {
      const f = r.pick(FORMATS);
      line = f.kind === "named" || f.kind === "token"
        ? `${f.name}=${f.make(r)}`
        : f.make(r).replace(/\n/g, "\\n");
    }
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

/** A generated session record of about `bytes` characters of message text. */
export function sessionRecord(bytes: number, seed: number): Record<string, unknown> & {
  messages: { role: string; text: string }[];
} {
  const r = new Rng(seed);
  const messages = [];
  let size = 0;
  for (let m = 0; size < bytes; m++) {
    const parts: string[] = [];
    for (let i = r.int(2, 12); i > 0; i--) parts.push(cleanLine(r, m * 13 + i));
    const text = parts.join("\n");
    messages.push({
      role: m % 2 ? "assistant" : "user",
      text,
      ...(m % 2
        ? { tool_calls: [{ name: "Bash", input_summary: `npm test -- --grep ${word(r)}` }] }
        : {}),
    });
    size += text.length + 60;
  }
  return {
    schema_version: 1,
    kind: "session",
    session_id: `bench-${seed}`,
    timestamp: "2026-11-20T10:00:00Z",
    tool_name: "claude-code",
    success: true,
    summary: "Fixed the login race in the refresh handler",
    tags: ["auth", "bugfix"],
    workspace: "/home/me/src/shop",
    messages,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

/** One timing: wall-clock and CPU (user + system) milliseconds. */
interface Timing {
  wall: number;
  cpu: number;
}

function timed(f: () => void): Timing {
  const c = process.cpuUsage();
  const t = performance.now();
  f();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1000 };
}

/** Median, fastest and slowest of `runs` timings, after `warm` warm-up runs. */
interface Runs {
  /** Median wall and CPU time. */
  p50: Timing;
  /** Fastest wall time. */
  min: number;
  /** Slowest wall time. */
  max: number;
  runs: number;
}

function measure(runs: number, warm: number, f: () => void): Runs {
  for (let i = 0; i < warm; i++) f();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timed(f);
    walls.push(t.wall);
    cpus.push(t.cpu);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return {
    p50: { wall: walls[runs >> 1], cpu: cpus[runs >> 1] },
    min: walls[0],
    max: walls[runs - 1],
    runs,
  };
}

function rate(chars: number, ms: number): number {
  return chars / 1e3 / ms;
}

/** The load averages (1, 5, 15 min), or undefined without `--allow-sys=loadavg`. */
function loadavg(): string | undefined {
  const status = Deno.permissions.querySync({ name: "sys", kind: "loadavg" });
  if (status.state !== "granted") return undefined;
  return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
}

/** PASS when the median wall rate meets the target; else the CPU-time verdict, then MISS. */
function verdict(chars: number, r: Runs, target: number): string {
  if (rate(chars, r.p50.wall) >= target) return "PASS";
  if (rate(chars, r.p50.cpu) >= target) return "PASS on CPU time (wall slowed by other load)";
  return "MISS";
}

function throughputLine(label: string, chars: number, r: Runs, target: number): string {
  return `${label.padEnd(22)} ${(chars / MiB).toFixed(1).padStart(5)} MiB  p50 wall ${
    r.p50.wall.toFixed(1)
  } ms = ${rate(chars, r.p50.wall).toFixed(0)} MB/s (runs ${rate(chars, r.max).toFixed(0)}–${
    rate(chars, r.min).toFixed(0)
  }), cpu ${rate(chars, r.p50.cpu).toFixed(0)} MB/s  target ≥ ${target} MB/s  ${
    verdict(chars, r, target)
  }`;
}

/** Targets of issue 3. */
const TARGET_CLEAN = 100;
const TARGET_DENSE = 30;
const TARGET_RECORD_MS = 500;
/** A hostile input twice as long may take at most this many times as long (linear time). */
const MAX_DOUBLING_RATIO = 3;

function main(): void {
  const runs = quick ? 5 : 9;
  out(
    `lumera-memory scan bench${
      quick ? " (quick)" : ""
    }: deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, one thread; ` +
      `MB = 10^6 characters; medians of ${runs} runs after 2 warm-ups (range = slowest–fastest run);` +
      ` wall-clock and CPU (user+system) time`,
  );
  const loadBefore = loadavg();
  out(
    `load average before: ${
      loadBefore ?? "unknown (run with --allow-sys=loadavg)"
    } (other processes slow the wall clock, not the CPU time)`,
  );
  out(
    "inputs: generated agent-session text (seeded, deterministic): prose from a Zipf vocabulary of " +
      "20,000 words, line-numbered file reads, JSONL tool results with escapes, git log lines, npm " +
      "integrity strings, UUIDs and timestamps, shell commands, Python defs, docker digests, URLs, " +
      "version lists; secret-dense = the same with one line in four replaced by a generated " +
      `credential or personal datum of one of the corpus's ${FORMATS.length} formats (block formats ` +
      "\\n-escaped)",
  );
  const results: boolean[] = [];

  const cleanSize = (quick ? 4 : 16) * MiB;
  const clean = transcript(cleanSize, 1);
  const cleanFindings = scanText(clean).length;
  const cleanR = measure(runs, 2, () => scanText(clean));
  out(
    throughputLine("clean transcript text", clean.length, cleanR, TARGET_CLEAN) +
      `  [${cleanFindings} findings]`,
  );
  results.push(verdict(clean.length, cleanR, TARGET_CLEAN) !== "MISS");

  const dense = transcript((quick ? 2 : 8) * MiB, 2, 4);
  const denseFindings = scanText(dense).length;
  const denseR = measure(runs, 2, () => scanText(dense));
  out(
    throughputLine("secret-dense text", dense.length, denseR, TARGET_DENSE) +
      `  [${denseFindings} findings]`,
  );
  results.push(verdict(dense.length, denseR, TARGET_DENSE) !== "MISS");

  const rec1 = sessionRecord(MiB, 3);
  const rec1Chars = JSON.stringify(rec1).length;
  const rec1R = measure(quick ? 11 : 31, 2, () => scanRecord(rec1));
  out(
    `scanRecord 1 MiB       ${rec1.messages.length} messages  p50 wall ${
      rec1R.p50.wall.toFixed(1)
    } ms = ${rate(rec1Chars, rec1R.p50.wall).toFixed(0)} MB/s, cpu ${
      rec1R.p50.cpu.toFixed(1)
    } ms  [${scanRecord(rec1).length} findings]`,
  );

  const rec10 = sessionRecord(10 * MiB, 4);
  const rec10Chars = JSON.stringify(rec10).length;
  const rec10R = measure(quick ? 3 : 7, 2, () => scanRecord(rec10));
  const rec10Ok = rec10R.p50.wall < TARGET_RECORD_MS;
  out(
    `scanRecord 10 MiB      ${rec10.messages.length} messages, ${
      (rec10Chars / MiB).toFixed(1)
    } MiB as JSON  p50 wall ${rec10R.p50.wall.toFixed(0)} ms, cpu ${
      rec10R.p50.cpu.toFixed(0)
    } ms  target well under 1 s (< ${TARGET_RECORD_MS} ms)  ${rec10Ok ? "PASS" : "MISS"}`,
  );
  results.push(rec10Ok);

  const bigSize = (quick ? 10 : 50) * MiB;
  const singleLine = transcript(bigSize, 5).replace(/\n/g, " ");
  const singleR = measure(1, 0, () => scanText(singleLine));
  out(
    `single line            ${(singleLine.length / MiB).toFixed(0).padStart(5)} MiB  wall ${
      singleR.p50.wall.toFixed(0)
    } ms = ${rate(singleLine.length, singleR.p50.wall).toFixed(0)} MB/s, cpu ${
      rate(singleLine.length, singleR.p50.cpu).toFixed(0)
    } MB/s`,
  );

  // Linear time: each shape at n and 2n characters; twice the input may take about twice the
  // time (a quadratic blow-up takes 4×, a backtracking one far more). Fastest runs compared.
  const patho = (quick ? 1 : 4) * MiB;
  const shapes: [string, (n: number) => string][] = [
    ["one repeated letter", (n) => "a".repeat(n)],
    ["base64 run", (n) => "QUJD".repeat(n / 4)],
    [
      "'-----BEGIN ' repeated",
      (n) => "-----BEGIN RSA PRIVATE KEY-----\nMIIE".repeat(n / 36),
    ],
    ["'password=' repeated", (n) => "password=".repeat(n / 9)],
    ["'@' and dots", (n) => "a.b@c.".repeat(n / 6)],
    ["'://' and colons", (n) => "x://a:b:c:".repeat(n / 10)],
    ["digits and dashes", (n) => "4111-".repeat(n / 5)],
    ["phone-like", (n) => "+1 415 ".repeat(n / 7)],
    ["JSON escapes", (n) => '\\n\\"\\u002b'.repeat(n / 12)],
    ["'ghp_' repeated", (n) => "ghp_".repeat(n / 4)],
    ["'Authorization: Bearer ' repeated", (n) => "Authorization: Bearer ".repeat(n / 22)],
    ["'sk-' and dashes", (n) => "sk-a-".repeat(n / 5)],
    ["long word then '='", (n) => "A".repeat(n - 1) + "="],
    ["'token=\"' unclosed quotes", (n) => 'token="'.repeat(n / 7)],
    ["'docker login -p ' repeated", (n) => "docker login -p ".repeat(n / 16)],
    ["one long number", (n) => "1".repeat(n)],
    ["key header then blank lines", (n) => "-----BEGIN RSA PRIVATE KEY-----" + "\n".repeat(n - 31)],
    ["URL host of endless labels", (n) => "x://a:bcdefgh@" + "a.".repeat(n / 2)],
    ["netrc 'machine a login b password '", (n) => "machine a login b password ".repeat(n / 27)],
    [
      '\'<add key="password" value="\' repeated',
      (n) => '<add key="password" value="'.repeat(n / 27),
    ],
    ["'\\u' escapes of keywords", (n) => "\\u0074oken=".repeat(n / 12)],
  ];
  let worst = 0;
  let worstRatio = 0;
  for (const [name, make] of shapes) {
    const small = make(patho);
    const big = make(2 * patho);
    // Fastest of a few runs: the least disturbed by other load and by garbage collection.
    const t1 = measure(quick ? 3 : 5, 1, () => scanText(small)).min;
    const t2 = measure(quick ? 3 : 5, 1, () => scanText(big)).min;
    // Below a few milliseconds the ratio is noise: count such a case as linear.
    const ratio = t2 < 5 ? 1 : t2 / Math.max(t1, 0.5);
    worst = Math.max(worst, t2);
    worstRatio = Math.max(worstRatio, ratio);
    out(
      `hostile: ${name.padEnd(36)} ${(small.length / MiB).toFixed(1)} MiB ${
        t1.toFixed(0).padStart(4)
      } ms, ${(big.length / MiB).toFixed(1)} MiB ${t2.toFixed(0).padStart(4)} ms  ×${
        ratio.toFixed(2)
      }`,
    );
  }
  const linear = worstRatio <= MAX_DOUBLING_RATIO;
  out(
    `hostile worst case ${worst.toFixed(0)} ms for ${(2 * patho / MiB).toFixed(0)} MiB; ` +
      `worst time ratio for twice the input ×${worstRatio.toFixed(2)} ` +
      `(linear: ≤ ×${MAX_DOUBLING_RATIO})  ${linear ? "PASS" : "MISS"}`,
  );
  results.push(linear);
  out(
    `load average after: ${loadavg() ?? "unknown"}; overall ${
      results.every((x) => x) ? "PASS" : "MISS"
    }`,
  );
}

if (import.meta.main) main();
