import assert from "node:assert/strict";
import { base62Crc32Valid, crc32 } from "../../src/scan/mod.ts";
import { base62, withBase62Crc32 } from "../../src/scan/checksum.ts";
import { checksummedToken, ruleIds } from "./_helpers.ts";
import { scanText } from "../../src/scan/mod.ts";

Deno.test("crc32 matches the standard check value", () => {
  assert.equal(crc32("123456789"), 0xcbf43926);
  assert.equal(crc32(""), 0);
  assert.equal(crc32("The quick brown fox jumps over the lazy dog"), 0x414fa339);
});

Deno.test("base62 encodes with the 0-9A-Za-z alphabet, padded to 6", () => {
  assert.equal(base62(0), "000000");
  assert.equal(base62(61), "00000z");
  assert.equal(base62(62), "000010");
  assert.equal(base62(0xffffffff), "4gfFC3");
});

Deno.test("GitHub and npm checksums: generated tokens verify, altered ones do not", () => {
  // The example from GitHub-style token documentation: 30 random characters + checksum.
  const body = "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ";
  assert.equal(withBase62Crc32("ghp_", body), "ghp_" + body + "0mLq17");
  for (const prefix of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "npm_"]) {
    const token = checksummedToken(prefix, prefix.length * 31);
    assert.ok(base62Crc32Valid(token, prefix), `${prefix} checksum`);
    const altered = token.slice(0, 10) + (token[10] === "a" ? "b" : "a") + token.slice(11);
    assert.ok(!base62Crc32Valid(altered, prefix), `${prefix} altered checksum`);
  }
  assert.ok(!base62Crc32Valid("ghp_short", "ghp_"));
});

Deno.test("a token with a valid checksum is always reported, even when it looks odd", () => {
  for (const prefix of ["ghp_", "gho_", "npm_"]) {
    const token = checksummedToken(prefix, 99);
    const id = prefix === "npm_" ? "npm-token" : "github-token";
    assert.deepEqual(ruleIds(scanText(`token is ${token}`)), [id], `${prefix} reported`);
  }
});

Deno.test("a token without a valid checksum is reported only when its random part is plausible", () => {
  const plausible = "ghp_" + "R4nd0mT0k3nV4lu3".repeat(2) + "abcd";
  assert.deepEqual(ruleIds(scanText(plausible)), ["github-token"]);
  for (
    const placeholder of ["x".repeat(36), "0".repeat(36), "1234567890abcdefghijklmnopqrstuvwxyz"]
  ) {
    assert.deepEqual(ruleIds(scanText(`ghp_${placeholder}`)), [], "placeholder body");
  }
});
