import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";
import { runImport } from "../../src/import/engine.ts";
import { withWorld } from "./_helpers.ts";

const BIN = new URL("../fixtures/bin", import.meta.url).pathname;
const SESSIONS = new URL("../fixtures/sessions", import.meta.url).pathname;

function sourceEnv(dir: string): Record<string, string> {
  return {
    PATH: `${BIN}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    CASS_STANDIN_SESSIONS: dir,
  };
}

Deno.test("import --cass: every session cass lists is exported, stored, and unchanged on re-run", () =>
  withWorld(async ({ service, root }) => {
    const dir = `${root}/cass-sessions`;
    await Deno.mkdir(dir);
    for (const name of ["claude-code-login-race.jsonl", "codex-rollout.jsonl"]) {
      await Deno.copyFile(`${SESSIONS}/${name}`, `${dir}/${name}`);
    }
    const first = await runImport(service, { viaCass: true, sourceEnv: sourceEnv(dir) });
    assert.deepEqual([first.files, first.imported, first.failed, first.refused], [2, 2, 0, 0]);
    const again = await runImport(service, { viaCass: true, sourceEnv: sourceEnv(dir) });
    assert.deepEqual([again.unchanged, again.memories], [2, 0]);
    assert.equal(service.query({ text: "login", tags: ["cass"], all_workspaces: true }).total, 1);

    await Deno.writeTextFile(`${dir}/broken.jsonl`, "not json at all\n");
    const third = await runImport(service, { viaCass: true, sourceEnv: sourceEnv(dir) });
    assert.equal(third.failed, 1, "one unreadable session fails alone; the batch goes on");
    assert.equal(third.unchanged, 2);
  }));

Deno.test("import --cass: cass missing → SOURCE_UNAVAILABLE with install hint", () =>
  withWorld(async ({ service, root }) => {
    await assert.rejects(
      runImport(service, { viaCass: true, sourceEnv: { PATH: `${root}/empty` } }),
      (e) =>
        e instanceof LumeraError && e.code === "SOURCE_UNAVAILABLE" &&
        /install/i.test(e.hint ?? ""),
    );
  }));
