/**
 * lumera-memory: argv → a CLI command, or `serve` for the MCP stdio server.
 *
 * @module
 */

import { runCli } from "./src/cli/run.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
