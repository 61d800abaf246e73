import assert from "node:assert/strict";
import { runImport } from "../../src/import/engine.ts";
import { rejectsWith } from "../sources/_helpers.ts";
import { LEDGER, ROLLOUT, SECRET, withWorld } from "./_helpers.ts";

Deno.test("import: every agent's sessions; refused, empty and damaged files are counted, never fatal", () =>
  withWorld(async ({ service, env, path }) => {
    const s = await runImport(service, { env });
    assert.equal(s.files, 8);
    assert.equal(s.imported, 6);
    assert.equal(s.refused, 1);
    assert.equal(s.skipped, 1);
    assert.equal(s.failed, 0);
    assert.equal(s.unchanged, 0);
    assert.equal(s.memories, 6);
    assert.deepEqual(s.lines, { malformed: 2, oversized: 0, torn: 1 });
    assert.equal(s.refusals[0].file, path(SECRET));
    assert.equal(s.refusals[0].session_id, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a");
    assert.deepEqual(s.refusals[0].findings.map((f) => [f.rule, f.location]), [
      ["aws-secret-access-key", "messages[2].text 2:23"],
    ]);
    assert.equal(s.skips[0].reason, "no messages yet");
    assert.deepEqual(s.damaged.map((d) => d.file).sort(), [path(LEDGER), path(ROLLOUT)].sort());
    // The summary never carries the secret.
    assert.ok(!JSON.stringify(s).includes("wJalrXUtnFEMI"));
    const all = service.listSessions({ all_workspaces: true });
    assert.equal(all.total, 6);
    assert.deepEqual(
      all.sessions.map((x) => x.tool_name).sort(),
      ["claude-code", "claude-code", "codex", "codex", "gemini", "gemini"],
    );
    assert.equal(service.query({ text: "S3 bucket policy", all_workspaces: true }).total, 0);
  }));

Deno.test("import: re-running over unchanged files reads nothing and stores nothing", () =>
  withWorld(async ({ service, env, path }) => {
    await runImport(service, { env });
    const before = service.stats().memories;
    const again = await runImport(service, { env });
    // Unchanged files keep their outcome, without being read: archived, refused, empty.
    assert.deepEqual([again.unchanged, again.refused, again.skipped], [6, 1, 1]);
    assert.equal(again.refusals[0].findings[0].rule, "aws-secret-access-key");
    assert.equal(again.bytes_read, 0);
    assert.equal(again.memories, 0);
    assert.equal(service.stats().memories, before);
    // Touching a file (same bytes, new time) reads it again and finds its content stored.
    const t = new Date(Date.now() + 60_000);
    await Deno.utime(path(LEDGER), t, t);
    const touched = await runImport(service, { env });
    assert.equal(touched.unchanged, 6);
    assert.ok(touched.bytes_read > 0);
    assert.equal(touched.memories, 0);
    // --full reads everything again, and still stores nothing new.
    const full = await runImport(service, { env, full: true });
    assert.equal(full.unchanged, 6);
    assert.equal(full.refused, 1); // refused again
    assert.equal(full.skipped, 1); // still empty
    assert.equal(full.memories, 0);
  }));

Deno.test("versions: a session that grew is stored again; queries see the newest, older ones stay retrievable", () =>
  withWorld(async ({ service, env, path }) => {
    const file = path(ROLLOUT);
    const first = await runImport(service, { env, files: [file] });
    assert.equal(first.imported, 1);
    const v1 = service.listSessions({ agent: "codex", all_workspaces: true }).sessions[0];
    const line = (ts: string, text: string) =>
      JSON.stringify({
        timestamp: ts,
        type: "response_item",
        payload: { type: "message", role: "assistant", content: [{ type: "output_text", text }] },
      }) + "\n";
    await Deno.writeTextFile(
      file,
      line(
        "2026-04-13T10:05:00.000Z",
        "Follow-up: the quokka fixture also covers Australia/Lord_Howe.",
      ),
      { append: true },
    );
    const grown = await runImport(service, { env, files: [file] });
    assert.equal(grown.updated, 1);
    assert.equal(grown.memories, 1);

    const list = service.listSessions({ agent: "codex", all_workspaces: true });
    const v2 = list.sessions.find((x) => x.session_id === v1.session_id)!;
    assert.notEqual(v2.pointer, v1.pointer);
    assert.equal(v2.versions, 2);
    assert.equal(v2.message_count, v1.message_count + 1);
    // Queries answer with the newest version only, unless all_versions.
    const q = service.query({ text: "parse_local", agent: "codex", all_workspaces: true });
    assert.deepEqual(q.hits.map((h) => h.pointer), [v2.pointer]);
    assert.equal(q.hits[0].git_branch, "fix/tz-offsets");
    const qa = service.query({ text: "parse_local", all_versions: true, all_workspaces: true });
    assert.deepEqual(qa.hits.map((h) => h.pointer).sort(), [v1.pointer, v2.pointer].sort());
    assert.equal(service.query({ text: "quokka", all_workspaces: true }).total, 1);
    // The older version is still there, whole.
    const old = await service.retrieve(v1.pointer);
    assert.equal(old.record.messages?.length, v1.message_count);

    // Importing the older content again (an old copy of the file) does not make it the newest.
    assert.equal(service.index.count(), 2);
    await service.store({ kind: "record", record: old.record });
    assert.equal(
      service.listSessions({ agent: "codex", all_workspaces: true }).sessions.find((x) =>
        x.session_id === v1.session_id
      )!.pointer,
      v2.pointer,
    );

    // Forgetting the newest version makes the older one the answer again (and tombstones the
    // session, so an import does not bring it back).
    await service.forget({ pointer: v2.pointer }, { confirm: true });
    const after = service.query({ text: "parse_local", agent: "codex", all_workspaces: true });
    assert.deepEqual(after.hits.map((h) => h.pointer), [v1.pointer]);
    const again = await runImport(service, { env, files: [file], full: true });
    assert.equal(again.skipped, 1);
    assert.match(again.skips[0].reason, /forgotten/);
  }));

Deno.test("long sessions: parts are stored, listed together and grow by their last part only", () =>
  withWorld(async ({ service, env, path }) => {
    const file = path(LEDGER);
    const s = await runImport(service, { env, files: [file], partChars: 600 });
    assert.equal(s.imported, 1);
    const listed = service.listSessions({ all_workspaces: true }).sessions[0];
    assert.ok(listed.pointers.length >= 3, `${listed.pointers.length} parts`);
    assert.equal(listed.message_count, 11);
    const parts = await Promise.all(listed.pointers.map((p) => service.retrieve(p)));
    assert.deepEqual(parts.map((p) => p.record.part), [
      undefined,
      ...parts.slice(1).map((_, i) => i + 2),
    ]);
    const stored = service.stats().memories;
    const extra = JSON.stringify({
      type: "user",
      sessionId: "7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c",
      uuid: "c2000000-0000-4000-8000-000000000099",
      timestamp: "2026-04-10T08:03:00.000Z",
      message: { role: "user", content: "thanks" },
    });
    // The fixture ends in a torn line: finish it as a (malformed) line, then append.
    await Deno.writeTextFile(file, `\n${extra}\n`, { append: true });
    const grown = await runImport(service, { env, files: [file], partChars: 600 });
    assert.equal(grown.updated, 1);
    assert.equal(grown.memories, 1, "only the last part is new");
    assert.equal(service.stats().memories, stored + 1);
  }));

Deno.test("dry run: reads and scans, stores and remembers nothing", () =>
  withWorld(async ({ service, env }) => {
    const s = await runImport(service, { env, dryRun: true });
    assert.equal(s.dry_run, true);
    assert.equal(s.imported, 6);
    assert.equal(s.refused, 1);
    assert.equal(s.memories, 6);
    assert.equal(service.stats().memories, 0);
    // The one-time Cascade cost of what it would write, one upload each and batched.
    const cost = s.cascade_cost!;
    assert.equal(cost.memories, 6);
    assert.equal(cost.segments, 1);
    assert.equal(cost.batched_fee_ulume, 10_000 + 10 * Math.ceil(cost.segment_bytes / 1024));
    assert.ok(cost.separate_fee_ulume >= 6 * 10_000);
    assert.ok(cost.ratio > 4, `batching 6 small sessions is several times cheaper: ${cost.ratio}`);
    const real = await runImport(service, { env });
    assert.equal(real.imported, 6);
    assert.equal(real.cascade_cost, undefined, "only a dry run estimates");
    // The sealed sizes the dry run predicted are the sizes actually stored, to within a few bytes
    // per memory (the store time sealed inside differs, and so its compressed length).
    const drift = Math.abs(service.stats().stored_bytes - cost.bytes);
    assert.ok(drift <= 4 * cost.memories, `predicted ${cost.bytes}, stored differs by ${drift}`);
    const dry = await runImport(service, { env, dryRun: true, full: true });
    assert.equal(dry.unchanged, 6);
    assert.equal(dry.memories, 0);
    assert.equal(dry.cascade_cost, undefined, "nothing new, nothing to pay");
  }));

Deno.test("--since, --agent, --path and --file select what is read", () =>
  withWorld(async ({ service, env, root, path }) => {
    const old = new Date("2025-01-01T00:00:00Z");
    for (const rel of [LEDGER, ROLLOUT]) await Deno.utime(path(rel), old, old);
    const recent = await runImport(service, { env, since: "2026-01-01", dryRun: true });
    assert.equal(recent.files, 6);
    const codex = await runImport(service, { env, agents: ["codex"], dryRun: true });
    assert.equal(codex.files, 2);
    const under = await runImport(service, { env, path: `${root}/gemini`, dryRun: true });
    assert.equal(under.files, 2);
    assert.equal(under.imported, 2);
    const one = await runImport(service, { env, files: [path(LEDGER)] });
    assert.equal(one.files, 1);
    assert.equal(one.imported, 1);
    const missing = await runImport(service, { env, files: [`${root}/nope.jsonl`] });
    assert.equal(missing.failed, 1);
    assert.equal(missing.failures[0].code, "NOT_FOUND");
    await rejectsWith(runImport(service, { env, path: `${root}/nowhere` }), "NOT_FOUND");
  }));

Deno.test("a file that is no transcript fails with its reason; the batch goes on", () =>
  withWorld(async ({ service, env, root }) => {
    // In an agent's directory: read as that agent's, it holds no messages.
    await Deno.writeTextFile(`${root}/claude/projects/-home-dev-projects-ledger/odd.jsonl`, "{}\n");
    const s = await runImport(service, { env });
    assert.equal(s.skipped, 2);
    assert.equal(s.imported, 6);
    // Anywhere else the format is unknown.
    await Deno.mkdir(`${root}/other`);
    await Deno.writeTextFile(`${root}/other/notes.jsonl`, '{"hello":"world"}\n');
    await Deno.copyFile(
      `${root}/codex/sessions/2025/09/01/rollout-2025-09-01T07-00-00-0188a0b1-0000-7000-8000-00000000beef.jsonl`,
      `${root}/other/rollout-2025-09-01T07-00-00-0188a0b1-0000-7000-8000-00000000beef.jsonl`,
    );
    const o = await runImport(service, { env, path: `${root}/other` });
    assert.equal(o.failed, 1);
    assert.equal(o.failures[0].code, "SOURCE_FAILED");
    assert.match(
      o.failures[0].reason,
      /notes\.jsonl is not a Claude Code, Codex or Gemini CLI transcript/,
    );
    assert.equal(o.unchanged, 1); // a copy of a rollout already imported: the same content
  }));
