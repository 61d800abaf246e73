/**
 * The cold-start floor: a minimal Deno MCP stdio server with one `echo` tool, built on the same
 * SDK (`@modelcontextprotocol/server`) and the same zod as lumera-memory. `cold_start.ts` times
 * spawn → first tool result of this against `lumera-memory serve`.
 *
 * @module
 */

import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const server = new McpServer({ name: "echo", version: "1.0.0" });
server.registerTool(
  "echo",
  {
    description: "Returns its input.",
    inputSchema: z.object({ text: z.string() }),
    outputSchema: z.object({ text: z.string() }),
  },
  ({ text }) => ({ content: [{ type: "text", text }], structuredContent: { text } }),
);
await server.connect(new StdioServerTransport());
