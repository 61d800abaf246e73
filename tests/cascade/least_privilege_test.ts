// The Cascade client under the server's least-privilege flags: network to the Lumera hosts only,
// read/write to its own directory only, no environment, no read access to the npm cache.

import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { startCascadeStandIn } from "../helpers/cascade_standin.ts";

const script = fromFileUrl(new URL("./fixtures/least_privilege_roundtrip.ts", import.meta.url));
const repo = fromFileUrl(new URL("../../", import.meta.url));

Deno.test("cascade: full upload + download with --allow-net=127.0.0.1 and a temp dir only", async () => {
  const s = await startCascadeStandIn({ doneDelayMs: 10 });
  const dir = await Deno.makeTempDir({ prefix: "lm-cascade-lp-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--allow-net=127.0.0.1",
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        script,
      ],
      cwd: repo,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify({
      dir,
      connection: {
        chainId: s.chainId,
        lcdUrl: s.lcdUrl,
        snapiUrl: s.snapiUrl,
        gasPrice: "0.025",
        mnemonic: s.mnemonic,
      },
    })));
    await writer.close();
    const out = await child.output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `child failed: ${stderr.slice(0, 2000)}`);
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(result.same, true);
    assert.equal(s.actionState(result.actionId), 3);
    assert.equal((await Deno.stat(`${dir}/out.bin`)).size, 100_000);
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
