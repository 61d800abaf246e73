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
  ["zip -P", fill("zip -P ")],
  ["docker login -p", fill("docker login -p ")],
  ["netrc fields", fill("machine a login b password ")],
  ["SQL password quotes", fill("password '")],
  ["PHP define", fill("define('DB_PASSWORD', '")],
  ["setter names", fill("setToken")],
  ["name/value pairs", fill("- name: API_TOKEN\n  value: ")],
  ["password is", fill("password is ")],
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

/**
 * Inputs that ran the regex engine out of backtracking stack (a RangeError, not a slow scan)
 * while any regex repeated a group without bound: millions of repetitions of one group.
 */
const DEEP = 12 * 1024 * 1024;
const deepInputs: [string, () => string][] = [
  ["digits and dashes", () => "4111-".repeat(DEEP / 5)],
  ["one long number", () => "1".repeat(DEEP)],
  ["blank lines after a key header", () => "-----BEGIN RSA PRIVATE KEY-----" + "\n".repeat(DEEP)],
  [
    "numbered blank lines after a key header",
    () => "-----BEGIN EC PRIVATE KEY-----" + "\n 1→".repeat(DEEP / 4),
  ],
  [
    "PuTTY header then blank lines",
    () => "PuTTY-User-Key-File-3: ssh-rsa\nPrivate-Lines: 14\n" + "\n".repeat(DEEP),
  ],
  ["URL host of endless labels", () => "x://a:bcdefgh@" + "a.".repeat(DEEP / 2)],
  ["netrc fields then spaces", () => "machine a login b" + " ".repeat(DEEP) + "password xyzxyzxyz"],
  ["PowerShell -Force repeated", () => "ConvertTo-SecureString" + " -Force".repeat(DEEP / 7)],
];

for (const [name, make] of deepInputs) {
  Deno.test(`hostile input (${name}, 12 MiB) neither throws nor stalls`, () => {
    const text = make();
    const t = performance.now();
    scanText(text);
    assert.ok(performance.now() - t < LIMIT_MS, name);
  });
}
