/**
 * The reference MCP memory server (`@modelcontextprotocol/server-memory`, pinned in deno.json),
 * started as published: importing its entry point runs the stdio server. It stores its knowledge
 * graph in the JSONL file named by `MEMORY_FILE_PATH`.
 *
 * Run: deno run --allow-read=<dir> --allow-write=<dir> --allow-env bench/peers/reference_memory_server.ts
 *
 * @module
 */

import "@modelcontextprotocol/server-memory/dist/index.js";
