/**
 * `serve` with a Cascade remote configured, end to end: the SDK's stdio client spawns `main.ts
 * serve` under the documented flags plus `--allow-net=127.0.0.1`; a note stored with `remember` is
 * uploaded by the background sync to the Lumera stand-in without any tool call waiting for the
 * network, and `query_cascade_memories` then shows it finalized with its on-chain receipt.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CallToolResult, Client } from "@modelcontextprotocol/client";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { ENV_VARS } from "../../src/config/env_vars.ts";
import { startCascadeStandIn } from "../helpers/cascade_standin.ts";
import { randomKeyHex, tempHome } from "../helpers/home.ts";
import { MAIN } from "../helpers/permissions.ts";
import { writeStandInConfig } from "./_helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function call(c: Client, name: string, args: Record<string, unknown>) {
  return await c.callTool({ name, arguments: args }) as CallToolResult;
}

Deno.test({
  name:
    "serve uploads in the background: remember does not wait for the network, the note reaches Cascade",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const s = await startCascadeStandIn({ fundUlume: 50_000_000n, doneDelayMs: 200 });
    const home = await tempHome();
    let stderr = "";
    try {
      await writeStandInConfig(home, s, {
        sync_interval: "1s",
        batch: { flush_age: "1s", manifest_interval: "1s" },
      });
      const env: Record<string, string> = {
        ...getDefaultEnvironment(),
        LUMERA_MEMORY_HOME: home,
        LUMERA_MEMORY_KEY: randomKeyHex(),
        LUMERA_MEMORY_MNEMONIC: s.mnemonic,
      };
      const denoDir = Deno.env.get("DENO_DIR");
      if (denoDir) env.DENO_DIR = denoDir;
      const transport = new StdioClientTransport({
        command: Deno.execPath(),
        args: [
          "run",
          "--no-prompt",
          `--allow-read=${home}`,
          `--allow-write=${home}`,
          `--allow-env=${ENV_VARS.join(",")}`,
          "--allow-run=cm,cass",
          "--allow-net=127.0.0.1",
          MAIN,
          "serve",
        ],
        env,
        cwd: ROOT,
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk: Uint8Array | string) => {
        stderr += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      });
      const client = new Client({ name: "bg-sync", version: "1.0.0" });
      await client.connect(transport);
      try {
        const stored = await call(client, "remember", {
          title: "background sync",
          text: "background sync carried this note to Cascade (quokkaflux marker)",
          tags: ["cascade"],
        });
        assert.equal(stored.isError, undefined, JSON.stringify(stored));
        const pointer = (stored.structuredContent as { pointer: string }).pointer;

        let remote: { state: string; action_id?: string; tx_hash?: string } = { state: "" };
        const deadline = Date.now() + 45_000;
        while (Date.now() < deadline) {
          const found = await call(client, "query_cascade_memories", { query: "quokkaflux" });
          const hit = (found.structuredContent as {
            hits: { pointer: string; remote: typeof remote }[];
          }).hits[0];
          assert.equal(hit.pointer, pointer);
          remote = hit.remote;
          if (remote.state === "finalized") break;
          await new Promise((r) => setTimeout(r, 300));
        }
        assert.equal(remote.state, "finalized", `background sync did not finish: ${stderr}`);
        assert.match(remote.action_id ?? "", /^\d+$/);
        assert.equal(s.actionState(remote.action_id!), 3, "DONE on the chain stand-in");
      } finally {
        await client.close();
      }
      assert.ok(!stderr.includes(s.mnemonic.split(" ").slice(0, 4).join(" ")), "no mnemonic");
    } finally {
      await s.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
