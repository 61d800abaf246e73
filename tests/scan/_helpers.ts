/**
 * Test helpers for the scanner: secrets are assembled at run time from harmless pieces, so no
 * realistic secret is ever committed, and leak checks never print the secret.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Finding } from "../../src/scan/types.ts";
import { withBase62Crc32 } from "../../src/scan/checksum.ts";

/** A fake GitHub classic token: `ghp_` + 36 alphanumerics (its checksum is not valid). */
export function fakeGithubToken(prefix = "ghp_"): string {
  return prefix + "Q7w" + "E9r".repeat(11);
}

/**
 * A GitHub-format token with a valid CRC-32 checksum, its 30 random characters drawn from
 * `seed` (a test value, never a real credential).
 */
export function checksummedToken(prefix = "ghp_", seed = 7): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = seed >>> 0;
  let body = "";
  for (let i = 0; i < 30; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    body += alphabet[s % alphabet.length];
  }
  return withBase62Crc32(prefix, body);
}

/**
 * A seeded linear congruential generator for property tests: each call gives an integer in
 * [0, n). With `highBits`, taken from the state's high 16 bits (its low bits repeat with a short
 * period).
 */
export function lcg(seed: number, highBits = false): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (highBits ? s >>> 16 : s) % n;
  };
}

/** A fake PEM private key block with real newlines. */
export function fakePem(kind = "RSA PRIVATE KEY"): string {
  const line = "Mn" + "Qz7Kp2Xw".repeat(8).slice(0, 62);
  return `-----BEGIN ${kind}-----\n${line}\n${line}\n${"Vb3d".repeat(5)}==\n-----END ${kind}-----`;
}

/** The part of a secret that must never appear, with a known non-secret prefix removed. */
function secretPart(secret: string, knownPrefix: string): string {
  return secret.startsWith(knownPrefix) ? secret.slice(knownPrefix.length) : secret;
}

/**
 * Asserts that no 6-character window of `secret` (after its known, non-secret prefix) appears in
 * the findings' JSON. The assertion message never includes the secret.
 */
export function assertNoLeak(
  findings: readonly Finding[],
  secret: string,
  label: string,
  knownPrefix = "",
): void {
  const json = JSON.stringify(findings);
  assert.ok(!json.includes(secret), `findings for ${label} contain the whole secret`);
  const part = secretPart(secret, knownPrefix);
  for (let i = 0; i + 6 <= part.length; i++) {
    if (json.includes(part.slice(i, i + 6))) {
      assert.fail(`findings for ${label} contain a piece of the secret at offset ${i}`);
    }
  }
}

/** The rule ids of some findings, in order. */
export function ruleIds(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.rule);
}
