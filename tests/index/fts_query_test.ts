import assert from "node:assert/strict";
import {
  ftsMatchExpression,
  MAX_QUERY_TERMS,
  queryTerms,
  STOPWORDS,
} from "../../src/index/fts_query.ts";

Deno.test("query words: operators become plain words, stopwords go when others remain", () => {
  assert.deepEqual(queryTerms('how did we fix the "login" race*?'), ["fix", "login", "race"]);
  assert.deepEqual(queryTerms("the"), ["the"]);
  assert.deepEqual(queryTerms("NEAR(a b) -c"), ["near", "b", "c"]);
  assert.deepEqual(queryTerms("café Ünïcode 日本語"), ["café", "ünïcode", "日本語"]);
  assert.deepEqual(queryTerms("!!! ()"), []);
  assert.equal(
    queryTerms(Array.from({ length: 50 }, (_, i) => `w${i}`).join(" ")).length,
    MAX_QUERY_TERMS,
  );
});

Deno.test("match expressions quote every term", () => {
  assert.equal(ftsMatchExpression(["login", "race"], "all"), '"login" "race"');
  assert.equal(ftsMatchExpression(["login", "race"], "any"), '"login" OR "race"');
  assert.equal(ftsMatchExpression([], "all"), undefined);
});

Deno.test("query words: the ASCII fast path finds exactly what the Unicode pattern finds", () => {
  // The previous implementation, Unicode pattern only.
  const reference = (text: string) => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
    const unique = [...new Set(words)];
    const content = unique.filter((w) => !STOPWORDS.has(w));
    return (content.length > 0 ? content : unique).slice(0, MAX_QUERY_TERMS);
  };
  const alphabet = [
    "a",
    "Z",
    "9",
    "_",
    " ",
    "-",
    ".",
    '"',
    "(",
    "*",
    ":",
    "\t",
    "\n",
    "\u0001",
    "\u007f",
    "the",
    "of",
    "K",
    "\u0130",
    "\u00df",
    "\u00e9",
    "\u65e5",
    "\u212a",
    "\u{1d400}",
  ];
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 3000; i++) {
    const text = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join("");
    assert.deepEqual(queryTerms(text), reference(text), JSON.stringify(text));
  }
});
