/**
 * Resource bounds: past each documented limit (record 8 MiB, input 64 MiB, query 1,000
 * characters, 100 results, 32 tags) the CLI and the MCP server answer with a clear, typed error,
 * write nothing, and the server keeps serving. Result sizes stay bounded.
 */

import assert from "node:assert/strict";
import { MAX_INPUT_BYTES, MAX_QUERY_CHARS, MAX_RECORD_BYTES } from "../../src/record/limits.ts";
import { listFiles } from "../helpers/home.ts";
import { runMain } from "../helpers/permissions.ts";
import {
  keyedHome,
  messageTexts,
  removeHome,
  responseProblem,
  structured,
  toolErrorCode,
  withServer,
} from "./_helpers.ts";

const e2e = { sanitizeOps: false, sanitizeResources: false };

/** The SDK stdio client's default read buffer: a larger line closes the connection. */
const SDK_CLIENT_MAX_LINE = 10 * 1024 * 1024;

function record(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    session_id: `bounds-${crypto.randomUUID()}`,
    timestamp: "2026-06-01T12:00:00Z",
    tool_name: "codex",
    summary: "resource bounds",
    ...extra,
  };
}

/** Blob files in the home (nothing may be written by a refused store). */
async function blobs(home: string): Promise<string[]> {
  return (await listFiles(`${home}/blobs`)).filter((f) => !f.includes(".tmp-"));
}

/** The length in bytes of the JSON line the server wrote for `m`. */
function lineBytes(m: unknown): number {
  return new TextEncoder().encode(JSON.stringify(m)).length;
}

Deno.test({
  name:
    "bounds: MCP refuses a record over 8 MiB and a note over 8 MiB with TOO_LARGE, writes nothing",
  ...e2e,
  fn: () =>
    withServer("lumera-bounds-", async (server, home) => {
      const ok = await server.callTool("remember", { title: "baseline", text: "a small note" });
      assert.equal(ok.result?.isError, undefined);
      const before = await blobs(home);

      // Just over the limit (the SDK's stdio framing is quadratic in the line length, so each
      // 8 MiB request costs about 2 s; see BENCHMARKS.md). 9 × 1 MiB messages are covered in
      // process by fuzz_test.ts.
      const body = "lorem ipsum ".repeat(Math.ceil((MAX_RECORD_BYTES + 1024) / 12));
      const big = await server.callTool(
        "store_session_to_cascade",
        { record: record({ body }) },
        60_000,
      );
      assert.equal(responseProblem(big), undefined);
      assert.equal(toolErrorCode(big), "TOO_LARGE");
      assert.match(messageTexts(big).join(" "), /8 MiB/);

      const note = await server.callTool("remember", { title: "huge", text: body }, 60_000);
      assert.equal(toolErrorCode(note), "TOO_LARGE");

      const many = await server.callTool("store_session_to_cascade", {
        record: record({
          messages: Array.from({ length: 20_001 }, () => ({ role: "user", text: "" })),
        }),
      });
      assert.equal(toolErrorCode(many), "TOO_LARGE");

      assert.deepEqual(await blobs(home), before, "a refused store wrote a blob");
      assert.ok(await server.alive());
      const after = await server.callTool("query_cascade_memories", {});
      assert.equal(structured(after)?.total, 1);
    }),
});

Deno.test({
  name:
    "bounds: queries past 1,000 characters, 100 results or 32 tags are clear errors; garbage is fast",
  ...e2e,
  fn: () =>
    withServer("lumera-bounds-", async (server) => {
      for (
        const args of [
          { query: "x".repeat(MAX_QUERY_CHARS + 1) },
          { query: "login", limit: 101 },
          { query: "login", limit: 0 },
          { tags: Array.from({ length: 33 }, (_, i) => `t${i}`) },
          { cursor: "c".repeat(2_000) },
        ]
      ) {
        const r = await server.callTool("query_cascade_memories", args);
        assert.equal(responseProblem(r), undefined);
        assert.equal(r.result?.isError, true, `accepted ${JSON.stringify(args).slice(0, 80)}`);
        assert.ok(messageTexts(r).join(" ").length > 10, "the error says what is wrong");
      }
      // The largest allowed queries, full of search syntax, answer quickly.
      for (
        const query of [
          "a ".repeat(MAX_QUERY_CHARS / 2),
          '"('.repeat(MAX_QUERY_CHARS / 2),
          "NEAR(x y, 1000) OR ".repeat(Math.floor(MAX_QUERY_CHARS / 19)),
          "*".repeat(MAX_QUERY_CHARS),
        ]
      ) {
        const t = performance.now();
        const r = await server.callTool("query_cascade_memories", { query, limit: 100 });
        assert.equal(responseProblem(r), undefined);
        assert.equal(r.result?.isError, undefined, messageTexts(r).join(" "));
        assert.ok(performance.now() - t < 5_000, "a maximal query took over 5 s");
      }
      assert.ok(await server.alive());
    }),
});

Deno.test({
  name: "bounds: pages of maximal hits stay under the SDK client's 10 MiB line; paging returns all",
  ...e2e,
  fn: () =>
    withServer("lumera-bounds-", async (server) => {
      const summary = "summary words ".repeat(Math.floor((16 * 1024) / 14));
      for (let i = 0; i < 100; i++) {
        const r = await server.callTool("store_session_to_cascade", {
          record: record({
            summary,
            title: "t".repeat(1024),
            tags: Array.from({ length: 32 }, (_, j) => `${"g".repeat(60)}${j}`),
            workspace: `/w/${"d".repeat(1000)}`,
            body: `words ${i} and more words`,
          }),
        });
        assert.equal(r.result?.isError, undefined, messageTexts(r).join(" "));
      }
      // Page through every hit: each page is at most 100 hits and fits the client's buffer (the
      // server may also cut a page short by size, with a cursor for the rest).
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const args: Record<string, unknown> = { query: "words", limit: 100 };
        if (cursor !== undefined) args.cursor = cursor;
        const r = await server.callTool("query_cascade_memories", args);
        assert.equal(responseProblem(r), undefined);
        const s = structured(r) as { hits: { pointer: string }[]; next_cursor?: string };
        assert.ok(s.hits.length <= 100);
        assert.ok(lineBytes(r) < SDK_CLIENT_MAX_LINE, `a query page is ${lineBytes(r)} bytes`);
        for (const h of s.hits) seen.add(h.pointer);
        cursor = s.next_cursor;
        if (cursor === undefined) break;
      }
      assert.equal(seen.size, 100, "paging returns every memory once");
    }),
});

Deno.test({
  name: "bounds: the CLI refuses a record file over 8 MiB and input over 64 MiB, writing nothing",
  ...e2e,
  fn: async () => {
    const { home, key } = await keyedHome("lumera-bounds-");
    try {
      const env = { LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: key };
      const file = `${home}/../${crypto.randomUUID()}.json`;
      try {
        const body = "b".repeat(MAX_RECORD_BYTES + 1024);
        await Deno.writeTextFile(file, JSON.stringify(record({ body })));
        const r = await runMain(["store", "--file", file, "--json"], env);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(JSON.parse(r.stdout).error.code, "TOO_LARGE");

        // Over the 64 MiB input limit: refused before parsing.
        const f = await Deno.open(file, { write: true, truncate: true });
        await f.truncate(MAX_INPUT_BYTES + 1);
        f.close();
        const huge = await runMain(["store", "--file", file, "--json"], env);
        assert.equal(huge.code, 2, huge.stderr);
        assert.equal(JSON.parse(huge.stdout).error.code, "TOO_LARGE");
      } finally {
        await Deno.remove(file).catch(() => {});
      }
      assert.deepEqual(await blobs(home), []);
    } finally {
      await removeHome(home);
    }
  },
});

// ---------------------------------------------------------------------------------------------
// Regressions of bounds that were once broken.

Deno.test({
  name: "regression: a request line over 10 MiB is answered TOO_LARGE and the server goes on",
  ...e2e,
  fn: () =>
    withServer("lumera-bounds-", async (server) => {
      // An 11 MiB record: over the 8 MiB record limit, so the documented answer is TOO_LARGE.
      const body = "word ".repeat((11 * 1024 * 1024) / 5);
      let code: string | undefined;
      try {
        code = toolErrorCode(
          await server.callTool("store_session_to_cascade", { record: record({ body }) }, 60_000),
        );
      } catch {
        code = undefined; // no answer: the server closed its input and exited
      }
      assert.ok(await server.alive(), "the server exited on an 11 MiB request");
      assert.equal(code, "TOO_LARGE");
    }),
});

Deno.test({
  name: "regression: retrieving a 6 MiB memory answers within the SDK client's 10 MiB line buffer",
  ...e2e,
  fn: () =>
    withServer("lumera-bounds-", async (server) => {
      const body = "lorem ipsum dolor sit amet ".repeat(Math.floor((6 * 1024 * 1024) / 27));
      const stored = await server.callTool(
        "store_session_to_cascade",
        { record: record({ body }) },
        60_000,
      );
      const pointer = structured(stored)?.pointer;
      assert.equal(typeof pointer, "string", messageTexts(stored).join(" "));
      const got = await server.callTool("retrieve_session_from_cascade", { pointer }, 60_000);
      assert.equal(responseProblem(got), undefined);
      // A stored memory must be retrievable by the reference client with its default settings:
      // either the answer fits in 10 MiB, or it is a clear TOO_LARGE error naming another way.
      assert.ok(
        lineBytes(got) < SDK_CLIENT_MAX_LINE || toolErrorCode(got) === "TOO_LARGE",
        `retrieve answered with a ${lineBytes(got)}-byte line`,
      );
    }),
});
