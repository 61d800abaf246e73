/**
 * Realistic generated records for benchmarks and load tests: text drawn from a Zipf-distributed
 * 20,000-word vocabulary (exponent 1.0), so a few words are everywhere and most are rare, like
 * real text. Deterministic for a given seed. Nothing generated here looks like a secret.
 *
 * @module
 */

// Common words first (they get the highest Zipf weights), then generated syllable words.
const COMMON = (
  "the a to of and in is it that for we i this on with be as not are was you have but at or " +
  "from by so if can will do error test file function run fix code line call return value " +
  "login race refresh token session cache invalidation migration column index postgres sqlite " +
  "flaky retry timeout deadlock mutex queue worker rate limiter bucket tenant redis deploy"
).split(" ");
const SYLLABLES = "ka ro mi te su na lo vi de pa ze bu fi gor lin tar mex qua sol dra pen vur cho"
  .split(" ");

/** A small, fast, seeded pseudo-random generator (LCG) returning numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The vocabulary, most frequent first. */
export const VOCAB: readonly string[] = (() => {
  const r = rng(1);
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < 20_000) {
    let w = "";
    const n = 2 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
})();

/**
 * A Zipf sampler (exponent 1.0) over `words`, most frequent first: maps a uniform `x` in [0, 1)
 * to the word whose cumulative weight first reaches `x`.
 */
export function zipfSampler(words: readonly string[]): (x: number) => string {
  const cdf = new Float64Array(words.length);
  let sum = 0;
  for (let i = 0; i < words.length; i++) cdf[i] = sum += 1 / (i + 1);
  for (let i = 0; i < cdf.length; i++) cdf[i] /= sum;
  return (x) => {
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
}

const zipfWord = zipfSampler(VOCAB);

/** A sentence of `n` Zipf words and a full stop. */
export function sentence(rand: () => number, n: number): string {
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(zipfWord(rand()));
  return w.join(" ") + ".";
}

/** A generated coding session of about `targetBytes` (as record JSON). */
export interface GeneratedSession {
  session_id: string;
  timestamp: string;
  tool_name: string;
  success: boolean;
  summary: string;
  title: string;
  tags: string[];
  workspace: string;
  messages: { role: "user" | "assistant"; text: string }[];
}

/** A session with alternating user/assistant messages adding up to about `targetBytes`. */
export function session(i: number, targetBytes: number, rand: () => number): GeneratedSession {
  const messages: GeneratedSession["messages"] = [];
  let size = 0;
  let m = 0;
  while (size < targetBytes) {
    const text = `Step ${m}: ${sentence(rand, 40)} I checked src/module_${m % 17}.ts line ${
      m * 7
    }.`;
    messages.push({ role: m % 2 ? "assistant" : "user", text });
    size += text.length + 40;
    m++;
  }
  return {
    session_id: `bench-${i}`,
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    tool_name: ["claude-code", "codex", "gemini"][i % 3],
    success: i % 5 !== 0,
    summary: sentence(rand, 12),
    title: sentence(rand, 6),
    tags: [["auth", "bugfix"], ["db"], ["perf", "test"], ["infra"]][i % 4],
    workspace: `/work/project-${i % 5}`,
    messages,
  };
}

/** A short note (what an agent saves with `remember`): a title and 2–6 sentences. */
export interface GeneratedNote {
  title: string;
  text: string;
  tags: string[];
}

/** Note `i`: a unique title (it carries `i`) and 2–6 Zipf sentences. */
export function note(i: number, rand: () => number): GeneratedNote {
  const n = 2 + Math.floor(rand() * 5);
  const parts: string[] = [];
  for (let s = 0; s < n; s++) parts.push(sentence(rand, 8 + Math.floor(rand() * 12)));
  return {
    title: `note ${i}: ${sentence(rand, 5)}`,
    text: parts.join(" "),
    tags: [["auth"], ["db", "perf"], ["test"], ["infra", "deploy"], []][i % 5],
  };
}

/**
 * Search words of middling frequency (ranks 100–3,000 of the vocabulary), the way people and
 * agents search: not the stopwords everyone has, not words nobody wrote.
 */
export function searchWords(count: number, seed = 99): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(VOCAB[100 + Math.floor(r() * 2_900)]);
  return out;
}
