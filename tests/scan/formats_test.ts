/**
 * Every credential and personal-data format of the evaluation corpus, with values generated at
 * run time: a bare value (or its `NAME=value` line) is found by the expected rule, and the
 * findings cannot hold any part of the value: each field is a constant of the rule (id,
 * description, path) or a preview made only of a well-known prefix and a length, plus a hash.
 */
import assert from "node:assert/strict";
import { KNOWN_PREFIXES, RULES, scanText } from "../../src/scan/mod.ts";
import { FORMATS } from "./corpus/formats.ts";
import { Rng } from "./corpus/random.ts";
import { assertNoLeak } from "./_helpers.ts";

const rng = new Rng(4242);
const descriptions = new Map(RULES.map((r) => [r.id, r.description]));
const shown = [...KNOWN_PREFIXES, "Bearer", "Basic", "Token", "Digest", ""];

for (const format of FORMATS) {
  Deno.test(`format ${format.id}: found by ${format.rule}, masked, not leaked`, () => {
    for (let i = 0; i < 5; i++) {
      const value = format.make(rng);
      const text = format.kind === "named" || format.kind === "envline"
        ? `${format.name}=${value}`
        : value;
      const findings = scanText(text);
      assert.ok(
        findings.some((f) => f.rule === format.rule),
        `${format.id} sample ${i}: expected ${format.rule}, got ${findings.map((f) => f.rule)}`,
      );
      for (const f of findings) {
        const description = descriptions.get(f.rule)!;
        assert.ok(
          f.description === description || f.description === `${description} (base64-encoded)`,
          `${format.id}: description is the rule's`,
        );
        assert.equal(f.path, "(text)");
        const m = /^…@…\(\d+ chars\)$|^(.*)…\(\d+ (?:chars|digits)\)$/.exec(f.preview);
        assert.ok(m !== null && shown.includes(m[1] ?? ""), `${format.id}: preview shape`);
        assert.match(f.fingerprint ?? "", /^[0-9a-f]{64}$/);
      }
      // And, directly: the last 12 characters (random in every token format) appear nowhere.
      const tail = value.replace(/[\s=-]*(?:-----END [A-Z ]+-----)?(?:\\n)?["}\s]*$/, "")
        .slice(-12);
      if (tail.length === 12 && !value.endsWith("}")) {
        assertNoLeak(findings, tail, `${format.id} sample ${i}`);
      }
    }
  });
}
