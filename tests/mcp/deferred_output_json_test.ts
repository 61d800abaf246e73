import assert from "node:assert/strict";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { deferOutputSchemaJson } from "../../src/mcp/deferred_output_json.ts";

/** Mimics the SDK's memo: a getter that converts when unset, a setter that stores. */
function sdkLikeTool(conversion: Record<string, unknown>) {
  let memo: Record<string, unknown> | undefined;
  let conversions = 0;
  const tool = {
    get outputSchemaJson(): Record<string, unknown> | undefined {
      if (memo === undefined) {
        conversions++;
        memo = structuredClone(conversion);
      }
      return memo;
    },
    set outputSchemaJson(v: Record<string, unknown> | undefined) {
      memo = v;
    },
  };
  return { tool, conversions: () => conversions };
}

const OBJECT_UNION = {
  type: "object",
  anyOf: [{ type: "object", properties: { a: { type: "string" } } }, {
    type: "object",
    properties: { error: { type: "object" } },
  }],
};

Deno.test("deferOutputSchemaJson: reading the root type converts nothing", () => {
  const { tool, conversions } = sdkLikeTool(OBJECT_UNION);
  deferOutputSchemaJson(tool);
  assert.equal(tool.outputSchemaJson?.type, "object");
  assert.equal(tool.outputSchemaJson?.["type"] !== "object", false);
  assert.equal(conversions(), 0);
});

Deno.test("deferOutputSchemaJson: any other read converts once, then the SDK's memo holds the real schema", () => {
  const { tool, conversions } = sdkLikeTool(OBJECT_UNION);
  deferOutputSchemaJson(tool);
  const stand = tool.outputSchemaJson!;
  assert.deepEqual(stand.anyOf, OBJECT_UNION.anyOf);
  assert.equal(conversions(), 1);
  assert.deepEqual(JSON.parse(JSON.stringify(stand)), OBJECT_UNION);
  assert.deepEqual(Object.keys(stand), Object.keys(OBJECT_UNION));
  assert.equal("anyOf" in stand, true);
  assert.equal("oneOf" in stand, false);
  assert.deepEqual(tool.outputSchemaJson, OBJECT_UNION); // the memo, not the stand-in
  assert.equal(conversions(), 1);
});

Deno.test("deferOutputSchemaJson: with the real SDK, the stand-in reads as the SDK's own conversion", () => {
  const output = z.object({ hits: z.array(z.string()), total: z.number().int() })
    .or(z.object({ error: z.object({ code: z.string(), message: z.string() }) }));
  const input = z.strictObject({ q: z.string().optional() });
  const server = new McpServer({ name: "t", version: "0" });
  const plain = server.registerTool("plain", { inputSchema: input, outputSchema: output }, () => ({
    content: [],
  }));
  const deferred = server.registerTool(
    "deferred",
    { inputSchema: input, outputSchema: output },
    () => ({ content: [] }),
  );
  deferOutputSchemaJson(deferred);
  assert.equal(deferred.outputSchemaJson?.type, "object");
  const real = plain.outputSchemaJson;
  assert.equal(real?.type, "object", "the SDK marks an object union's root as an object");
  assert.equal(JSON.stringify(deferred.outputSchemaJson), JSON.stringify(real));
});
