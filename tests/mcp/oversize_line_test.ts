/**
 * A request line larger than the server's limit is answered with a JSON-RPC error naming the
 * limit, and the server keeps serving the next request.
 */
import assert from "node:assert/strict";
import { randomKeyHex, tempHome } from "../helpers/home.ts";
import { baseEnv, MAIN, serveFlags } from "../helpers/permissions.ts";

Deno.test("mcp: a 20 MiB request line gets -32600 'request too large' and the server goes on", async () => {
  const home = await tempHome();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...serveFlags(home), MAIN, "serve"],
    env: { ...baseEnv(), LUMERA_MEMORY_HOME: home, LUMERA_MEMORY_KEY: randomKeyHex() },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const enc = new TextEncoder();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const nextLine = async (): Promise<Record<string, unknown>> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the server closed its output");
      buffered += value;
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return JSON.parse(line);
  };
  try {
    await writer.write(enc.encode(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "t", version: "0" },
        },
      }) + "\n",
    ));
    assert.equal((await nextLine()).id, 1);
    await writer.write(
      enc.encode(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n"),
    );
    const head =
      `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"remember","arguments":{"title":"t","text":"`;
    const filler = "x".repeat(1024 * 1024);
    await writer.write(enc.encode(head));
    for (let i = 0; i < 20; i++) await writer.write(enc.encode(filler));
    await writer.write(enc.encode(`"}}}\n`));
    const err = await nextLine();
    assert.equal(err.id, 7);
    const e = err.error as { code: number; message: string };
    assert.equal(e.code, -32600);
    assert.match(e.message, /request too large/);
    await writer.write(
      enc.encode(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "tools/list" }) + "\n"),
    );
    const list = await nextLine();
    assert.equal(list.id, 8);
    assert.ok(Array.isArray((list.result as { tools: unknown[] }).tools));
  } finally {
    await writer.close().catch(() => {});
    await reader.cancel().catch(() => {});
    await child.status;
    await Deno.remove(home, { recursive: true });
  }
});
