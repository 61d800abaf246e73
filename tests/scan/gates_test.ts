import assert from "node:assert/strict";
import { lcg } from "./_helpers.ts";
import { scanText } from "../../src/scan/mod.ts";
import { assignmentAhead, type Rule, RULES } from "../../src/scan/rules.ts";
import { isCodeName, isSequential, plausibleTokenBody } from "../../src/scan/validators.ts";

/**
 * The generic rule's gate is a cheap necessary condition: with the plain assignment gate in its
 * place, random assignment-shaped texts give exactly the same findings.
 */
Deno.test("the generic assignment gate never hides a finding the plain gate allows", () => {
  const plain: Rule[] = RULES.map((r) =>
    r.id === "generic-secret-assignment" ? { ...r, gate: assignmentAhead } : r
  );
  assert.ok(RULES.some((r) => r.id === "generic-secret-assignment"));
  const names = ["password", "api_key", "token", "client_secret", "input_tokens", "DB_PASS", "pwd"];
  const seps = ["=", ": ", " = ", ":=", "=>", '": ', '":"', "='", "  =  ", '\\": \\"', ":=:", "=="];
  const alnum = "aZ9x7QpRk3mW";
  const special = "+/_-.,;&<\"'`\\ \t$!#é\u00a0";
  let found = 0;
  // High bits: the low bits of this generator repeat with a short period.
  const rand = lcg(11, true);
  for (let round = 0; round < 3000; round++) {
    let value = "";
    for (let i = rand(24); i > 0; i--) {
      value += rand(8) === 0 ? special[rand(special.length)] : alnum[rand(alnum.length)];
    }
    const text = `${names[rand(names.length)]}${seps[rand(seps.length)]}${value}`;
    const a = scanText(text).map((f) => `${f.rule}@${f.column}`);
    const b = scanText(text, "(text)", plain).map((f) => `${f.rule}@${f.column}`);
    assert.deepEqual(a, b, `round ${round}`);
    if (a.length > 0) found++;
  }
  // The texts are close enough to real assignments that many are findings.
  assert.ok(found > 300, `${found} texts with findings`);
});

Deno.test("plausibleTokenBody's one pass agrees with its three separate checks", () => {
  const hasRunOf6 = (v: string) => /([\s\S])\1{5}/.test(v);
  const reference = (body: string) => {
    if (body.length === 0) return false;
    const head = body.length > 160 ? body.slice(0, 160) : body;
    if (
      /\*\*|\.\.\.|…|•|[<>{}$]|xxxx|your|example|sample|dummy|placeholder|redacted|insert|replace|changeme|fake|token_?here|key_?here/i
        .test(head)
    ) return false;
    return !hasRunOf6(head) && !isSequential(head) && new Set(head).size >= 3;
  };
  const alphabets = ["ab", "abc", "aZ9", "0123456789", "abcdefghij", "Qx7é€", "aaaaab", "AB12"];
  const rand = lcg(5, true);
  let plausible = 0;
  for (let round = 0; round < 5000; round++) {
    const alphabet = alphabets[rand(alphabets.length)];
    let body = "";
    for (let i = rand(round % 50 === 0 ? 400 : 30); i > 0; i--) {
      body += alphabet[rand(alphabet.length)];
    }
    // Sequences and runs too.
    if (round % 7 === 0) body += "abcdefgh".slice(rand(8));
    if (round % 11 === 0) body = "z".repeat(rand(9)) + body;
    assert.equal(plausibleTokenBody(body), reference(body), `round ${round}`);
    if (reference(body)) plausible++;
  }
  assert.ok(plausible > 1000 && plausible < 4900, `${plausible} plausible bodies`);
});

Deno.test("code names are not secrets; random values are practically never code names", () => {
  for (const name of ["Uint8Array", "Ed25519PrivateKey", "round1Public", "JWTPayload2"]) {
    assert.ok(isCodeName(name), name);
  }
  for (const value of ["xK9mQ2vL8pR4", "Tr0ub4dor3", "GFACkxHdzRpoYr", "abcd3efgh"]) {
    assert.ok(!isCodeName(value), "a random-looking value");
  }
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const rand = lcg(9, true);
  let named = 0;
  for (let i = 0; i < 20_000; i++) {
    let value = "k";
    for (let j = rand(24) + 11; j > 0; j--) value += alphabet[rand(alphabet.length)];
    if (isCodeName(value)) named++;
  }
  assert.ok(named <= 2, `${named} random values taken for code names`);
});
