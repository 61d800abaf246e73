/**
 * Throughput of the secret scanner, on one core, in one process:
 *  - clean transcript text (`scanText` on 16 MiB of generated agent-session text: prose, code,
 *    JSONL tool results with escapes, line-numbered file reads, shell output, git logs, lockfile
 *    integrity strings, UUIDs, URLs, base64 blobs — no secret), target ≥ 100 MB/s;
 *  - secret-dense text (the same text with a generated credential or personal datum on one line
 *    in four, from every corpus format), target ≥ 30 MB/s;
 *  - `scanRecord` on a 1 MiB and a 10 MiB session record (the store's hot path);
 *  - hostile input: a 50 MiB single line, and pathological repetitions (5 MiB each) that would
 *    make a backtracking regex blow up.
 *
 * MB/s are 10^6 UTF-16 code units (= bytes for ASCII text) per second, both per second of wall
 * time and per second of CPU time (user + system, `process.cpuUsage`) of this single-threaded
 * process: on a shared machine, other processes slow the wall clock, not the CPU time. Each
 * figure is the best of several runs after a warm-up (the median for the record scans). Run:
 * `deno task bench-scan` (add `--quick` for smaller inputs).
 *
 * @module
 */

import process from "node:process";
import { scanRecord, scanText } from "../src/scan/mod.ts";
import { FORMATS } from "../tests/scan/corpus/formats.ts";
import { Rng } from "../tests/scan/corpus/random.ts";

const quick = Deno.args.includes("--quick");
const encoder = new TextEncoder();
function out(line = ""): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

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

const ZIPF_CDF: Float64Array = (() => {
  const cdf = new Float64Array(WORDS.length);
  let sum = 0;
  for (let i = 0; i < WORDS.length; i++) cdf[i] = sum += 1 / (i + 1);
  for (let i = 0; i < cdf.length; i++) cdf[i] /= sum;
  return cdf;
})();

function word(r: Rng): string {
  const x = r.next();
  let lo = 0;
  let hi = ZIPF_CDF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CDF[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return WORDS[lo];
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

/** Best wall time and best CPU time of `runs` runs, after one warm-up run. */
function best(runs: number, f: () => void): Timing {
  f();
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = timed(f);
    wall = Math.min(wall, t.wall);
    cpu = Math.min(cpu, t.cpu);
  }
  return { wall, cpu };
}

/** Median wall time and median CPU time of `runs` runs, after two warm-up runs. */
function p50(runs: number, f: () => void): Timing {
  f();
  f();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timed(f);
    walls.push(t.wall);
    cpus.push(t.cpu);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { wall: walls[runs >> 1], cpu: cpus[runs >> 1] };
}

function rate(chars: number, ms: number): number {
  return chars / 1e3 / ms;
}

function show(chars: number, t: Timing): string {
  return `wall ${t.wall.toFixed(1)} ms ${rate(chars, t.wall).toFixed(0)} MB/s, cpu ${
    t.cpu.toFixed(1)
  } ms ${rate(chars, t.cpu).toFixed(0)} MB/s`;
}

function main(): void {
  const verdict = (chars: number, t: Timing, target: number) =>
    rate(chars, t.wall) >= target
      ? "OK"
      : rate(chars, t.cpu) >= target
      ? "OK on CPU time (wall slowed by other load)"
      : "MISS";

  out(
    `lumera-memory scan bench${
      quick ? " (quick)" : ""
    }, deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, one thread; MB = 10^6 characters; best of N runs after warm-up (p50 for records),` +
      ` wall-clock and CPU (user+system) time`,
  );

  const cleanSize = (quick ? 4 : 16) * MiB;
  const clean = transcript(cleanSize, 1);
  const cleanFindings = scanText(clean).length;
  const cleanT = best(quick ? 3 : 5, () => scanText(clean));
  out(
    `clean transcript text   ${(clean.length / MiB).toFixed(1)} MiB  ${
      show(clean.length, cleanT)
    }` +
      `  (target ≥ 100 MB/s) ${verdict(clean.length, cleanT, 100)}  [${cleanFindings} findings]`,
  );

  const dense = transcript((quick ? 2 : 8) * MiB, 2, 4);
  const denseFindings = scanText(dense).length;
  const denseT = best(quick ? 3 : 5, () => scanText(dense));
  out(
    `secret-dense text       ${(dense.length / MiB).toFixed(1)} MiB  ${
      show(dense.length, denseT)
    }` +
      `  (target ≥ 30 MB/s) ${verdict(dense.length, denseT, 30)}  [${denseFindings} findings]`,
  );

  const rec1 = sessionRecord(MiB, 3);
  const rec1Chars = JSON.stringify(rec1).length;
  const rec1T = p50(quick ? 10 : 30, () => scanRecord(rec1));
  out(
    `scanRecord 1 MiB        ${rec1.messages.length} messages  p50 ${show(rec1Chars, rec1T)}` +
      `  [${scanRecord(rec1).length} findings]`,
  );

  const rec10 = sessionRecord(10 * MiB, 4);
  const rec10T = p50(quick ? 3 : 7, () => scanRecord(rec10));
  out(
    `scanRecord 10 MiB       ${rec10.messages.length} messages  p50 wall ${
      rec10T.wall.toFixed(0)
    } ms, cpu ${rec10T.cpu.toFixed(0)} ms  (target well under 1 s) ${
      rec10T.wall < 1000 ? "OK" : "MISS"
    }`,
  );

  const bigSize = (quick ? 10 : 50) * MiB;
  const singleLine = transcript(bigSize, 5).replace(/\n/g, " ");
  const singleT = best(1, () => scanText(singleLine));
  out(
    `single line ${(singleLine.length / MiB).toFixed(0)} MiB      ${
      show(singleLine.length, singleT)
    }`,
  );

  const patho = (quick ? 1 : 5) * MiB;
  const cases: [string, string][] = [
    ["one repeated letter", "a".repeat(patho)],
    ["base64 run", "QUJD".repeat(patho / 4)],
    ["'-----BEGIN ' repeated", "-----BEGIN RSA PRIVATE KEY-----\nMIIE".repeat(patho / 36)],
    ["'password=' repeated", "password=".repeat(patho / 9)],
    ["'@' and dots", "a.b@c.".repeat(patho / 6)],
    ["'://' and colons", "x://a:b:c:".repeat(patho / 10)],
    ["digits and dashes", "4111-".repeat(patho / 5)],
    ["phone-like", "+1 415 ".repeat(patho / 7)],
    ["JSON escapes", '\\n\\"\\u002b'.repeat(patho / 12)],
    ["'ghp_' repeated", "ghp_".repeat(patho / 4)],
    ["'Authorization: Bearer ' repeated", "Authorization: Bearer ".repeat(patho / 22)],
    ["'sk-' and dashes", "sk-a-".repeat(patho / 5)],
    ["long word then '='", "A".repeat(patho - 1) + "="],
  ];
  let worst = 0;
  for (const [name, text] of cases) {
    const t = best(1, () => scanText(text));
    worst = Math.max(worst, t.wall);
    out(
      `pathological: ${name.padEnd(36)} ${(text.length / MiB).toFixed(1)} MiB  ${
        t.wall.toFixed(0)
      } ms`,
    );
  }
  out(`pathological worst case ${worst.toFixed(0)} ms for ${(patho / MiB).toFixed(0)} MiB`);
}

if (import.meta.main) main();
