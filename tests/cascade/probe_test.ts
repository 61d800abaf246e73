// The runbook's probe against the stand-in, under its documented least-privilege flags.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startCascadeStandIn } from "../helpers/cascade_standin.ts";

const probe = fileURLToPath(new URL("../../src/cascade/probe.ts", import.meta.url));

async function runProbe(dir: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      `--allow-read=${dir}`,
      probe,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  return {
    code: out.code,
    text,
    lines: text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("probe: account, params, fee, gas, and a verified round trip; never prints the mnemonic", async () => {
  const s = await startCascadeStandIn();
  const dir = await Deno.makeTempDir({ prefix: "lm-probe-" });
  try {
    const file = `${dir}/m.txt`;
    await Deno.writeTextFile(file, s.mnemonic + "\n");
    const args = [
      "--mnemonic-file",
      file,
      "--lcd",
      s.lcdUrl,
      "--snapi",
      s.snapiUrl,
      "--chain-id",
      s.chainId,
    ];
    const r = await runProbe(dir, [...args, "--upload", "5000", "--done-timeout-s", "30"]);
    assert.equal(r.code, 0, r.stderr + r.text);
    const steps = r.lines.map((l) => l.step);
    assert.deepEqual(steps, [
      "account",
      "balance",
      "params",
      "action_fee",
      "estimate_gas",
      "registered",
      "uploaded",
      "done",
      "downloaded",
    ]);
    assert.equal(r.lines[0].address, s.address);
    assert.equal(r.lines[3].ulume, "10050");
    assert.equal(r.lines.at(-1).identical, true);
    assert.ok(!r.text.includes(s.mnemonic.split(" ").slice(0, 2).join(" ")));

    const bad = await runProbe(dir, [...args, "--key-type", "ed25519"]);
    assert.equal(bad.code, 1);
    assert.equal(bad.lines[0].code, "USAGE");
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
