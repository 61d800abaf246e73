import assert from "node:assert/strict";
import { KNOWN_PREFIXES, luhnValid, maskPreview, shannonEntropy } from "../../src/scan/mod.ts";
import { fakeGithubToken, fakePem } from "./_helpers.ts";

Deno.test("maskPreview shows only a known prefix and the length", () => {
  assert.equal(maskPreview(fakeGithubToken()), "ghp_…(40 chars)");
  assert.equal(maskPreview("AKIA" + "Q".repeat(16)), "AKIA…(20 chars)");
  assert.equal(maskPreview("sk-" + "a1".repeat(20)), "sk-…(43 chars)");
  assert.ok(maskPreview(fakePem()).startsWith("-----BEGIN…("));
  assert.equal(maskPreview("Bearer " + "t0k".repeat(10)), "Bearer…(37 chars)");
  assert.equal(maskPreview("basic " + "dXNl".repeat(4)), "Basic…(22 chars)");
  assert.equal(maskPreview("jo" + "@" + "acme.io"), "…@…(10 chars)");
  assert.equal(maskPreview("4111 1111 1111 1111"), "…(16 digits)");
  assert.equal(maskPreview("Zx8" + "Qw7Er6Ty5"), "…(12 chars)");
  assert.equal(maskPreview("ghp_"), "…(4 chars)");
  assert.equal(maskPreview(""), "…(0 chars)");
});

Deno.test("maskPreview never shows more than the constant prefix", () => {
  const randomPart = "R4nd0mP4rtX9";
  const values = [
    ...KNOWN_PREFIXES.map((p) => p + randomPart),
    randomPart,
    "Bearer " + randomPart,
    randomPart + "@acme.io",
  ];
  for (const v of values) {
    const preview = maskPreview(v);
    for (let i = 0; i + 4 <= randomPart.length; i++) {
      assert.ok(!preview.includes(randomPart.slice(i, i + 4)), `preview leaks (value #${i})`);
    }
    const shown = preview.slice(0, preview.indexOf("…"));
    assert.ok(
      shown === "" || KNOWN_PREFIXES.includes(shown) || ["Bearer", "Basic"].includes(shown),
      "only a known prefix is shown",
    );
  }
});

Deno.test("shannonEntropy", () => {
  assert.equal(shannonEntropy(""), 0);
  assert.equal(shannonEntropy("aaaa"), 0);
  assert.equal(shannonEntropy("ab"), 1);
  assert.equal(shannonEntropy("abcdefgh"), 3);
  assert.ok(shannonEntropy("Zx8Qw7Er6Ty5") > 3.5);
});

Deno.test("luhnValid", () => {
  assert.equal(luhnValid("4" + "1".repeat(15)), true);
  assert.equal(luhnValid("79927398713"), true);
  assert.equal(luhnValid("79927398710"), false);
  assert.equal(luhnValid("4" + "1".repeat(14) + "2"), false);
  assert.equal(luhnValid("4111-1111"), false);
  assert.equal(luhnValid("0"), false);
});
