/**
 * The scan policy: what happens to each finding before a store — `block` (the default: the
 * store is refused), `redact` (the value is replaced with `[REDACTED:<rule>]`, the result is
 * scanned again, and anything that remains refuses the store), or `allow` (stored as is).
 *
 * Actions are set per rule (its id, or a short alias such as `email`, `phone`, `card`) or per
 * group (`secret`, `pii`); a rule's own setting wins over its group's. Secrets can be redacted
 * but never allowed wholesale: a specific value is allowed by its fingerprint (a SHA-256 of the
 * value, never the value; see `fingerprint.ts`), like a `.gitleaksignore` entry. With no policy,
 * everything blocks (fail-closed).
 *
 * Configuration (JSON), e.g. in a config file:
 *
 * ```json
 * {
 *   "actions": { "pii": "redact", "email": "allow", "generic-secret-assignment": "redact" },
 *   "allow": ["<64 hex fingerprint>", { "fingerprint": "<64 hex>", "note": "test fixture" }]
 * }
 * ```
 *
 * Everything here is pure: no I/O, nothing logged, and no value ever appears in a result or an
 * error.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";
import type { Finding } from "./types.ts";
import { type Rule, type RuleGroup, RULES } from "./rules.ts";
import { FINGERPRINT_PATTERN } from "./fingerprint.ts";
import {
  DEFAULT_TEXT_PATH,
  type FieldRef,
  type RecordFinding,
  scanRecordDetailed,
  scanTextDetailed,
} from "./scanner.ts";

/** What happens to a finding. */
export type ScanAction = "block" | "redact" | "allow";

/** A validated scan policy (build one with {@link parseScanPolicy}). */
export interface ScanPolicy {
  /** Action per rule id. */
  readonly rules: Readonly<Record<string, ScanAction>>;
  /** Action per group, for rules without their own. */
  readonly groups: Readonly<Partial<Record<RuleGroup, ScanAction>>>;
  /** Fingerprints (64 lowercase hex) of values allowed wherever they occur. */
  readonly allow: readonly string[];
}

/** The default policy: every finding blocks. */
export const DEFAULT_SCAN_POLICY: ScanPolicy = Object.freeze({
  rules: Object.freeze({}),
  groups: Object.freeze({}),
  allow: Object.freeze([]) as readonly string[],
});

/** A replaced value: where it was (in the record as given), which rule, its fingerprint. */
export type Redaction = Finding;

/** The outcome of {@link applyScanPolicy}. */
export interface ScanPolicyResult {
  /**
   * The record to store: the input itself when nothing was redacted, otherwise a copy with each
   * redacted value replaced by `[REDACTED:<rule>]` (the input is never modified).
   */
  record: unknown;
  /**
   * Findings that still block, in the returned record: the store must be refused when this is
   * not empty. Blocked findings, and anything a redaction did not remove.
   */
  findings: Finding[];
  /** What was redacted (positions in the record as given). */
  redactions: Redaction[];
  /** What the policy let through (by rule, group or fingerprint), in the returned record. */
  allowed: Finding[];
}

/** The outcome of {@link applyScanPolicyToText}. */
export interface ScanPolicyTextResult {
  /** The text, redacted where the policy says so. */
  text: string;
  /** Findings that still block, in the returned text. */
  findings: Finding[];
  /** What was redacted (positions in the text as given). */
  redactions: Redaction[];
  /** What the policy let through, in the returned text. */
  allowed: Finding[];
}

const ACTIONS: readonly ScanAction[] = ["block", "redact", "allow"];
const GROUPS: readonly RuleGroup[] = ["secret", "pii"];

function usage(message: string, hint?: string): LumeraError {
  return new LumeraError("USAGE", message, { hint });
}

/** A selector is echoed in errors only when it cannot be a secret: a short word list id. */
function shown(selector: string): string {
  return /^[a-z][a-z-]{0,39}$/.test(selector) ? `"${selector}"` : "(not shown)";
}

/** The names a policy may use: rule ids, aliases (→ rule ids) and groups. */
export function policySelectors(
  rules: readonly Rule[] = RULES,
): { rules: string[]; aliases: Record<string, string[]>; groups: RuleGroup[] } {
  const aliases: Record<string, string[]> = {};
  for (const rule of rules) {
    for (const a of rule.aliases ?? []) (aliases[a] ??= []).push(rule.id);
  }
  return { rules: rules.map((r) => r.id), aliases, groups: [...GROUPS] };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Validates a policy configuration (see the module documentation for its shape) against the rule
 * table. `undefined` or `null` give the default (block everything). Fails with
 * `LumeraError("USAGE")` on anything else that is not a valid policy: unknown keys, rule ids or
 * actions, a secret rule or the `secret` group set to `allow`, a malformed fingerprint. Errors
 * never repeat a value that could be a secret.
 */
export function parseScanPolicy(json: unknown, rules: readonly Rule[] = RULES): ScanPolicy {
  if (json === undefined || json === null) return DEFAULT_SCAN_POLICY;
  if (!isObject(json)) throw usage("scan policy: expected an object with `actions` and `allow`");
  for (const key of Object.keys(json)) {
    if (key !== "actions" && key !== "allow") {
      throw usage(
        `scan policy: unknown setting ${shown(key)}`,
        "a scan policy has two settings: `actions` and `allow`",
      );
    }
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  const { aliases } = policySelectors(rules);
  const ruleActions: Record<string, ScanAction> = {};
  const groupActions: Partial<Record<RuleGroup, ScanAction>> = {};
  const actions = json.actions ?? {};
  if (!isObject(actions)) throw usage("scan policy: `actions` must be an object");
  for (const [selector, action] of Object.entries(actions)) {
    if (typeof action !== "string" || !ACTIONS.includes(action as ScanAction)) {
      throw usage(
        `scan policy: the action for ${shown(selector)} must be block, redact or allow`,
      );
    }
    const a = action as ScanAction;
    if (GROUPS.includes(selector as RuleGroup)) {
      if (selector === "secret" && a === "allow") {
        throw usage(
          "scan policy: secrets cannot be allowed as a group",
          "redact them, or allow one known value by its fingerprint",
        );
      }
      groupActions[selector as RuleGroup] = a;
      continue;
    }
    const ids = byId.has(selector) ? [selector] : aliases[selector];
    if (ids === undefined) {
      throw usage(
        `scan policy: ${shown(selector)} is not a rule id, alias or group`,
        "use a rule id (e.g. email-address), an alias (email, phone, card) or a group (secret, pii)",
      );
    }
    for (const id of ids) {
      if (a === "allow" && byId.get(id)!.group === "secret") {
        throw usage(
          `scan policy: secret rule ${shown(id)} cannot be allowed`,
          "redact it, or allow one known value by its fingerprint",
        );
      }
      ruleActions[id] = a;
    }
  }
  const allow: string[] = [];
  const list = json.allow ?? [];
  if (!Array.isArray(list)) throw usage("scan policy: `allow` must be a list of fingerprints");
  list.forEach((entry, i) => {
    let fp: unknown = entry;
    if (isObject(entry)) {
      for (const key of Object.keys(entry)) {
        if (key !== "fingerprint" && key !== "note") {
          throw usage(`scan policy: allow[${i}] has an unknown setting ${shown(key)}`);
        }
      }
      if (entry.note !== undefined && typeof entry.note !== "string") {
        throw usage(`scan policy: allow[${i}].note must be a string`);
      }
      fp = entry.fingerprint;
    }
    if (typeof fp !== "string" || !FINGERPRINT_PATTERN.test(fp.toLowerCase())) {
      throw usage(
        `scan policy: allow[${i}] is not a fingerprint (64 hex characters)`,
        "copy the fingerprint from a finding; never put the value itself in the policy",
      );
    }
    allow.push(fp.toLowerCase());
  });
  return Object.freeze({
    rules: Object.freeze(ruleActions),
    groups: Object.freeze(groupActions),
    allow: Object.freeze([...new Set(allow)]),
  });
}

/**
 * Combines two policies: `override`'s actions win (rule by rule, group by group) and the allowed
 * fingerprints are the union. For a per-call setting (`--redact email`) over a config file.
 */
export function mergeScanPolicies(base: ScanPolicy, override: ScanPolicy): ScanPolicy {
  return Object.freeze({
    rules: Object.freeze({ ...base.rules, ...override.rules }),
    groups: Object.freeze({ ...base.groups, ...override.groups }),
    allow: Object.freeze([...new Set([...base.allow, ...override.allow])]),
  });
}

/** The action `policy` takes on findings of `rule`: its own, else its group's, else block. */
export function resolveScanAction(policy: ScanPolicy, rule: Rule): ScanAction {
  const own = policy.rules[rule.id] ?? policy.groups[rule.group] ?? "block";
  // A hand-built policy cannot allow secrets wholesale either.
  return own === "allow" && rule.group === "secret" ? "block" : own;
}

interface Sorted {
  blocking: Finding[];
  allowed: Finding[];
  redact: RecordFinding[];
}

function sortOut(found: readonly RecordFinding[], policy: ScanPolicy): Sorted {
  const allowSet = new Set(policy.allow);
  const out: Sorted = { blocking: [], allowed: [], redact: [] };
  for (const f of found) {
    if (f.finding.fingerprint !== undefined && allowSet.has(f.finding.fingerprint)) {
      out.allowed.push(f.finding);
      continue;
    }
    const action = resolveScanAction(policy, f.rule);
    if (action === "allow") out.allowed.push(f.finding);
    else if (action === "redact") out.redact.push(f);
    else out.blocking.push(f.finding);
  }
  return out;
}

/** Replaces the spans in `text` (merged where they overlap) with `[REDACTED:<rule>]`. */
function redactText(text: string, spans: { start: number; end: number; rule: string }[]): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < spans.length; i++) {
    const { start, rule } = spans[i];
    let end = spans[i].end;
    while (i + 1 < spans.length && spans[i + 1].start < end) end = Math.max(end, spans[++i].end);
    if (start < at) continue;
    parts.push(text.slice(at, start), `[REDACTED:${rule}]`);
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

/** Rebuilds a JSON value with some strings (values, object keys, large numbers) replaced. */
function rebuild(
  value: unknown,
  values: Map<object | undefined, Map<string | number, string>>,
  keys: Map<object, Map<string, string>>,
  copies: Map<object, unknown>,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  const replaced = values.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    value.forEach((v, i) => {
      const r = replaced?.get(i);
      out.push(r !== undefined ? r : rebuild(v, values, keys, copies));
    });
    return out;
  }
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  const renamed = keys.get(value);
  const taken = new Set(
    Object.keys(value).filter((k) => renamed === undefined || !renamed.has(k)),
  );
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    let name = renamed?.get(k) ?? k;
    if (renamed?.has(k)) {
      // A redacted key must not collide with another key.
      for (let n = 2; taken.has(name); n++) name = `${renamed.get(k)} #${n}`;
      taken.add(name);
    }
    const r = replaced?.get(k);
    out[name] = r !== undefined ? r : rebuild(v, values, keys, copies);
  }
  return out;
}

/** Applies redactions to a record (see {@link applyScanPolicy}). */
function redactRecord(record: unknown, redact: readonly RecordFinding[]): unknown {
  const perField = new Map<FieldRef, { start: number; end: number; rule: string }[]>();
  // Field references are per scan; group the spans by the string they are in.
  const byLocation = new Map<string, FieldRef>();
  const holderIds = new Map<object, number>();
  const locate = (f: FieldRef): FieldRef => {
    let id = 0;
    if (f.holder !== undefined) {
      id = holderIds.get(f.holder) ?? holderIds.size + 1;
      holderIds.set(f.holder, id);
    }
    const key = `${id}\u0000${f.kind}\u0000${String(f.key)}`;
    const known = byLocation.get(key);
    if (known !== undefined) return known;
    byLocation.set(key, f);
    return f;
  };
  for (const f of redact) {
    const field = locate(f.field);
    const list = perField.get(field) ?? [];
    list.push({ start: f.start, end: f.end, rule: f.rule.id });
    perField.set(field, list);
  }
  const values = new Map<object | undefined, Map<string | number, string>>();
  const keys = new Map<object, Map<string, string>>();
  let root: string | undefined;
  for (const [field, spans] of perField) {
    const text = redactText(field.text, spans);
    if (field.holder === undefined) {
      root = text;
    } else if (field.kind === "key") {
      const m = keys.get(field.holder) ?? new Map<string, string>();
      m.set(String(field.key), text);
      keys.set(field.holder, m);
    } else {
      const m = values.get(field.holder) ?? new Map<string | number, string>();
      m.set(field.key, text);
      values.set(field.holder, m);
    }
  }
  if (root !== undefined) return root;
  return rebuild(record, values, keys, new Map());
}

/** What {@link applyPolicy} gives: the value to keep, and the findings sorted out. */
interface Applied<T> {
  value: T;
  findings: Finding[];
  redactions: Redaction[];
  allowed: Finding[];
}

/**
 * The policy's passes over a record or a text: `scan` finds, the policy sorts out; when some
 * findings are to be redacted, `redact` makes the redacted copy, which is scanned again, and
 * whatever is then found and not allowed blocks.
 */
function applyPolicy<T>(
  value: T,
  policy: ScanPolicy,
  scan: (v: T) => RecordFinding[],
  redact: (v: T, found: readonly RecordFinding[]) => T,
): Applied<T> {
  const first = sortOut(scan(value), policy);
  if (first.redact.length === 0) {
    return { value, findings: first.blocking, redactions: [], allowed: first.allowed };
  }
  const redacted = redact(value, first.redact);
  const again = sortOut(scan(redacted), policy);
  return {
    value: redacted,
    findings: [...again.blocking, ...again.redact.map((f) => f.finding)],
    redactions: first.redact.map((f) => f.finding),
    allowed: again.allowed,
  };
}

/**
 * Applies `policy` to the findings in `record` (any JSON value; normally the normalized record
 * about to be stored): allowed findings (by rule, group or fingerprint) are let through,
 * redacted ones replaced by `[REDACTED:<rule>]` in a copy of the record, which is then scanned
 * again; blocked findings, and anything still found after redaction, are returned in
 * `findings` — the store must be refused when it is not empty. With {@link DEFAULT_SCAN_POLICY}
 * this is exactly `scanRecord`: every finding blocks and the record is returned unchanged.
 */
export function applyScanPolicy(
  record: unknown,
  policy: ScanPolicy,
  rules: readonly Rule[] = RULES,
): ScanPolicyResult {
  const { value, ...sorted } = applyPolicy(
    record,
    policy,
    (r) => scanRecordDetailed(r, rules),
    redactRecord,
  );
  return { record: value, ...sorted };
}

/** {@link applyScanPolicy} for one text (as `scan` reads it), reported under `path`. */
export function applyScanPolicyToText(
  text: string,
  policy: ScanPolicy,
  path: string = DEFAULT_TEXT_PATH,
  rules: readonly Rule[] = RULES,
): ScanPolicyTextResult {
  const field: FieldRef = { text, path, holder: undefined, key: "", kind: "value" };
  const { value, ...sorted } = applyPolicy(
    text,
    policy,
    (t) => scanTextDetailed(t, path, rules).map((d) => ({ ...d, field: { ...field, text: t } })),
    (t, found) =>
      redactText(t, found.map((f) => ({ start: f.start, end: f.end, rule: f.rule.id }))),
  );
  return { text: value, ...sorted };
}
