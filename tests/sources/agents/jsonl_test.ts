import assert from "node:assert/strict";
import { emptyJsonlStats, type JsonlStats, readJsonl } from "../../../src/sources/agents/jsonl.ts";

async function readAll(
  bytes: Uint8Array | string,
  maxLineBytes?: number,
): Promise<{ values: unknown[]; stats: JsonlStats }> {
  const dir = await Deno.makeTempDir({ prefix: "lumera-jsonl-" });
  try {
    const path = `${dir}/f.jsonl`;
    if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
    else await Deno.writeFile(path, bytes);
    const stats = emptyJsonlStats();
    const values: unknown[] = [];
    using file = await Deno.open(path);
    for await (const batch of readJsonl(file, { stats, maxLineBytes })) values.push(...batch);
    return { values, stats };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("jsonl: lines, blank lines, CRLF, BOM and a last line without newline", async () => {
  const { values, stats } = await readAll('\ufeff{"a":1}\r\n\n  \n{"a":2}\n{"a":3}');
  assert.deepEqual(values, [{ a: 1 }, { a: 2 }, { a: 3 }]);
  assert.equal(stats.lines, 3);
  assert.equal(stats.malformed, 0);
  assert.equal(stats.torn, false);
});

Deno.test("jsonl: malformed lines are counted and skipped; a torn last line is not an error", async () => {
  const { values, stats } = await readAll('{"a":1}\nnot json\n{"a":\n{"a":2}\n{"a":3,"b":"unfinis');
  assert.deepEqual(values, [{ a: 1 }, { a: 2 }]);
  assert.equal(stats.malformed, 2);
  assert.equal(stats.torn, true);
  assert.equal(stats.lines, 5);
});

Deno.test("jsonl: lines longer than a chunk are joined; over the bound they are skipped unread", async () => {
  const long = JSON.stringify({ t: "x".repeat(600 * 1024) }); // spans three 256 KiB chunks
  const huge = JSON.stringify({ t: "y".repeat(900 * 1024) });
  const text = `{"a":1}\n${long}\n${huge}\n{"a":2}\n`;
  const { values, stats } = await readAll(text, 700 * 1024);
  assert.equal(values.length, 3);
  assert.deepEqual(values[0], { a: 1 });
  assert.equal((values[1] as { t: string }).t.length, 600 * 1024);
  assert.deepEqual(values[2], { a: 2 });
  assert.equal(stats.oversized, 1);
  assert.equal(stats.bytes, new TextEncoder().encode(text).length);
});

Deno.test("jsonl: an oversized torn last line is counted as oversized", async () => {
  const { values, stats } = await readAll(`{"a":1}\n{"t":"${"z".repeat(5000)}`, 1000);
  assert.deepEqual(values, [{ a: 1 }]);
  assert.equal(stats.oversized, 1);
  assert.equal(stats.torn, false);
});

Deno.test("jsonl: unicode survives chunk boundaries; invalid UTF-8 never throws", async () => {
  // Put a 4-byte emoji across the 256 KiB chunk boundary.
  const pad = "a".repeat(256 * 1024 - 9);
  const line = JSON.stringify({ t: `${pad}🧾日本語` });
  const { values } = await readAll(`${line}\n`);
  assert.equal((values[0] as { t: string }).t.endsWith("🧾日本語"), true);

  const bad = new Uint8Array([
    ...new TextEncoder().encode('{"t":"'),
    0xff,
    0xfe,
    ...new TextEncoder().encode('"}\n'),
  ]);
  const r = await readAll(bad);
  assert.equal(r.values.length, 1);
  assert.equal((r.values[0] as { t: string }).t, "\ufffd\ufffd");
});
