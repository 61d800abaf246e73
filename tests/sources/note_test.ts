import assert from "node:assert/strict";
import { normalizeRecord } from "../../src/record/schema.ts";
import { type NoteInput, noteToRecord } from "../../src/sources/note.ts";
import { throwsWith } from "./_helpers.ts";

const NOW = new Date("2026-03-12T10:45:30.123Z");

Deno.test("noteToRecord builds a note record", () => {
  const r = noteToRecord(
    {
      title: "  Flaky export test: shared temp dir ",
      text: "Use tmp_path; xdist workers delete each other's files.",
      workspace: "/home/dev/reporting",
      tags: ["Pytest", "flaky test", "pytest"],
    },
    NOW,
  );
  assert.equal(r.kind, "note");
  assert.equal(r.tool_name, "mcp");
  assert.match(r.session_id, /^note-20260312T104530Z-[0-9a-f]{8}$/);
  assert.equal(r.timestamp, "2026-03-12T10:45:30.123Z");
  assert.equal(r.title, "Flaky export test: shared temp dir");
  assert.equal(r.summary, r.title);
  assert.equal(r.body, "Use tmp_path; xdist workers delete each other's files.");
  assert.equal(r.workspace, "/home/dev/reporting");
  assert.deepEqual(r.tags, ["flaky-test", "pytest"]);
  assert.deepEqual(r.source, { kind: "mcp" });
  assert.equal(r.success, true);
  assert.deepEqual(normalizeRecord(r), r);
});

Deno.test("note ids are unique even at the same instant", () => {
  const ids = new Set(
    Array.from({ length: 50 }, () => noteToRecord({ title: "t", text: "x" }, NOW).session_id),
  );
  assert.equal(ids.size, 50);
});

Deno.test("noteToRecord with another tool name has no mcp provenance", () => {
  const r = noteToRecord({ title: "t", text: "x" }, NOW, "cli");
  assert.equal(r.tool_name, "cli");
  assert.equal(r.source, undefined);
});

Deno.test("noteToRecord validates its input", () => {
  const bad: unknown[] = [
    { title: "", text: "x" },
    { title: "   ", text: "x" },
    { title: "t", text: "" },
    { title: "t", text: " \n " },
    { title: 5, text: "x" },
    { text: "x" },
    null,
    { title: "t", text: "x", tags: "not-an-array" },
    { title: "x".repeat(5000), text: "x" },
  ];
  for (const note of bad) throwsWith(() => noteToRecord(note as NoteInput, NOW), "INVALID_RECORD");
  throwsWith(() => noteToRecord({ title: "t", text: "x" }, new Date(NaN)), "INVALID_RECORD");
});
