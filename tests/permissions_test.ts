import assert from "node:assert/strict";
import { VERSION } from "../src/version.ts";
import { CLI_FLAGS, ENV_FLAG, NET_FLAG, V8_FLAG } from "./helpers/permissions.ts";

const root = new URL("../", import.meta.url);
const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));

Deno.test("deno.json runs and compiles the program with exactly the tested permission flags", () => {
  const flags = CLI_FLAGS.join(" ");
  for (const task of ["demo", "compile", "serve", "cli"]) {
    assert.ok(denoJson.tasks[task].includes(flags), `task ${task} must use: ${flags}`);
    assert.ok(!/-A\b|--allow-all/.test(denoJson.tasks[task]), `task ${task}: no blanket grant`);
    const nets = denoJson.tasks[task].match(/--allow-net\S*/g) ?? [];
    assert.deepEqual(nets, [NET_FLAG], `task ${task}: network only to the Lumera preset hosts`);
    assert.ok(denoJson.tasks[task].includes(V8_FLAG), `task ${task} must use: ${V8_FLAG}`);
  }
});

Deno.test("the README's least-privilege server launch uses the tested flags", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const launch = readme.match(/claude mcp add lumera-memory -- deno run[^`]*?main\.ts serve/)?.[0];
  assert.ok(launch, "README shows the least-privilege launch");
  for (const flag of [V8_FLAG, ENV_FLAG, "--allow-run=cm,cass"]) {
    assert.ok(launch.includes(flag), `README's launch must use: ${flag}`);
  }
  assert.ok(!/--allow-net/.test(launch), "the documented server launch has no network");
});

Deno.test("the release workflow compiles with the same env allow-list", async () => {
  const release = await Deno.readTextFile(new URL(".github/workflows/release.yml", root));
  assert.ok(release.includes(ENV_FLAG));
  assert.ok(release.includes("--allow-run=cm,cass"));
  assert.ok(release.includes(V8_FLAG));
  assert.deepEqual(release.match(/--allow-net\S*/g), [NET_FLAG]);
});

Deno.test("the version in code equals deno.json's", () => {
  assert.equal(VERSION, denoJson.version);
});
