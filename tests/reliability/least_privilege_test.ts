/**
 * Least privilege: `main.ts serve` run with the documented flags (`serveFlags(home)`: read and
 * write only the data home) must not read or write anything outside its home, whatever the tool
 * inputs say — paths, pointers with `../`, or symlinks planted inside the home that point out of
 * it — and must keep serving afterwards.
 *
 * Deno's `--allow-read=<dir>` / `--allow-write=<dir>` check the path as written, not where its
 * symlinks lead, so a symlink inside the home is the one way out; the tests below plant each kind.
 * Outside the home each test keeps a directory whose file list and contents must not change, and
 * a genuine envelope sealed with the server's own key, so that a read through a symlink would be
 * visible as a successful retrieve.
 */

import assert from "node:assert/strict";
import { openMemoryService } from "../../src/service/memory_service.ts";
import { listFiles } from "../helpers/home.ts";
import { keyedHome, RawMcp, removeHome, responseProblem, toolErrorCode } from "./_helpers.ts";

const NO_TOOLS = new URL("../fixtures/no-tools", import.meta.url).pathname;
const e2e = { sanitizeOps: false, sanitizeResources: false };

/** A snapshot of a directory: every file's relative path and bytes, as text. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of await listFiles(dir)) {
    const bytes = await Deno.readFile(`${dir}/${rel}`);
    out.set(rel, Array.from(bytes.subarray(0, 4096)).join(",") + `#${bytes.length}`);
  }
  return out;
}

interface World {
  /** The server's data home. */
  home: string;
  /** The key (hex). */
  key: string;
  /** A directory outside the home that must stay untouched. */
  outside: string;
  /** A genuine envelope (sealed with the server's key) that lives only outside the home. */
  foreign: { pointer: string; hex: string; bytes: Uint8Array; marker: string };
}

/** Sets up a home, an outside directory and a foreign envelope; cleans up after `fn`. */
async function withWorld(fn: (w: World) => Promise<void>): Promise<void> {
  const { home, key } = await keyedHome("lumera-lp-home-");
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "lumera-lp-outside-" }));
  const donor = await Deno.realPath(await Deno.makeTempDir({ prefix: "lumera-lp-donor-" }));
  try {
    // Seal a record with the same key in another home, then move its envelope outside.
    const marker = `outside-marker-${crypto.randomUUID()}`;
    const svc = await openMemoryService({
      home: donor,
      env: (n) => (n === "LUMERA_MEMORY_KEY" ? key : undefined),
    });
    let pointer: string;
    try {
      pointer = (await svc.store({ kind: "note", title: "outside", text: marker })).pointer;
    } finally {
      svc.close();
    }
    const hex = pointer.slice("cascade://".length);
    const bytes = await Deno.readFile(`${donor}/blobs/${hex.slice(0, 2)}/${hex}`);
    await Deno.mkdir(`${outside}/fan`);
    await Deno.writeFile(`${outside}/fan/${hex}`, bytes);
    await Deno.writeFile(`${outside}/${hex}`, bytes);
    await Deno.writeTextFile(`${outside}/notes.jsonl`, `{"role":"user","content":"${marker}"}\n`);
    await fn({ home, key, outside, foreign: { pointer, hex, bytes, marker } });
  } finally {
    await removeHome(home);
    await removeHome(outside);
    await removeHome(donor);
  }
}

/**
 * Starts the server on the world's home (no cm/cass on PATH), runs the handshake and `fn`, then
 * closes the server.
 */
async function whileServing(w: World, fn: (server: RawMcp) => Promise<void>): Promise<void> {
  const server = RawMcp.start({ home: w.home, key: w.key, env: { PATH: NO_TOOLS } });
  const init = await server.initialize();
  assert.equal(init.error, undefined);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** The server must still store, find and retrieve a note of its own. */
async function assertStillServing(server: RawMcp): Promise<void> {
  assert.ok(await server.alive(), "the server stopped answering");
  const q = await server.callTool("query_cascade_memories", { limit: 1 });
  assert.equal(responseProblem(q), undefined);
}

/** Asserts no response anywhere carried the foreign record's marker (nothing outside was read). */
function assertNeverRead(server: RawMcp, w: World): void {
  for (const m of server.messages) {
    assert.ok(
      !JSON.stringify(m).includes(w.foreign.marker),
      "a record from outside the home was read",
    );
  }
}

Deno.test({
  name: "least privilege: path-like pointers and inputs never reach outside the home",
  ...e2e,
  fn: () =>
    withWorld(async (w) => {
      const before = await snapshot(w.outside);
      await whileServing(w, async (server) => {
        const rel = w.outside.split("/").map(() => "..").join("/");
        for (
          const pointer of [
            `cascade://../../${w.outside}/${w.foreign.hex}`,
            `cascade://${rel}${w.outside}/${w.foreign.hex}`,
            `${w.outside}/${w.foreign.hex}`,
            `file://${w.outside}/${w.foreign.hex}`,
            `cascade://${w.foreign.hex}/../../../${w.foreign.hex}`,
            `cascade://${encodeURIComponent(`../${w.foreign.hex.slice(3)}`)}`,
            `cascade://${w.foreign.hex.toUpperCase()}`,
          ]
        ) {
          const r = await server.callTool("retrieve_session_from_cascade", { pointer });
          assert.equal(responseProblem(r), undefined);
          assert.equal(toolErrorCode(r), "INVALID_POINTER");
        }
        // The genuine pointer is simply not in this store.
        const nf = await server.callTool("retrieve_session_from_cascade", {
          pointer: w.foreign.pointer,
        });
        assert.equal(toolErrorCode(nf), "NOT_FOUND");

        // Record files are not an MCP input at all.
        const file = await server.callTool("store_session_to_cascade", {
          file: `${w.outside}/notes.jsonl`,
        });
        assert.equal(file.result?.isError, true);
        // cm/cass sources with paths outside: the server itself opens nothing (the tools are not
        // on PATH here, so nothing runs at all).
        for (
          const args of [
            { cass_path: `${w.outside}/notes.jsonl` },
            { cass_path: `${w.home}/../${w.outside.split("/").pop()}/notes.jsonl` },
            { cm_task: `read ${w.outside}/notes.jsonl` },
          ]
        ) {
          const r = await server.callTool("store_session_to_cascade", args);
          assert.equal(responseProblem(r), undefined);
          assert.equal(toolErrorCode(r), "SOURCE_UNAVAILABLE");
        }
        // A workspace naming an outside path is just a label.
        const note = await server.callTool("remember", {
          title: "label only",
          text: "workspace is a label, not a path that is opened",
          workspace: w.outside,
        });
        assert.equal(note.result?.isError, undefined, JSON.stringify(note));
        await assertStillServing(server);
        assertNeverRead(server, w);
      });
      assert.deepEqual(await snapshot(w.outside), before, "something outside the home changed");
    }),
});

Deno.test({
  name: "least privilege: a blob planted as a symlink to a file outside is refused, not followed",
  ...e2e,
  fn: () =>
    withWorld(async (w) => {
      await Deno.mkdir(`${w.home}/blobs/${w.foreign.hex.slice(0, 2)}`, { recursive: true });
      await Deno.symlink(
        `${w.outside}/${w.foreign.hex}`,
        `${w.home}/blobs/${w.foreign.hex.slice(0, 2)}/${w.foreign.hex}`,
      );
      const before = await snapshot(w.outside);
      await whileServing(w, async (server) => {
        const r = await server.callTool("retrieve_session_from_cascade", {
          pointer: w.foreign.pointer,
        });
        assert.equal(responseProblem(r), undefined);
        assert.equal(r.result?.isError, true, "a blob symlinked from outside was served");
        assert.equal(toolErrorCode(r), "INTEGRITY");
        await assertStillServing(server);
        assertNeverRead(server, w);
      });
      assert.deepEqual(await snapshot(w.outside), before, "something outside the home changed");
    }),
});

Deno.test({
  name: "least privilege: a blob path that is a directory or a FIFO is refused without hanging",
  ...e2e,
  fn: () =>
    withWorld(async (w) => {
      const dir = `${w.home}/blobs/${w.foreign.hex.slice(0, 2)}`;
      await Deno.mkdir(`${dir}/${w.foreign.hex}`, { recursive: true });
      const fifoHex = "f".repeat(64);
      await Deno.mkdir(`${w.home}/blobs/ff`, { recursive: true });
      // mkfifo may be missing on a minimal machine; then only the directory case is checked.
      let mkfifo: Deno.CommandOutput | undefined;
      try {
        mkfifo = await new Deno.Command("mkfifo", { args: [`${w.home}/blobs/ff/${fifoHex}`] })
          .output();
      } catch {
        mkfifo = undefined;
      }
      await whileServing(w, async (server) => {
        const r = await server.callTool("retrieve_session_from_cascade", {
          pointer: w.foreign.pointer,
        });
        assert.equal(toolErrorCode(r), "INTEGRITY");
        if (mkfifo?.success) {
          const f = await server.callTool(
            "retrieve_session_from_cascade",
            { pointer: `cascade://${fifoHex}` },
            10_000,
          );
          assert.equal(toolErrorCode(f), "INTEGRITY");
        }
        await assertStillServing(server);
      });
    }),
});

// ---------------------------------------------------------------------------------------------
// Symlinked directories and files planted inside the home: Deno's path-prefix permission check
// passes (the path is under the home) and the kernel would follow the link, so src refuses them.

Deno.test({
  name:
    "regression: a fan-out directory planted as a symlink to outside is refused (nothing read outside)",
  ...e2e,
  fn: () =>
    withWorld(async (w) => {
      await Deno.mkdir(`${w.home}/blobs`, { recursive: true });
      await Deno.symlink(`${w.outside}/fan`, `${w.home}/blobs/${w.foreign.hex.slice(0, 2)}`);
      await whileServing(w, async (server) => {
        const r = await server.callTool("retrieve_session_from_cascade", {
          pointer: w.foreign.pointer,
        });
        assert.equal(responseProblem(r), undefined);
        assertNeverRead(server, w);
        assert.equal(r.result?.isError, true, "a blob outside the home was served");
        await assertStillServing(server);
      });
    }),
});

Deno.test({
  name:
    "regression: a blobs directory planted as a symlink to outside is refused (nothing written outside)",
  ...e2e,
  fn: () =>
    withWorld(async (w) => {
      const target = `${w.outside}/blobs-target`;
      await Deno.mkdir(target);
      await Deno.symlink(target, `${w.home}/blobs`);
      const before = await snapshot(w.outside);
      await whileServing(w, async (server) => {
        const r = await server.callTool("remember", {
          title: "where does this go",
          text: "a note that must be written inside the data home only",
        });
        assert.equal(responseProblem(r), undefined);
        await assertStillServing(server);
      });
      assert.deepEqual(await snapshot(w.outside), before, "a blob was written outside the home");
    }),
});

Deno.test({
  name:
    "regression: index.db planted as a symlink to outside is refused (no index written outside)",
  ...e2e,
  fn: () =>
    withWorld(async (w) => {
      await Deno.symlink(`${w.outside}/stolen-index.db`, `${w.home}/index.db`);
      const before = await snapshot(w.outside);
      await whileServing(w, async (server) => {
        const r = await server.callTool("remember", {
          title: "indexed where",
          text: "the index must stay inside the data home",
        });
        assert.equal(responseProblem(r), undefined);
        await assertStillServing(server);
      });
      assert.deepEqual(await snapshot(w.outside), before, "the index was written outside the home");
    }),
});
