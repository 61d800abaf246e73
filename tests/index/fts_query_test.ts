import assert from "node:assert/strict";
import { ftsMatchExpression, MAX_QUERY_TERMS, queryTerms } from "../../src/index/fts_query.ts";

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
