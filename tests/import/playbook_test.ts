import assert from "node:assert/strict";
import { runImport } from "../../src/import/engine.ts";
import { cmPlaybookToRecords } from "../../src/sources/agents/cm_playbook.ts";
import { throwsWith } from "../sources/_helpers.ts";
import { AGENT_FIXTURES, withWorld } from "./_helpers.ts";

const BIN = `${AGENT_FIXTURES}/bin`;
const PLAYBOOK = `${BIN}/playbook.json`;

function sourceEnv(playbook = PLAYBOOK): Record<string, string> {
  return {
    PATH: `${BIN}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    LUMERA_TEST_PLAYBOOK: playbook,
  };
}

Deno.test("cm playbook: one note per rule, readable fields only", async () => {
  const records = cmPlaybookToRecords(JSON.parse(await Deno.readTextFile(PLAYBOOK)));
  assert.deepEqual(records.map((r) => r.session_id), [
    "cm-rule-b-8f2a",
    "cm-rule-b-91c0",
    "cm-rule-b-77de",
  ]);
  const r = records[0];
  assert.equal(r.kind, "note");
  assert.equal(r.tool_name, "cm");
  assert.equal(r.timestamp, "2026-04-01T10:00:00.000Z");
  assert.deepEqual(r.tags, ["ci", "cm", "flaky", "rule", "testing"]);
  assert.match(r.body ?? "", /category: testing · scope: global · kind: workflow/);
  assert.ok(!JSON.stringify(r).includes("helpful"), "feedback counters are left out");
  throwsWith(
    () => cmPlaybookToRecords({ success: false, error: { message: "no playbook" } }),
    "SOURCE_FAILED",
  );
  throwsWith(() => cmPlaybookToRecords({ success: true, data: { nope: 1 } }), "SOURCE_FAILED");
});

Deno.test("import --cm-playbook: rules stored, a secret refused, an edited rule is a new version", () =>
  withWorld(async ({ service, root }) => {
    const first = await runImport(service, { cmPlaybook: true, sourceEnv: sourceEnv() });
    assert.deepEqual([first.files, first.imported, first.refused], [3, 2, 1]);
    assert.equal(first.refusals[0].findings[0].rule, "url-credentials");
    const again = await runImport(service, { cmPlaybook: true, sourceEnv: sourceEnv() });
    assert.deepEqual([again.unchanged, again.refused, again.memories], [2, 1, 0]);

    const edited = JSON.parse(await Deno.readTextFile(PLAYBOOK));
    edited.data[0].content = "Run the race test three times before declaring a flaky test fixed.";
    edited.data[0].updatedAt = "2026-04-15T10:00:00.000Z";
    edited.data[0].helpfulCount = 40;
    const file = `${root}/playbook-edited.json`;
    await Deno.writeTextFile(file, JSON.stringify(edited));
    const third = await runImport(service, { cmPlaybook: true, sourceEnv: sourceEnv(file) });
    assert.deepEqual([third.updated, third.unchanged], [1, 1]);
    const hits = service.query({ text: "race test", agent: "cm" }).hits;
    assert.equal(hits.length, 1);
    assert.match(hits[0].summary, /three times/);
    assert.equal(service.query({ text: "race test", agent: "cm", all_versions: true }).total, 2);
  }));
