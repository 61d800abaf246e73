/**
 * In-process tests of the MCP adapter: the SDK's own client talks to the server over a linked
 * in-memory transport pair, against a test double of the memory service.
 */

import assert from "node:assert/strict";
import {
  type CallToolResult,
  Client,
  InMemoryTransport,
  type Tool,
} from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import { LumeraError } from "../../src/errors.ts";
import { createMcpServer, serveStdio } from "../../src/mcp/server.ts";
import type { MemoryService, StoreOptions, StoreRequest } from "../../src/service/api.ts";
import type {
  EstimateInput,
  EstimateResult,
  ForgetInput,
  ForgetResult,
  ListSessionsInput,
  ListSessionsResult,
  QueryInput,
  QueryResult,
  RetrieveResult,
  ScanResult,
  StatsResult,
  StoreResult,
  VerifyResult,
} from "../../src/service/types.ts";

const POINTER = `cascade://${"ab".repeat(32)}`;

const STORE_RESULT: StoreResult = {
  pointer: POINTER,
  content_id: "cd".repeat(32),
  deduplicated: false,
  record_bytes: 321,
  stored_bytes: 180,
  session_id: "s-1",
  tags: ["deno"],
};

const QUERY_RESULT: QueryResult = {
  hits: [{
    pointer: POINTER,
    session_id: "s-1",
    kind: "note",
    tool_name: "mcp",
    timestamp: "2026-01-02T03:04:05.000Z",
    title: "sqlite wal",
    summary: "sqlite wal",
    tags: ["deno"],
    success: true,
    snippet: "use [wal] mode",
    score: 1.5,
    stored_bytes: 180,
    remote: { state: "finalized", action_id: "7", price_ulume: 10_010 },
  }],
  total: 1,
  next_cursor: "c2",
};

const RETRIEVE_RESULT: RetrieveResult = {
  pointer: POINTER,
  record: {
    schema_version: 1,
    kind: "note",
    session_id: "s-1",
    timestamp: "2026-01-02T03:04:05.000Z",
    tool_name: "mcp",
    success: true,
    summary: "sqlite wal",
    tags: ["deno"],
    title: "sqlite wal",
    body: "use WAL mode with a busy timeout",
    source: { kind: "mcp" },
  },
  content_id: "cd".repeat(32),
  stored_at: "2026-01-02T03:04:06.000Z",
  key_id: "0011223344556677",
  verified: true,
};

const ESTIMATE_RESULT: EstimateResult = {
  bytes: 2048,
  kilobytes: 2,
  params: { base_action_fee_ulume: 10000, fee_per_kbyte_ulume: 100, source: "defaults" },
  fee_ulume: 10200,
  fee_lume: 0.0102,
  one_time: true,
  fiat: { amount: 0.0051, currency: "EUR", lume_price: 0.5 },
  notes: ["defaults may be stale"],
};

/** One recorded call on the test double. */
type Call =
  | { method: "store"; request: StoreRequest; options?: StoreOptions }
  | { method: "query"; input: QueryInput }
  | { method: "retrieve"; pointer: string }
  | { method: "estimate"; input: EstimateInput }
  | { method: "stats" }
  | { method: "forget"; input: ForgetInput; confirm: boolean }
  | { method: "listSessions"; input: ListSessionsInput };

/**
 * TEST DOUBLE of {@link MemoryService}: records every call and answers with canned results, or
 * throws `failWith` when set. It has no storage, crypto or scanning of its own.
 */
class FakeMemoryService implements MemoryService {
  calls: Call[] = [];
  failWith: unknown = undefined;
  extraFields = false;
  closed = false;

  #fail(): void {
    if (this.failWith !== undefined) throw this.failWith;
  }

  store(request: StoreRequest, options?: StoreOptions): Promise<StoreResult> {
    this.calls.push(
      options === undefined ? { method: "store", request } : {
        method: "store",
        request,
        options,
      },
    );
    this.#fail();
    const result = this.extraFields
      ? { ...STORE_RESULT, internal_path: "/secret/place" }
      : STORE_RESULT;
    return Promise.resolve(result);
  }

  query(input: QueryInput): QueryResult {
    this.calls.push({ method: "query", input });
    this.#fail();
    return QUERY_RESULT;
  }

  retrieve(pointer: string): Promise<RetrieveResult> {
    this.calls.push({ method: "retrieve", pointer });
    this.#fail();
    return Promise.resolve(RETRIEVE_RESULT);
  }

  estimate(input: EstimateInput): EstimateResult {
    this.calls.push({ method: "estimate", input });
    this.#fail();
    return ESTIMATE_RESULT;
  }

  scanText(_text: string): ScanResult {
    return { clean: true, findings: [] };
  }

  verify(): Promise<VerifyResult> {
    return Promise.resolve({ checked: 0, read_data: 0, problems: [], leftovers: 0, ok: true });
  }

  stats(): StatsResult {
    this.calls.push({ method: "stats" });
    this.#fail();
    return STATS_RESULT;
  }

  forget(input: ForgetInput, options: { confirm: boolean }): Promise<ForgetResult> {
    this.calls.push({ method: "forget", input, confirm: options.confirm });
    this.#fail();
    return Promise.resolve({
      dry_run: !options.confirm,
      matched: 1,
      forgotten: options.confirm ? 1 : 0,
      items: [{
        pointer: STORE_RESULT.pointer,
        session_id: "s",
        tool_name: "mcp",
        timestamp: "2026-11-20T10:00:00.000Z",
      }],
    });
  }

  listSessions(input: ListSessionsInput): ListSessionsResult {
    this.calls.push({ method: "listSessions", input });
    this.#fail();
    return { sessions: [], total: 0 };
  }

  close(): void {
    this.closed = true;
  }
}

const STATS_RESULT: StatsResult = {
  memories: 1,
  stored_bytes: 100,
  record_bytes: 300,
  oldest: "2026-11-20T10:00:00.000Z",
  newest: "2026-11-20T10:00:00.000Z",
  expired: 0,
  tombstones: 0,
  current_key_id: "0123456789abcdef",
  by_agent: [{ name: "mcp", count: 1, stored_bytes: 100 }],
  by_workspace: [{ name: "(none)", count: 1, stored_bytes: 100 }],
  by_kind: [{ name: "note", count: 1, stored_bytes: 100 }],
  by_key: [{ name: "0123456789abcdef", count: 1, stored_bytes: 100 }],
  remote: {
    configured: false,
    by_state: { "local-only": 1, registered: 0, uploaded: 0, finalized: 0 },
    pending_memories: 1,
    pending_bytes: 100,
    segments: {},
    manifests: {},
    paid_ulume: 0,
    rejected: [],
  },
};

Deno.test("forget_memory is a dry run unless confirm is true; memory_stats is read-only", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const dry = await client.callTool({
      name: "forget_memory",
      arguments: { tag: "scratch", confirm: false },
    });
    assert.equal(dry.isError, undefined);
    assert.equal((dry.structuredContent as { dry_run: boolean }).dry_run, true);
    const real = await client.callTool({
      name: "forget_memory",
      arguments: { tag: "scratch", confirm: true },
    });
    assert.equal((real.structuredContent as { forgotten: number }).forgotten, 1);
    assert.deepEqual(fake.calls.filter((c) => c.method === "forget"), [
      { method: "forget", input: { tag: "scratch" }, confirm: false },
      { method: "forget", input: { tag: "scratch" }, confirm: true },
    ]);
    const missing = await client.callTool({ name: "forget_memory", arguments: { tag: "x" } });
    assert.equal(missing.isError, true, "confirm is required");
    const stats = await client.callTool({ name: "memory_stats", arguments: {} });
    assert.deepEqual(stats.structuredContent, STATS_RESULT);
  } finally {
    await close();
  }
});

/** A connected client/server pair over an in-memory transport, plus the log lines written. */
async function connect(
  getService: () => Promise<MemoryService>,
  clientOptions: ConstructorParameters<typeof Client>[1] = {},
): Promise<{ client: Client; logs: string[]; close: () => Promise<void> }> {
  const logs: string[] = [];
  const server = createMcpServer(getService, { version: "9.9.9", log: (l) => logs.push(l) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test-client", version: "1.0.0" }, clientOptions);
  await client.connect(clientSide);
  return {
    client,
    logs,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

function text(result: CallToolResult): string {
  const block = result.content[0];
  assert.ok(block && block.type === "text", "first content block is text");
  return block.text;
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }) as CallToolResult;
}

const EXPECTED_TOOLS = [
  "store_session_to_cascade",
  "remember",
  "query_cascade_memories",
  "retrieve_session_from_cascade",
  "estimate_storage_cost",
  "forget_memory",
  "memory_stats",
  "list_sessions",
];

Deno.test("tools/list shows the seven tools with schemas and honest annotations", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    assert.equal(client.getServerVersion()?.name, "lumera-memory");
    assert.equal(client.getServerVersion()?.version, "9.9.9");
    assert.match(client.getInstructions() ?? "", /remember/);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), EXPECTED_TOOLS);
    for (const tool of tools) {
      assert.ok(tool.title, `${tool.name} has a title`);
      assert.ok((tool.description ?? "").length > 80, `${tool.name} has a real description`);
      assert.equal(tool.inputSchema.type, "object");
      assert.equal(tool.outputSchema?.type, "object", `${tool.name} has an object outputSchema`);
      const a = tool.annotations ?? {};
      for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]) {
        assert.equal(
          typeof (a as Record<string, unknown>)[hint],
          "boolean",
          `${tool.name}.${hint}`,
        );
      }
      assert.equal(a.destructiveHint, tool.name === "forget_memory");
      // Only retrieve may reach out (to Lumera Cascade, for a memory not on local disk).
      assert.equal(a.openWorldHint, tool.name === "retrieve_session_from_cascade");
    }
    const byName = new Map<string, Tool>(tools.map((t) => [t.name, t]));
    const hints = (n: string) => byName.get(n)?.annotations;
    assert.equal(hints("store_session_to_cascade")?.readOnlyHint, false);
    assert.equal(hints("store_session_to_cascade")?.idempotentHint, true);
    assert.equal(hints("remember")?.readOnlyHint, false);
    for (const n of ["query_cascade_memories", "retrieve_session_from_cascade"]) {
      assert.equal(hints(n)?.readOnlyHint, true);
      assert.equal(hints(n)?.idempotentHint, true);
    }
    assert.equal(hints("estimate_storage_cost")?.readOnlyHint, true);
    const query = byName.get("query_cascade_memories")!;
    const props = query.inputSchema.properties as Record<string, { maximum?: number }>;
    assert.deepEqual(
      Object.keys(props).sort(),
      [
        "agent",
        "all_versions",
        "all_workspaces",
        "branch",
        "cursor",
        "kind",
        "limit",
        "query",
        "rank_all",
        "since",
        "tags",
        "until",
        "workspace",
      ],
    );
    assert.equal(props.limit.maximum, 100);
    assert.deepEqual(byName.get("retrieve_session_from_cascade")!.inputSchema.required, [
      "pointer",
    ]);
    assert.deepEqual(byName.get("remember")!.inputSchema.required, ["title", "text"]);
    assert.deepEqual(byName.get("estimate_storage_cost")!.inputSchema.required, ["bytes"]);
    assert.equal(fake.calls.length, 0, "listing never touches the service");
  } finally {
    await close();
  }
});

Deno.test("store_session_to_cascade maps each source to the right store request", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const record = { session_id: "s-1", timestamp: "2026-01-02", tool_name: "x", summary: "y" };
    const r1 = await call(client, "store_session_to_cascade", { record, tags: ["Deno"] });
    assert.equal(r1.isError, undefined);
    assert.deepEqual(r1.structuredContent, STORE_RESULT);
    assert.deepEqual(JSON.parse(text(r1)), STORE_RESULT);

    await call(client, "store_session_to_cascade", { cm_task: "fix the build", workspace: "/w" });
    await call(client, "store_session_to_cascade", { cass_path: "/tmp/s.jsonl" });

    assert.deepEqual(fake.calls, [
      { method: "store", request: { kind: "record", record }, options: { tags: ["Deno"] } },
      { method: "store", request: { kind: "cm", task: "fix the build", workspace: "/w" } },
      { method: "store", request: { kind: "cass", path: "/tmp/s.jsonl" } },
    ]);
  } finally {
    await close();
  }
});

Deno.test("store_session_to_cascade needs exactly one source", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    for (
      const args of [
        {},
        { cm_task: "a", cass_path: "/b" },
        { record: { session_id: "x" }, workspace: "/w" },
      ]
    ) {
      const r = await call(client, "store_session_to_cascade", args);
      assert.equal(r.isError, true);
      assert.equal((r.structuredContent as { error: { code: string } }).error.code, "USAGE");
      assert.match(text(r), /^USAGE: .+ \(.+\)$/);
    }
    assert.equal(fake.calls.length, 0);
  } finally {
    await close();
  }
});

Deno.test("remember stores a note", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const r = await call(client, "remember", {
      title: "sqlite wal",
      text: "use WAL mode",
      tags: ["deno", "sqlite"],
      workspace: "/w",
    });
    assert.deepEqual(r.structuredContent, STORE_RESULT);
    await call(client, "remember", { title: "t", text: "x" });
    assert.deepEqual(fake.calls, [
      {
        method: "store",
        request: { kind: "note", title: "sqlite wal", text: "use WAL mode", workspace: "/w" },
        options: { tags: ["deno", "sqlite"] },
      },
      { method: "store", request: { kind: "note", title: "t", text: "x" } },
    ]);
  } finally {
    await close();
  }
});

Deno.test("query_cascade_memories maps its filters onto the service query", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const r = await call(client, "query_cascade_memories", {
      query: "wal mode",
      tags: ["deno"],
      agent: "codex",
      workspace: "/w",
      kind: "note",
      since: "2026-01-01",
      until: "2026-02-01",
      limit: 5,
      cursor: "c1",
    });
    assert.deepEqual(r.structuredContent, QUERY_RESULT);
    assert.deepEqual(JSON.parse(text(r)), QUERY_RESULT);
    await call(client, "query_cascade_memories", {});
    assert.deepEqual(fake.calls, [
      {
        method: "query",
        input: {
          text: "wal mode",
          tags: ["deno"],
          agent: "codex",
          workspace: "/w",
          kind: "note",
          since: "2026-01-01",
          until: "2026-02-01",
          limit: 5,
          cursor: "c1",
          cwd: Deno.cwd(),
        },
      },
      { method: "query", input: { cwd: Deno.cwd() } },
    ]);
  } finally {
    await close();
  }
});

Deno.test("retrieve and estimate return the service's results", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const r = await call(client, "retrieve_session_from_cascade", { pointer: POINTER });
    assert.deepEqual(r.structuredContent, RETRIEVE_RESULT);
    assert.deepEqual(JSON.parse(text(r)), RETRIEVE_RESULT);
    const e = await call(client, "estimate_storage_cost", {
      bytes: 2048,
      redundancy: 3,
      lume_price: 0.5,
      currency: "EUR",
    });
    assert.deepEqual(e.structuredContent, ESTIMATE_RESULT);
    await call(client, "estimate_storage_cost", { bytes: 0 });
    assert.deepEqual(fake.calls, [
      { method: "retrieve", pointer: POINTER },
      {
        method: "estimate",
        input: { bytes: 2048, redundancy: 3, lume_price: 0.5, currency: "EUR" },
      },
      { method: "estimate", input: { bytes: 0 } },
    ]);
  } finally {
    await close();
  }
});

Deno.test("fields the output schema does not name are not passed through", async () => {
  const fake = new FakeMemoryService();
  fake.extraFields = true;
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const r = await call(client, "remember", { title: "t", text: "x" });
    assert.deepEqual(r.structuredContent, STORE_RESULT);
    assert.ok(!text(r).includes("internal_path"));
  } finally {
    await close();
  }
});

Deno.test("a LumeraError becomes an isError result with code, hint and details", async () => {
  const fake = new FakeMemoryService();
  const findings = [{
    rule: "github-token",
    description: "GitHub token",
    path: "body",
    line: 1,
    column: 5,
    preview: "ghp_…(40 chars)",
  }];
  fake.failWith = new LumeraError("SECRET_REFUSED", "refused: 1 secret found (github-token)", {
    hint: "remove the secret and retry",
    details: { findings },
  });
  const { client, logs, close } = await connect(() => Promise.resolve(fake));
  try {
    const r = await call(client, "remember", { title: "t", text: "x" });
    assert.equal(r.isError, true);
    assert.equal(
      text(r),
      "SECRET_REFUSED: refused: 1 secret found (github-token) (remove the secret and retry)",
    );
    assert.deepEqual(r.structuredContent, {
      error: {
        code: "SECRET_REFUSED",
        message: "refused: 1 secret found (github-token)",
        hint: "remove the secret and retry",
        details: { findings },
      },
    });
    assert.ok(logs.some((l) => l.includes("SECRET_REFUSED")));

    fake.failWith = new LumeraError("NOT_FOUND", "no memory at that pointer");
    const nf = await call(client, "retrieve_session_from_cascade", { pointer: POINTER });
    assert.equal(nf.isError, true);
    assert.equal(text(nf), "NOT_FOUND: no memory at that pointer");
    assert.deepEqual(nf.structuredContent, {
      error: { code: "NOT_FOUND", message: "no memory at that pointer" },
    });
  } finally {
    await close();
  }
});

Deno.test("error results validate against the advertised output schema (for 1.x clients)", async () => {
  // @modelcontextprotocol/sdk 1.x clients validate structuredContent even when isError is set.
  const fake = new FakeMemoryService();
  fake.failWith = new LumeraError("INTEGRITY", "blob does not match its pointer", {
    details: { pointer: POINTER },
  });
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    const { tools } = await client.listTools();
    const validator = new AjvJsonSchemaValidator();
    for (const tool of tools) {
      const r = await call(client, tool.name, sampleArgs(tool.name));
      assert.equal(r.isError, true, tool.name);
      const check = validator.getValidator(tool.outputSchema as never)(r.structuredContent);
      assert.ok(check.valid, `${tool.name}: ${check.valid ? "" : check.errorMessage}`);
    }
    fake.failWith = undefined;
    for (const tool of tools) {
      const r = await call(client, tool.name, sampleArgs(tool.name));
      const check = validator.getValidator(tool.outputSchema as never)(r.structuredContent);
      assert.ok(check.valid, `${tool.name}: ${check.valid ? "" : check.errorMessage}`);
    }
  } finally {
    await close();
  }
});

function sampleArgs(tool: string): Record<string, unknown> {
  switch (tool) {
    case "store_session_to_cascade":
      return { cm_task: "t" };
    case "remember":
      return { title: "t", text: "x" };
    case "query_cascade_memories":
      return { query: "x" };
    case "retrieve_session_from_cascade":
      return { pointer: POINTER };
    case "forget_memory":
      return { tag: "x", confirm: false };
    case "memory_stats":
    case "list_sessions":
      return {};
    default:
      return { bytes: 1 };
  }
}

Deno.test("an unexpected error becomes INTERNAL without its message", async () => {
  const fake = new FakeMemoryService();
  fake.failWith = new Error("boom at /home/me/.secret/path token=abc123");
  const { client, logs, close } = await connect(() => Promise.resolve(fake));
  try {
    const r = await call(client, "query_cascade_memories", { query: "x" });
    assert.equal(r.isError, true);
    const body = JSON.stringify(r);
    assert.equal((r.structuredContent as { error: { code: string } }).error.code, "INTERNAL");
    assert.ok(!body.includes("boom") && !body.includes("abc123"), "message not echoed");
    assert.ok(!logs.join("\n").includes("abc123"), "message not logged");
  } finally {
    await close();
  }
});

Deno.test("a service that cannot open still lists tools; calls fail with its code", async () => {
  let opens = 0;
  const fake = new FakeMemoryService();
  let keyConfigured = false;
  const getService = () => {
    opens++;
    if (!keyConfigured) {
      return Promise.reject(
        new LumeraError("KEY_MISSING", "no key configured", {
          hint: "set LUMERA_MEMORY_KEY or run `lumera-memory init`",
        }),
      );
    }
    return Promise.resolve(fake);
  };
  const { client, close } = await connect(getService);
  try {
    const { tools } = await client.listTools();
    assert.equal(tools.length, EXPECTED_TOOLS.length);
    assert.equal(opens, 0, "listing does not open the service");
    const r = await call(client, "query_cascade_memories", {});
    assert.equal(r.isError, true);
    assert.equal(
      text(r),
      "KEY_MISSING: no key configured (set LUMERA_MEMORY_KEY or run `lumera-memory init`)",
    );
    assert.equal((r.structuredContent as { error: { code: string } }).error.code, "KEY_MISSING");

    keyConfigured = true; // e.g. `init` ran meanwhile: the next call opens again
    const ok = await call(client, "query_cascade_memories", {});
    assert.equal(ok.isError, undefined);
    await call(client, "estimate_storage_cost", { bytes: 1 });
    assert.equal(opens, 2, "the successful open is cached");
  } finally {
    await close();
  }
});

Deno.test("input that fails the schema is rejected by the SDK before the service", async () => {
  const fake = new FakeMemoryService();
  const { client, close } = await connect(() => Promise.resolve(fake));
  try {
    for (
      const [name, args] of [
        ["query_cascade_memories", { limit: 0 }],
        ["query_cascade_memories", { limit: 101 }],
        ["query_cascade_memories", { tag: ["misspelt"] }],
        ["estimate_storage_cost", { bytes: -1 }],
        ["remember", { title: "t" }],
        ["retrieve_session_from_cascade", {}],
      ] as const
    ) {
      const r = await call(client, name, args);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(text(r), /validation/i);
    }
    await assert.rejects(() => call(client, "no_such_tool", {}), /no_such_tool/);
    assert.equal(fake.calls.length, 0);
  } finally {
    await close();
  }
});

Deno.test("serveStdio serves a 2026-07-28 client (server/discover) and a legacy client", async () => {
  for (const mode of [{ pin: "2026-07-28" } as const, "auto" as const, "legacy" as const]) {
    const fake = new FakeMemoryService();
    let opens = 0;
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const served = serveStdio(() => {
      opens++;
      return Promise.resolve(fake);
    }, { version: "1.2.3", transport: serverSide });
    const client = new Client({ name: "t", version: "1" }, { versionNegotiation: { mode } });
    await client.connect(clientSide);
    const label = JSON.stringify(mode);
    if (mode !== "legacy") {
      assert.equal(client.getNegotiatedProtocolVersion(), "2026-07-28", label);
    }
    assert.equal(client.getServerVersion()?.name, "lumera-memory", label);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), EXPECTED_TOOLS, label);
    const r = await call(client, "remember", { title: "t", text: "x" });
    assert.deepEqual(r.structuredContent, STORE_RESULT, label);
    await call(client, "query_cascade_memories", {});
    assert.equal(opens, 1, `${label}: one open per connection`);
    await client.close();
    await served; // resolves once the input ends
  }
});
