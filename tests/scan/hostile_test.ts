/**
 * Hostile input finishes promptly: every regex is linear (no catastrophic backtracking) and
 * memory stays bounded. Each input is 5 MiB (the 50 MiB case is in bench/scan_bench.ts); the
 * limits are generous for slow CI machines, and far below what a backtracking blow-up takes.
 */
import assert from "node:assert/strict";
import { scanRecord, scanText } from "../../src/scan/mod.ts";

const SIZE = 5 * 1024 * 1024;
const LIMIT_MS = 6000;

function fill(unit: string): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
}

const inputs: [string, string][] = [
  ["one letter", fill("a")],
  ["base64 run", fill("QUJD")],
  ["PEM headers", fill("-----BEGIN RSA PRIVATE KEY-----\nMIIE")],
  ["password=", fill("password=")],
  ["token: quotes", fill('token: "')],
  ["emails", fill("a.b@c.")],
  ["url userinfo", fill("x://a:b:c:")],
  ["digits and dashes", fill("4111-")],
  ["phone-like", fill("+1 415 ")],
  ["JSON escapes", fill('\\n\\"\\u002b')],
  ["ghp_", fill("ghp_")],
  ["Authorization: Bearer", fill("Authorization: Bearer ")],
  ["sk- and dashes", fill("sk-a-")],
  ["long word then =", "A".repeat(SIZE - 1) + "="],
  ["_KEY=", fill("A_KEY=")],
  ["mnemonic words", fill("mnemonic: abandon ability able ")],
];

for (const [name, text] of inputs) {
  Deno.test(`hostile input (${name}, 5 MiB) is scanned in linear time`, () => {
    const t = performance.now();
    scanText(text);
    const ms = performance.now() - t;
    assert.ok(ms < LIMIT_MS, `${name}: ${ms.toFixed(0)} ms`);
  });
}

Deno.test("a 5 MiB single-line record field and 20,000 small fields finish promptly", () => {
  const words = "the token session cache login race fix deploy ".repeat(SIZE / 48);
  let t = performance.now();
  scanRecord({ summary: "s", messages: [{ role: "user", text: words }] });
  assert.ok(performance.now() - t < LIMIT_MS);
  const messages = Array.from({ length: 20_000 }, (_, i) => ({ role: "user", text: `step ${i}` }));
  t = performance.now();
  assert.deepEqual(scanRecord({ messages }), []);
  assert.ok(performance.now() - t < LIMIT_MS);
});
