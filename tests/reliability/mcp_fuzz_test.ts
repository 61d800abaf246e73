/**
 * Fuzzing the real MCP server: one long-lived `main.ts serve` process (under its documented
 * least-privilege flags) receives random and mutated tool arguments, then mutated and malformed
 * JSON-RPC lines. After every input it must still answer; every answer must be a result or a
 * JSON-RPC error, never a stack trace, never an INTERNAL error, never a secret; stdout must carry
 * JSON-RPC only.
 *
 * Sized for CI (about 5 s); `LUMERA_RELIABILITY_FULL=1` runs ten times as many cases.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  fakeToken,
  FULL,
  keyedHome,
  RawMcp,
  removeHome,
  responseProblem,
  STACK_TRACE,
  structured,
  withServer,
} from "./_helpers.ts";

const NO_TOOLS = new URL("../fixtures/no-tools", import.meta.url).pathname;
const RUNS = FULL ? 3_000 : 300;
const LINE_RUNS = FULL ? 2_000 : 200;

const TOOLS = [
  "store_session_to_cascade",
  "remember",
  "query_cascade_memories",
  "retrieve_session_from_cascade",
  "estimate_storage_cost",
  "forget_memory",
  "memory_stats",
] as const;

/** Awkward values of every JSON type (and a few that JSON cannot carry, which become null). */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    "",
    " ",
    "\u0000",
    "../../../../etc/passwd",
    "cascade://../key.json",
    "/etc/shadow",
    "-rf",
    "--help",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    -1,
    0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    0.5,
    true,
    [],
    {},
  ),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ maxLength: 3_000 }),
);

/** Valid arguments for each tool (most calls reach the service, not only the schema). */
function validArgsFor(
  pointers: string[],
  token: string,
): Record<string, fc.Arbitrary<Record<string, unknown>>> {
  const words = fc.array(
    fc.constantFrom("login", "race", "token", "refresh", "db", "flaky", "a", "é"),
    {
      minLength: 1,
      maxLength: 5,
    },
  ).map((w) => w.join(" "));
  const tags = fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 4 });
  return {
    store_session_to_cascade: fc.oneof(
      fc.record({
        record: fc.record({
          session_id: fc.string({ minLength: 1, maxLength: 30 }),
          timestamp: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
            .map((d) => d.toISOString()),
          tool_name: fc.constantFrom("codex", "claude-code", "x"),
          summary: words,
          tags,
          messages: fc.array(
            fc.record({ role: fc.constantFrom("user", "assistant", "tool"), text: fc.string() }),
            { maxLength: 3 },
          ),
          body: fc.oneof(fc.string(), fc.constant(`deploy with ${token}`)),
        }),
        tags,
      }),
      fc.record({ cm_task: fc.string({ minLength: 1, maxLength: 100 }) }),
      fc.record({
        cass_path: fc.constantFrom("/etc/passwd", "../../x.jsonl", "~/.claude/projects/a.jsonl"),
      }),
    ),
    remember: fc.record({
      title: fc.string({ minLength: 1, maxLength: 60 }),
      text: fc.oneof(
        { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 400 }) },
        { weight: 1, arbitrary: fc.constant(`the token is ${token}`) },
      ),
      tags,
      workspace: fc.constantFrom("/work/a", "../../etc", "C:\\x"),
    }, { requiredKeys: ["title", "text"] }),
    query_cascade_memories: fc.record({
      query: fc.oneof(
        words,
        fc.string({ maxLength: 200 }),
        fc.constantFrom(
          '"',
          "NEAR(",
          "a OR b AND NOT c",
          "*",
          "^",
          "title:x",
          "'; DROP TABLE memories;--",
        ),
      ),
      tags,
      agent: fc.constantFrom("codex", "mcp"),
      workspace: fc.constantFrom("/work/a"),
      kind: fc.constantFrom("session", "note", "context"),
      since: fc.constantFrom("2026-01-01", "2026-01-01T00:00:00Z", "2020-02-29", "yesterday"),
      until: fc.constantFrom("2030-01-01", "1970-01-01"),
      limit: fc.integer({ min: 1, max: 100 }),
      cursor: fc.oneof(fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 40 })),
    }, { requiredKeys: [] }),
    retrieve_session_from_cascade: fc.record({
      pointer: fc.oneof(
        fc.constantFrom(...pointers),
        fc.constantFrom(...pointers).map((p) => p.toUpperCase()),
        fc.constantFrom(...pointers).map((p) => p.slice(0, -1) + "0"),
        fc.constantFrom(
          "cascade://../../key.json",
          "cascade://" + "a".repeat(63) + "/",
          "../index.db",
        ),
      ),
    }),
    forget_memory: fc.record({
      pointer: fc.oneof(fc.constantFrom(...pointers), fc.constantFrom("cascade://../x", "")),
      session_id: fc.string({ minLength: 1, maxLength: 30 }),
      tag: fc.constantFrom("seed", "x", "../"),
      workspace: fc.constantFrom("/work/a", "/"),
      older_than: fc.constantFrom("90d", "12h", "2w", "2026-01-01", "forever", "-1d"),
      expired: fc.boolean(),
      confirm: fc.boolean(),
    }, { requiredKeys: ["confirm"] }),
    memory_stats: fc.constant({}),
    estimate_storage_cost: fc.record({
      bytes: fc.integer({ min: 0, max: 2 ** 40 }),
      redundancy: fc.integer({ min: 1, max: 100 }),
      lume_price: fc.double({ min: 0.0001, max: 1000, noNaN: true }),
      currency: fc.constantFrom("USD", "EUR"),
    }, { requiredKeys: ["bytes"] }),
  };
}

/** A mutation of valid arguments: a field replaced by any value, removed, or an extra field. */
const argMutation = fc.record({
  op: fc.constantFrom("replace", "delete", "extra"),
  pick: fc.nat(),
  value: anyValue,
  name: fc.oneof(
    fc.constantFrom("file", "__proto__", "constructor", "path"),
    fc.string({ maxLength: 10 }),
  ),
});

function applyMutations(
  args: Record<string, unknown>,
  muts: readonly { op: string; pick: number; value: unknown; name: string }[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const m of muts) {
    const keys = Object.keys(out);
    if (m.op === "extra" || keys.length === 0) {
      Object.defineProperty(out, m.name, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (m.op === "delete") delete out[keys[m.pick % keys.length]];
    else out[keys[m.pick % keys.length]] = m.value;
  }
  return out;
}

/**
 * Inputs that hit a bug already reported, skipped so the fuzz keeps looking for new ones. Empty:
 * every reported bug is fixed and has its regression test at the end of this file.
 */
function knownBug(_name: unknown, _args: unknown): boolean {
  return false;
}

Deno.test({
  name:
    "fuzz: one long-lived server answers random tool calls and malformed lines, and keeps serving",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { home, key } = await keyedHome("lumera-mcp-fuzz-");
    const token = fakeToken();
    const server = RawMcp.start({ home, key, env: { PATH: NO_TOOLS } });
    try {
      const init = await server.initialize();
      assert.equal(init.error, undefined);

      // A few real memories so that valid pointers and cursors exist.
      const pointers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await server.callTool("remember", {
          title: `seed ${i}`,
          text: `the refresh handler races the login ${i}`,
          tags: ["seed"],
        });
        pointers.push(String(structured(r)?.pointer));
      }
      const page = await server.callTool("query_cascade_memories", { limit: 1 });
      const cursor = structured(page)?.next_cursor;
      assert.equal(typeof cursor, "string");

      // 1. Tool calls with random and mutated arguments (and unknown tool names).
      const byTool = validArgsFor(pointers, token);
      const call: fc.Arbitrary<readonly [unknown, unknown]> = fc.oneof(
        // Valid arguments, then zero to two mutations: most calls reach the service.
        {
          weight: 12,
          arbitrary: fc.constantFrom(...TOOLS).chain((t) =>
            fc.tuple(
              byTool[t],
              fc.oneof(
                { weight: 2, arbitrary: fc.constant([]) },
                { weight: 1, arbitrary: fc.array(argMutation, { minLength: 1, maxLength: 2 }) },
              ),
            ).map(
              ([a, muts]) => [t, applyMutations(a, muts)] as const,
            )
          ),
        },
        // Arguments of any shape, and unknown tool names.
        { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TOOLS), anyValue) },
        { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string(), anyValue), anyValue) },
      );
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(call, async ([name, args]) => {
          fc.pre(!knownBug(name, args));
          calls++;
          const r = await server.request("tools/call", { name, arguments: args }, 20_000);
          const problem = responseProblem(r);
          assert.equal(problem, undefined, `tools/call ${String(name).slice(0, 40)}: ${problem}`);
          assert.ok(!JSON.stringify(r).includes(token), "the fake token was echoed in a response");
        }),
        { numRuns: RUNS },
      );
      assert.ok(await server.alive(), "the server stopped answering after the tool-call fuzz");

      // 2. Raw JSON-RPC lines: mutated valid requests, wrong shapes, garbage, deep nesting.
      const valid = JSON.stringify({
        jsonrpc: "2.0",
        id: 999_999,
        method: "tools/call",
        params: { name: "query_cascade_memories", arguments: { query: "login", cursor } },
      });
      const line = fc.oneof(
        fc.tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string({ maxLength: 8 })).map(
          ([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b)),
        ),
        fc.record({
          jsonrpc: fc.oneof(fc.constant("2.0"), anyValue),
          id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.double(), anyValue),
          method: fc.oneof(
            fc.constantFrom(
              "tools/call",
              "tools/list",
              "initialize",
              "server/discover",
              "resources/list",
              "prompts/get",
              "notifications/cancelled",
              "logging/setLevel",
              "completion/complete",
            ),
            fc.string(),
            anyValue,
          ),
          params: anyValue,
        }, { requiredKeys: [] }).map((m) => JSON.stringify(m)),
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }).map((a) => JSON.stringify(a)),
        fc.string({ unit: "binary", maxLength: 500 }).map((s) => s.replaceAll("\n", " ")),
        fc.nat({ max: 20_000 }).map((d) => "[".repeat(d) + "]".repeat(d)),
        fc.nat({ max: 5_000 }).map((d) =>
          JSON.stringify({
            jsonrpc: "2.0",
            id: 7,
            method: "tools/call",
            params: {
              name: "store_session_to_cascade",
              arguments: JSON.parse(`{"record":${'{"a":'.repeat(d)}1${"}".repeat(d)}}`),
            },
          })
        ),
      );
      let lines = 0;
      await fc.assert(
        fc.asyncProperty(line, async (text) => {
          lines++;
          await server.writeRaw(text + "\n");
          const ok = await server.alive(20_000);
          assert.ok(
            ok,
            `the server stopped answering after a malformed line (${text.length} chars)`,
          );
        }),
        { numRuns: LINE_RUNS },
      );

      // 3. Everything the server wrote: JSON-RPC only, each well-formed, no trace, no secret.
      assert.deepEqual(server.junk, [], "stdout carried something other than JSON-RPC");
      for (const m of server.messages) {
        if (m.method !== undefined) continue; // a server-sent notification or request
        const problem = responseProblem(m);
        assert.equal(problem, undefined, `response ${String(m.id)}: ${problem}`);
      }
      assert.ok(!STACK_TRACE.test(server.stderr), "a stack trace was logged to stderr");
      assert.ok(!server.stderr.includes(token), "the fake token reached stderr");
      assert.ok(calls >= RUNS && lines >= LINE_RUNS);
    } finally {
      const status = await server.close();
      await removeHome(home);
      assert.equal(
        status.code,
        0,
        `the server exited with ${status.code}: ${server.stderr.slice(-500)}`,
      );
    }
  },
});

Deno.test({
  name: "regression: estimate_storage_cost with lume_price 1e308 is a clear error, never INTERNAL",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withServer("lumera-mcp-fuzz-", async (server) => {
      const r = await server.callTool("estimate_storage_cost", { bytes: 0, lume_price: 1e308 });
      // A clear USAGE error (price out of range) or a finite figure; never INTERNAL.
      assert.equal(responseProblem(r), undefined);
      const amount = (structured(r)?.fiat as { amount?: unknown } | undefined)?.amount;
      assert.ok(r.result?.isError === true || Number.isFinite(amount));
    }, { PATH: NO_TOOLS }),
});
