import assert from "node:assert/strict";
import {
  applyScanPolicy,
  applyScanPolicyToText,
  DEFAULT_SCAN_POLICY,
  fingerprint,
  FINGERPRINT_LABEL,
  mergeScanPolicies,
  parseScanPolicy,
  policySelectors,
  scanRecord,
} from "../../src/scan/mod.ts";
import { LumeraError } from "../../src/errors.ts";
import { assertNoLeak, checksummedToken, ruleIds } from "./_helpers.ts";

const email = "jane.roe" + "@" + "acme-corp.io";
const phone = "+1 415 " + "555 2671";
const gh = checksummedToken("ghp_", 11);
const password = "Zx8" + "Qw7Er6Ty5";

function record() {
  return {
    summary: `mail ${email}, call ${phone}`,
    tags: ["ops"],
    messages: [
      { role: "user", text: `deploy with ${gh}` },
      { role: "assistant", text: `password=${password}\nthanks ${email}` },
    ],
  };
}

function usageError(fn: () => unknown): LumeraError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LumeraError);
    assert.equal(e.code, "USAGE");
    return e;
  }
  assert.fail("expected a USAGE error");
}

Deno.test("the default policy blocks everything, exactly as scanRecord reports it", () => {
  const r = record();
  const result = applyScanPolicy(r, DEFAULT_SCAN_POLICY);
  assert.equal(result.record, r);
  assert.deepEqual(result.findings, scanRecord(r));
  assert.deepEqual(result.redactions, []);
  assert.deepEqual(result.allowed, []);
  assert.deepEqual(parseScanPolicy(undefined), DEFAULT_SCAN_POLICY);
  assert.deepEqual(parseScanPolicy(null), DEFAULT_SCAN_POLICY);
});

Deno.test("redact pii: values replaced in a copy, secrets still block, nothing leaks", () => {
  const r = record();
  const before = JSON.stringify(r);
  const result = applyScanPolicy(r, parseScanPolicy({ actions: { pii: "redact" } }));
  assert.equal(JSON.stringify(r), before, "input untouched");
  const out = result.record as ReturnType<typeof record>;
  assert.equal(
    out.summary,
    "mail [REDACTED:email-address], call [REDACTED:phone-number]",
  );
  assert.equal(out.messages[1].text, `password=${password}\nthanks [REDACTED:email-address]`);
  assert.deepEqual(result.redactions.map((f) => [f.path, f.rule]).sort(), [
    ["messages[1].text", "email-address"],
    ["summary", "email-address"],
    ["summary", "phone-number"],
  ]);
  assert.deepEqual(ruleIds(result.findings), ["github-token", "generic-secret-assignment"]);
  for (const list of [result.findings, result.redactions]) {
    assertNoLeak(list, email, "email");
    assertNoLeak(list, gh, "token", "ghp_");
    assertNoLeak(list, password, "password");
  }
});

Deno.test("per-rule actions win over their group; aliases name rules", () => {
  const policy = parseScanPolicy({
    actions: { secret: "redact", pii: "allow", email: "redact", "github-token": "block" },
  });
  const result = applyScanPolicy(record(), policy);
  const out = result.record as ReturnType<typeof record>;
  assert.ok(out.summary.includes("[REDACTED:email-address]") && out.summary.includes(phone));
  assert.equal(
    out.messages[1].text.split("\n")[0],
    "password=[REDACTED:generic-secret-assignment]",
  );
  assert.deepEqual(ruleIds(result.findings), ["github-token"]);
  assert.deepEqual(ruleIds(result.allowed), ["phone-number"]);
});

Deno.test("redacting everything leaves a clean record (re-scanned)", () => {
  const result = applyScanPolicy(
    record(),
    parseScanPolicy({ actions: { secret: "redact", pii: "redact" } }),
  );
  assert.deepEqual(result.findings, []);
  assert.deepEqual(scanRecord(result.record), []);
  assert.equal(result.redactions.length, 5);
});

Deno.test("a value is allowed by its fingerprint, never by the value itself", () => {
  const [f] = scanRecord({ t: gh });
  assert.equal(f.fingerprint, fingerprint(gh, "github-token"));
  const result = applyScanPolicy(
    record(),
    parseScanPolicy({ allow: [{ fingerprint: f.fingerprint, note: "fixture" }] }),
  );
  assert.ok(!ruleIds(result.findings).includes("github-token"));
  assert.ok(ruleIds(result.allowed).includes("github-token"));
  // Uppercase hex is accepted; the value itself is refused, without being echoed.
  parseScanPolicy({ allow: [f.fingerprint!.toUpperCase()] });
  const e = usageError(() => parseScanPolicy({ allow: [gh] }));
  assert.ok(!e.message.includes(gh.slice(4)) && !(e.hint ?? "").includes(gh.slice(4)));
});

Deno.test("fingerprints: domain-separated SHA-256, canonical for cards, phones and emails", () => {
  assert.equal(FINGERPRINT_LABEL, "lumera-memory/scan-fingerprint/v1");
  assert.match(fingerprint("x"), /^[0-9a-f]{64}$/);
  assert.notEqual(fingerprint("x"), fingerprint("y"));
  const card = "4539" + "5787" + "6362" + "1486"; // Luhn-valid, not a test card
  assert.equal(
    fingerprint(card, "payment-card"),
    fingerprint(card.replace(/(\d{4})(?=\d)/g, "$1 "), "payment-card"),
  );
  assert.equal(
    fingerprint("+1 (415) 555-2671", "phone-number"),
    fingerprint("+14155552671", "phone-number"),
  );
  assert.equal(
    fingerprint("Jane@Acme.io", "email-address"),
    fingerprint("jane@acme.io", "email-address"),
  );
});

Deno.test("redaction inside object keys, numbers and base64 runs", () => {
  const card = Number("4539" + "5787" + "6362" + "1486"); // Luhn-valid, not a test card
  const env = btoa(`NODE_ENV=prod\nGITHUB_TOKEN=${gh}\n`);
  const r = { [email]: "x", pay: { number: card }, cfg: `echo ${env} | base64 -d` };
  const result = applyScanPolicy(
    r,
    parseScanPolicy({ actions: { pii: "redact", secret: "redact" } }),
  );
  const out = result.record as Record<string, unknown>;
  assert.deepEqual(Object.keys(out).sort(), ["[REDACTED:email-address]", "cfg", "pay"]);
  assert.deepEqual(out.pay, { number: "[REDACTED:payment-card]" });
  assert.equal(out.cfg, "echo [REDACTED:github-token] | base64 -d");
  assert.deepEqual(result.findings, []);
});

Deno.test("applyScanPolicyToText redacts a text and reports under its path", () => {
  const text = `ping ${email} with ${gh}`;
  const result = applyScanPolicyToText(
    text,
    parseScanPolicy({ actions: { email: "redact" } }),
    "x.txt",
  );
  assert.equal(result.text, `ping [REDACTED:email-address] with ${gh}`);
  assert.deepEqual(result.findings.map((f) => [f.path, f.rule]), [["x.txt", "github-token"]]);
  assert.deepEqual(result.redactions.map((f) => f.column), [6]);
});

Deno.test("merge: the override wins per rule and group; allow-lists add up", () => {
  const base = parseScanPolicy({
    actions: { pii: "redact", email: "allow" },
    allow: ["a".repeat(64)],
  });
  const over = parseScanPolicy({ actions: { email: "block" }, allow: ["b".repeat(64)] });
  const merged = mergeScanPolicies(base, over);
  assert.deepEqual(merged.rules, { "email-address": "block" });
  assert.deepEqual(merged.groups, { pii: "redact" });
  assert.deepEqual([...merged.allow].sort(), ["a".repeat(64), "b".repeat(64)]);
});

Deno.test("invalid policies fail with USAGE and never echo what could be a secret", () => {
  usageError(() => parseScanPolicy("block"));
  usageError(() => parseScanPolicy([]));
  usageError(() => parseScanPolicy({ action: {} }));
  usageError(() => parseScanPolicy({ actions: [] }));
  usageError(() => parseScanPolicy({ actions: { email: "hide" } }));
  usageError(() => parseScanPolicy({ actions: { secret: "allow" } }));
  usageError(() => parseScanPolicy({ actions: { "github-token": "allow" } }));
  usageError(() => parseScanPolicy({ allow: "x" }));
  usageError(() => parseScanPolicy({ allow: [{ fingerprint: "a".repeat(64), why: 1 }] }));
  const unknown = usageError(() => parseScanPolicy({ actions: { [gh]: "redact" } }));
  assert.ok(!unknown.message.includes(gh.slice(4, 20)), "selector not echoed");
  assert.match(
    usageError(() => parseScanPolicy({ actions: { emial: "redact" } })).message,
    /"emial"/,
  );
});

Deno.test("policySelectors lists rule ids, aliases and groups", () => {
  const s = policySelectors();
  assert.ok(s.rules.includes("github-token"));
  assert.deepEqual(s.aliases.email, ["email-address"]);
  assert.deepEqual(s.aliases.phone.sort(), ["phone-number", "phone-number-labelled"]);
  assert.deepEqual(s.groups, ["secret", "pii"]);
});
