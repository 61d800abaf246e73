import assert from "node:assert/strict";
import { lcg } from "./_helpers.ts";
import { buildKeywordIndex, findDigitRuns, findKeywords } from "../../src/scan/prefilter.ts";
import { RULES } from "../../src/scan/mod.ts";

/** Every occurrence of every keyword, found the slow way. */
function reference(text: string, keywords: readonly string[]): Set<string> {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const out = new Set<string>();
  keywords.forEach((k, i) => {
    const hay = k !== k.toLowerCase() ? text : lower;
    // An occurrence overlapping the previous reported one of the same keyword is not reported.
    let last = -Infinity;
    for (let p = hay.indexOf(k); p !== -1; p = hay.indexOf(k, p + 1)) {
      if (p < last + k.length) continue;
      out.add(`${p}:${i}`);
      last = p;
    }
  });
  return out;
}

function found(text: string, keywords: readonly string[]): Set<string> {
  const hits = findKeywords(text, buildKeywordIndex(keywords));
  const out = new Set<string>();
  for (let h = 0; h < hits.count; h++) out.add(`${hits.pos[h]}:${hits.keyword[h]}`);
  assert.equal(out.size, hits.count, "no duplicate hits");
  return out;
}

Deno.test("findKeywords finds exactly what a naive search finds (random texts, all rule keywords)", () => {
  const keywords = [...new Set(RULES.flatMap((r) => r.keywords))];
  const pieces = [
    ...keywords,
    ...keywords.map((k) => k.toUpperCase()),
    "a",
    " ",
    "\n",
    "→",
    "é",
    "x@y",
    "@@",
    "--",
    "0",
    "_",
  ];
  const rand = lcg(1);
  for (let round = 0; round < 300; round++) {
    const parts: string[] = [];
    for (let i = rand(40); i >= 0; i--) parts.push(pieces[rand(pieces.length)]);
    const text = parts.join(rand(2) ? "" : " ");
    assert.deepEqual(found(text, keywords), reference(text, keywords), `round ${round}`);
  }
});

Deno.test("findKeywords: case-sensitive keywords, one-character keywords, text edges", () => {
  const keywords = ["SKa", "@", "token", "Q~", "ab"];
  for (
    const text of [
      "SKa ska Ska",
      "@",
      "@@",
      "a@",
      "@a",
      "TOKEN token ToKeN",
      "x",
      "",
      "tokenSKa@",
      "Q~ xQ~ q~ AB xab aab",
    ]
  ) {
    assert.deepEqual(found(text, keywords), reference(text, keywords), JSON.stringify(text));
  }
  assert.throws(() => buildKeywordIndex([""]), TypeError);
  assert.throws(() => buildKeywordIndex(["é€x"]), TypeError);
});

Deno.test("digit regions cover every run of digits long enough, wherever it starts", () => {
  const index = buildKeywordIndex([]);
  for (let offset = 0; offset < 4; offset++) {
    for (
      const run of ["4111 1111 1111 1111", "+1 (415) 555-2671", "20261120", "12345678"]
    ) {
      const text = "x".repeat(offset) + "ab " + run + " cd";
      const hits = findKeywords(text, index, 8);
      const runs = findDigitRuns(text, hits.regions, 8);
      const start = text.indexOf(run);
      assert.ok(
        runs.some((_, i) => i % 3 === 0 && runs[i] <= start && runs[i + 1] >= start + run.length),
        `${run} at offset ${offset}`,
      );
    }
  }
  const none = findKeywords("1234567 and 12 34 56", index, 8);
  assert.deepEqual(findDigitRuns("1234567 and 12 34 56", none.regions, 8), []);
});

Deno.test("findKeywords across block boundaries: long texts match the naive search", () => {
  // Keywords that can overlap themselves (AAAA…) are left out: in a run of them, which
  // occurrence is reported first depends on the pair read, not on the position.
  const selfOverlapping = (k: string) =>
    [...Array(k.length - 1).keys()].some((i) => k.slice(0, i + 1) === k.slice(k.length - i - 1));
  const keywords = [...new Set(RULES.flatMap((r) => r.keywords))].filter((k) =>
    !selfOverlapping(k.toLowerCase())
  );
  const rand = lcg(7);
  for (let round = 0; round < 4; round++) {
    const parts: string[] = [];
    let size = 0;
    // Over 16,384 characters (two blocks of pairs and more), odd and even lengths.
    while (size < 40_000 + round) {
      const piece = rand(3) === 0 ? keywords[rand(keywords.length)] : "xyz ".slice(rand(4));
      parts.push(piece);
      size += piece.length;
    }
    const text = parts.join("").slice(0, 40_000 + round);
    assert.deepEqual(found(text, keywords), reference(text, keywords), `round ${round}`);
  }
});

Deno.test("digit regions find exactly the runs a whole-text search finds (random texts)", () => {
  const runRe = /[+(]?\d(?:[ \-.()\/+]{0,2}\d){6,}/g;
  const index = buildKeywordIndex(["token"]);
  const pieces = ["1", "23", "456", " ", "-", ".", "(", ")", "+", "/", "a", "x1", "  ", "\n", "é"];
  const rand = lcg(3);
  for (let round = 0; round < 200; round++) {
    const parts: string[] = [];
    // Some texts cross the pass's block boundary (16,384 characters).
    const count = round % 20 === 0 ? 12_000 : rand(60);
    for (let i = 0; i < count; i++) parts.push(pieces[rand(pieces.length)]);
    const text = parts.join("");
    for (const min of [8, 10, 13]) {
      const expected: number[] = [];
      for (const m of text.matchAll(runRe)) {
        const digits = m[0].replace(/\D/g, "").length;
        if (digits >= min) expected.push(m.index, m.index + m[0].length, digits);
      }
      const hits = findKeywords(text, index, min);
      assert.deepEqual(findDigitRuns(text, hits.regions, min), expected, `round ${round}`);
    }
  }
});

Deno.test("findKeywords block by block: the same hits and regions, seen as the pass goes", () => {
  const keywords = [...new Set(RULES.flatMap((r) => r.keywords))];
  const index = buildKeywordIndex(keywords);
  const rand = lcg(5);
  const pieces = [...keywords, "1234", " 56-78", "+1 (415) 555", " ", "\n", "→", "xyz"];
  const reuse = findKeywords("", index, 8);
  for (let round = 0; round < 6; round++) {
    const parts: string[] = [];
    let size = 0;
    while (size < 50_000 + round) {
      const piece = pieces[rand(pieces.length)];
      parts.push(piece);
      size += piece.length;
    }
    const text = parts.join("");
    const whole = findKeywords(text, index, 8);
    const expected = {
      pos: [...whole.pos.subarray(0, whole.count)],
      keyword: [...whole.keyword.subarray(0, whole.count)],
      regions: [...whole.regions],
    };
    const ends: number[] = [];
    let seen = 0;
    const blocks = findKeywords(text, index, 8, (hits, end) => {
      // Hits are only added: those seen before stay as they were.
      assert.ok(hits.count >= seen && end > (ends.at(-1) ?? 0) && end < text.length);
      assert.deepEqual([...hits.pos.subarray(0, seen)], expected.pos.slice(0, seen));
      seen = hits.count;
      ends.push(end);
    }, reuse);
    assert.equal(blocks, reuse);
    assert.ok(ends.length >= 2, "several blocks");
    assert.deepEqual({
      pos: [...blocks.pos.subarray(0, blocks.count)],
      keyword: [...blocks.keyword.subarray(0, blocks.count)],
      regions: [...blocks.regions],
    }, expected);
    // Digit runs looked for a few regions at a time are those of one search.
    const runs: number[] = [];
    let done = 0;
    for (let r = 0; r <= blocks.regions.length / 2; r += 1 + rand(5)) {
      findDigitRuns(text, blocks.regions.slice(0, 2 * r), 8, done, runs);
      done = r;
    }
    findDigitRuns(text, blocks.regions, 8, done, runs);
    assert.deepEqual(runs, findDigitRuns(text, blocks.regions, 8), `round ${round}`);
  }
});
