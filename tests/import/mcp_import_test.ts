/**
 * The MCP face over a real service: `store_session_to_cascade` with `transcript_path` (allow-list
 * enforced by the service) and `list_sessions`.
 */

import assert from "node:assert/strict";
import { type CallToolResult, Client, InMemoryTransport } from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import { createMcpServer } from "../../src/mcp/server.ts";
import { LEDGER, ROLLOUT, SECRET, withWorld } from "./_helpers.ts";
import type { LocalMemoryService } from "../../src/service/memory_service.ts";

async function connect(service: LocalMemoryService) {
  const server = createMcpServer(() => Promise.resolve(service), { version: "9.9.9" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  return await client.callTool({ name, arguments: args }) as CallToolResult;
}

function data(r: CallToolResult): Record<string, unknown> {
  return r.structuredContent as Record<string, unknown>;
}

Deno.test("mcp: store a transcript by path, list sessions, and refuse paths outside the allow-list", () =>
  withWorld(async ({ service, path, root }) => {
    const { client, close } = await connect(service);
    try {
      const { tools } = await client.listTools();
      const validator = new AjvJsonSchemaValidator();
      const schemaOf = (n: string) =>
        validator.getValidator(tools.find((t) => t.name === n)!.outputSchema as never);

      const stored = await call(client, "store_session_to_cascade", {
        transcript_path: path(LEDGER),
        tags: ["csv"],
      });
      assert.equal(stored.isError, undefined, JSON.stringify(stored.content));
      assert.equal(data(stored).session_id, "7c1e9a40-3b2d-4f6e-8a1c-2d3e4f5a6b7c");
      assert.deepEqual(data(stored).tags, ["claude-code", "csv"]);
      assert.ok(schemaOf("store_session_to_cascade")(stored.structuredContent).valid);
      await call(client, "store_session_to_cascade", { transcript_path: path(ROLLOUT) });

      const list = await call(client, "list_sessions", { all_workspaces: true });
      assert.ok(schemaOf("list_sessions")(list.structuredContent).valid);
      const sessions = data(list).sessions as { tool_name: string; git_branch?: string }[];
      assert.deepEqual(sessions.map((s) => [s.tool_name, s.git_branch]), [
        ["codex", "fix/tz-offsets"],
        ["claude-code", "feat/export-csv"],
      ]);
      const codexOnly = await call(client, "list_sessions", {
        agent: "codex",
        all_workspaces: true,
      });
      assert.equal(data(codexOnly).total, 1);

      const q = await call(client, "query_cascade_memories", {
        query: "decimal comma",
        branch: "feat/export-csv",
        all_workspaces: true,
      });
      assert.equal((data(q).hits as unknown[]).length, 1);
      const pointer = (data(q).hits as { pointer: string }[])[0].pointer;
      const part = await call(client, "retrieve_session_from_cascade", {
        pointer,
        from_message: 0,
        to_message: 1,
      });
      assert.ok(schemaOf("retrieve_session_from_cascade")(part.structuredContent).valid);
      assert.deepEqual(data(part).message_range, { from: 0, to: 1, total: 11 });

      await Deno.writeTextFile(`${root}/outside.jsonl`, await Deno.readTextFile(path(ROLLOUT)));
      const denied = await call(client, "store_session_to_cascade", {
        transcript_path: `${root}/outside.jsonl`,
      });
      assert.equal(denied.isError, true);
      assert.equal((data(denied).error as { code: string }).code, "PERMISSION");

      const secret = await call(client, "store_session_to_cascade", {
        transcript_path: path(SECRET),
      });
      assert.equal((data(secret).error as { code: string }).code, "SECRET_REFUSED");
      assert.ok(!JSON.stringify(secret).includes("wJalrXUtnFEMI"));

      const two = await call(client, "store_session_to_cascade", {
        transcript_path: path(LEDGER),
        cm_task: "x",
      });
      assert.equal((data(two).error as { code: string }).code, "USAGE");
    } finally {
      await close();
    }
  }));
