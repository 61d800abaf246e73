/**
 * A user's cm rules (`cm playbook export --json --all`) as memories: one `note` per rule
 * (bullet), so the rules a user taught their agents are searchable next to the sessions.
 *
 * Each rule's session id is `cm-rule-<id>`: when a rule is edited, the next import stores its new
 * text as a new version and queries show the newest. Only the rule's readable fields are kept
 * (text, category, scope, kind, state, maturity, tags, times); its feedback counters are left out
 * (they change all the time and would make every import a new version).
 *
 * @module
 */

import { LumeraError } from "../../errors.ts";
import { MAX_SHORT_TEXT, MAX_SUMMARY_CHARS, MAX_TAGS } from "../../record/limits.ts";
import { type MemoryRecord, normalizeRecord, normalizeTag } from "../../record/schema.ts";
import { runSourceCommand } from "../run_command.ts";
import {
  cleanForMessage,
  isObj,
  isoOrUndefined,
  type Obj,
  oneLine,
  strOf,
  truncate,
} from "../text.ts";

/** Longest rule text kept, in characters. */
const MAX_RULE_CHARS = 8000;

/** Options of {@link recordsFromCmPlaybook}. */
export interface CmPlaybookOptions {
  /** Aborting stops cm. */
  signal?: AbortSignal;
  /** Time limit (default 60 s). */
  timeoutMs?: number;
  /** Extra child environment (tests put a stand-in `cm` on PATH). */
  env?: Record<string, string>;
}

function bulletsOf(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) return data;
  if (!isObj(data)) return undefined;
  for (const key of ["bullets", "rules"]) {
    if (Array.isArray(data[key])) return data[key] as unknown[];
  }
  if (isObj(data.playbook) && Array.isArray(data.playbook.bullets)) return data.playbook.bullets;
  return undefined;
}

/**
 * Turns a parsed `cm playbook export --json` envelope into one record per rule. Rules without an
 * id or text are skipped. Throws `SOURCE_FAILED` for a failure envelope or an unknown shape.
 */
export function cmPlaybookToRecords(envelope: unknown, now: Date = new Date()): MemoryRecord[] {
  if (!isObj(envelope)) throw badShape("expected a JSON object envelope");
  if (envelope.success === false) {
    const err = isObj(envelope.error) ? envelope.error : {};
    const message = strOf(err.message);
    throw new LumeraError(
      "SOURCE_FAILED",
      `\`cm playbook export\` failed: ${message ? cleanForMessage(message) : "no error message"}`,
      { hint: "run `cm doctor` to check cm's setup" },
    );
  }
  const bullets = bulletsOf(envelope.data);
  if (envelope.success !== true || bullets === undefined) {
    throw badShape("expected {success: true, data: [rules]}");
  }
  const out: MemoryRecord[] = [];
  for (const b of bullets) {
    if (!isObj(b)) continue;
    const id = strOf(b.id);
    const content = strOf(b.content);
    if (!id || id.trim() === "" || !content || content.trim() === "") continue;
    out.push(ruleRecord(b, id.trim(), content.trim(), now));
  }
  return out;
}

function ruleRecord(b: Obj, id: string, content: string, now: Date): MemoryRecord {
  const text = truncate(content, MAX_RULE_CHARS);
  const facts = ["category", "scope", "kind", "state", "maturity"]
    .map((k) => [k, strOf(b[k])] as const)
    .filter((kv): kv is readonly [string, string] => kv[1] !== undefined && kv[1].trim() !== "")
    .map(([k, v]) => `${k}: ${truncate(oneLine(v), 100)}`);
  const tags = new Set(["cm", "rule"]);
  const category = normalizeTag(strOf(b.category) ?? "");
  if (category && category.length <= 64) tags.add(category);
  if (Array.isArray(b.tags)) {
    for (const t of b.tags) {
      const n = typeof t === "string" ? normalizeTag(t) : undefined;
      if (n && n.length <= 64 && tags.size < MAX_TAGS) tags.add(n);
    }
  }
  const record: Obj = {
    schema_version: 1,
    kind: "note",
    session_id: truncate(`cm-rule-${id}`, MAX_SHORT_TEXT),
    timestamp: isoOrUndefined(b.updatedAt) ?? isoOrUndefined(b.createdAt) ?? now.toISOString(),
    tool_name: "cm",
    success: true,
    title: truncate(oneLine(text), 200),
    summary: truncate(text, MAX_SUMMARY_CHARS),
    body: facts.length > 0 ? `${text}\n\n${facts.join(" · ")}` : text,
    tags: [...tags],
    source: { kind: "cm", ref: truncate(`playbook rule ${id}`, MAX_SHORT_TEXT) },
  };
  return normalizeRecord(record);
}

function badShape(what: string): LumeraError {
  return new LumeraError(
    "SOURCE_FAILED",
    `\`cm playbook export --json\` printed an unexpected shape: ${what}`,
    { hint: "check that cm is a supported version (`cm --version`)" },
  );
}

/** Runs `cm playbook export --json --all` and returns the rules as records. */
export async function recordsFromCmPlaybook(
  options: CmPlaybookOptions = {},
): Promise<MemoryRecord[]> {
  const stdout = await runSourceCommand("cm", ["playbook", "export", "--json", "--all"], {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    env: options.env,
  });
  let envelope: unknown;
  try {
    envelope = JSON.parse(stdout);
  } catch {
    throw new LumeraError("SOURCE_FAILED", "`cm playbook export --json` did not print JSON", {
      hint:
        "unset CM_OUTPUT_FORMAT and TOON_DEFAULT_FORMAT (they switch cm to TOON output) and check `cm --version`",
    });
  }
  return cmPlaybookToRecords(envelope);
}
