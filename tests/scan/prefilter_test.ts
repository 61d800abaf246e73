import assert from "node:assert/strict";
import { buildKeywordIndex, findDigitRuns, findKeywords } from "../../src/scan/prefilter.ts";
import { RULES } from "../../src/scan/mod.ts";

/** Every occurrence of every keyword, found the slow way. */
function reference(text: string, keywords: readonly string[]): Set<string> {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const out = new Set<string>();
  keywords.forEach((k, i) => {
    const hay = k !== k.toLowerCase() ? text : lower;
    for (let p = hay.indexOf(k); p !== -1; p = hay.indexOf(k, p + 1)) out.add(`${p}:${i}`);
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
  let seed = 1;
  const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
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
