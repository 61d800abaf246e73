import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";
import { canonicalJson } from "../../src/record/schema.ts";
import { openMemoryService } from "../../src/service/memory_service.ts";
import { exampleRecords } from "../../src/sources/mod.ts";
import { envOf, listFiles, randomKeyHex, tempHome } from "../helpers/home.ts";

function codeOf(err: unknown): string {
  return err instanceof LumeraError ? err.code : `not a LumeraError: ${String(err)}`;
}

async function withService(
  fn: (
    s: Awaited<ReturnType<typeof openMemoryService>>,
    home: string,
    key: string,
  ) => Promise<void>,
) {
  const home = await tempHome();
  const key = randomKeyHex();
  const s = await openMemoryService({ home, env: envOf({ LUMERA_MEMORY_KEY: key }) });
  try {
    await fn(s, home, key);
  } finally {
    s.close();
    await Deno.remove(home, { recursive: true });
  }
}

const base = {
  session_id: "svc-1",
  timestamp: "2026-11-20T10:00:00Z",
  tool_name: "claude-code",
  success: true,
  summary: "Fixed the login race",
  tags: ["auth"],
  messages: [{ role: "user", text: "users get logged out after login" }],
};

Deno.test("store → query → retrieve round-trips every bundled example", () =>
  withService(async (s) => {
    for (const record of exampleRecords()) {
      const stored = await s.store({ kind: "record", record });
      assert.equal(stored.deduplicated, false);
      const back = await s.retrieve(stored.pointer);
      assert.equal(canonicalJson(back.record), canonicalJson(record));
      assert.equal(back.content_id, stored.content_id);
    }
    assert.equal(s.query({ limit: 100 }).total, exampleRecords().length);
  }));

Deno.test("the same content is deduplicated; extra tags make new content", () =>
  withService(async (s, home) => {
    const a = await s.store({ kind: "record", record: base });
    const b = await s.store({ kind: "record", record: { ...base, unknown_field: "dropped" } });
    assert.equal(b.pointer, a.pointer);
    assert.equal(b.deduplicated, true);
    assert.equal((await listFiles(`${home}/blobs`)).length, 1);
    const c = await s.store({ kind: "record", record: base }, { tags: ["bugfix"] });
    assert.notEqual(c.pointer, a.pointer);
    assert.deepEqual(c.tags, ["auth", "bugfix"]);
    assert.equal(s.query({ tags: ["bugfix"] }).total, 1);
  }));

Deno.test("a secret in any nested field is refused with nothing written", () =>
  withService(async (s, home) => {
    await s.store({ kind: "record", record: base });
    const before = await listFiles(home);
    const dbBefore = await Deno.readFile(`${home}/index.db`);
    const token = "ghp_" + "Q7wE".repeat(9);
    const pem = [
      "-----BEGIN",
      "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
    ].join(" ");
    const variants: unknown[] = [
      { ...base, summary: `token ${token}` },
      {
        ...base,
        messages: [{
          role: "assistant",
          text: "ok",
          tool_calls: [{ name: "Bash", input_summary: `export GH=${token}` }],
        }],
      },
      { ...base, tags: ["auth", token.toLowerCase()] },
      { ...base, body: pem },
      { ...base, workspace: `/srv/${token}` },
    ];
    for (const [i, record] of variants.entries()) {
      await assert.rejects(s.store({ kind: "record", record }), (e) => {
        assert.equal(codeOf(e), "SECRET_REFUSED", `variant ${i}`);
        const all = JSON.stringify({ m: (e as Error).message, d: (e as LumeraError).details });
        assert.ok(
          !all.includes(token) && !all.includes(token.toLowerCase()),
          `variant ${i}: the secret must not be echoed`,
        );
        return true;
      });
    }
    assert.deepEqual(await listFiles(home), before);
    assert.equal(s.query({ limit: 100 }).total, 1);
    assert.ok((await Deno.readFile(`${home}/index.db`)).byteLength === dbBefore.byteLength);
  }));

Deno.test("notes are stored and found; blobs never contain plaintext", () =>
  withService(async (s, home) => {
    const r = await s.store({
      kind: "note",
      title: "Prefer WAL mode",
      text: "SQLite in WAL mode lets readers run during writes",
    }, { tags: ["sqlite"] });
    const hits = s.query({ text: "readers during writes" }).hits;
    assert.equal(hits[0].pointer, r.pointer);
    assert.equal(hits[0].kind, "note");
    for (const f of await listFiles(`${home}/blobs`)) {
      const bytes = new TextDecoder("latin1").decode(await Deno.readFile(`${home}/blobs/${f}`));
      assert.ok(!bytes.includes("WAL") && !bytes.includes("readers"), "blob must be ciphertext");
    }
  }));

Deno.test("retrieve: bad pointer, unknown pointer, tampered blob, wrong key", async () => {
  const home = await tempHome();
  try {
    const s = await openMemoryService({ home, env: envOf({ LUMERA_MEMORY_KEY: randomKeyHex() }) });
    const { pointer } = await s.store({ kind: "record", record: base });
    await assert.rejects(
      s.retrieve("cascade://../../etc/passwd"),
      (e) => codeOf(e) === "INVALID_POINTER",
    );
    await assert.rejects(
      s.retrieve(`cascade://${"0".repeat(64)}`),
      (e) => codeOf(e) === "NOT_FOUND",
    );
    s.close();

    const other = await openMemoryService({
      home,
      env: envOf({ LUMERA_MEMORY_KEY: randomKeyHex() }),
    });
    await assert.rejects(other.retrieve(pointer), (e) => codeOf(e) === "WRONG_KEY");
    const v = await other.verify({ readData: true });
    assert.equal(v.ok, false);
    assert.equal(v.problems[0].kind, "undecryptable");
    other.close();
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("verify finds missing, corrupt and orphaned blobs", () =>
  withService(async (s, home) => {
    const a = await s.store({ kind: "record", record: base });
    const b = await s.store({ kind: "record", record: { ...base, session_id: "svc-2" } });
    assert.deepEqual(await s.verify({ readData: true }), {
      checked: 2,
      read_data: 2,
      problems: [],
      leftovers: 0,
      ok: true,
    });
    const path = (p: string) => `${home}/blobs/${p.slice(10, 12)}/${p.slice(10)}`;
    const bytes = await Deno.readFile(path(a.pointer));
    bytes[40] ^= 0x80;
    await Deno.writeFile(path(a.pointer), bytes);
    await Deno.remove(path(b.pointer));
    const orphanDir = `${home}/blobs/ff`;
    await Deno.mkdir(orphanDir, { recursive: true });
    await Deno.writeTextFile(`${orphanDir}/${"f".repeat(64)}`, "orphan");
    const v = await s.verify();
    assert.equal(v.ok, false);
    assert.deepEqual(v.problems.map((p) => p.kind).sort(), ["corrupt", "missing", "orphan"]);
    await assert.rejects(s.retrieve(a.pointer), (e) =>
      codeOf(e) === "INTEGRITY" && (e as Error).message.includes(a.pointer));
  }));

Deno.test("no key: a clear error and nothing written", async () => {
  const home = await tempHome();
  try {
    const target = `${home}/fresh`;
    await assert.rejects(
      openMemoryService({ home: target, env: envOf({}) }),
      (e) => codeOf(e) === "KEY_MISSING",
    );
    await assert.rejects(
      openMemoryService({ home: target, env: envOf({ LUMERA_MEMORY_KEY: "abc" }) }),
      (e) => codeOf(e) === "KEY_INVALID",
    );
    assert.deepEqual(await listFiles(home), []);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
