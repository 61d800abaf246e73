import assert from "node:assert/strict";
import { lcg } from "./_helpers.ts";
import {
  base64HeadIsText,
  base64Runs,
  continueBase64Runs,
  continueEscapedLines,
  startBase64Runs,
  startEscapedLines,
  unescapedView,
} from "../../src/scan/views.ts";

Deno.test("unescapedView decodes only lines with escapes and maps every position back", () => {
  const text = 'plain line\n{"a":"x\\ny \\"q\\" \\u002b"}\nother\n"\\t"';
  const view = unescapedView(text)!;
  assert.equal(view.text, '{"a":"x\ny "q" +"}\n"\t"');
  assert.equal(view.map.length, view.text.length + 1);
  for (let i = 0; i < view.text.length; i++) {
    const src: string = text[view.map[i]];
    const ch: string = view.text[i];
    if (src !== "\\") assert.equal(src, ch, `position ${i}`);
  }
  assert.equal(unescapedView("no escapes here"), undefined);
  assert.equal(unescapedView("a lone \\ backslash"), undefined);
});

Deno.test("base64Runs finds long mixed-case runs and skips hex, short runs and prose", () => {
  const b64 = btoa("API_KEY=" + "q8Zr2Lm9Xv4Tp".repeat(3) + "\n");
  const hex = "0123456789abcdef".repeat(4);
  const text = `prose words here ${hex} then ${b64} and short QWxhZGRpbjpvcGVu end`;
  const runs = base64Runs(text, 32);
  assert.deepEqual(runs.map(([s, e]) => text.slice(s, e)), [b64]);
  assert.ok(base64HeadIsText(text, text.indexOf(b64)));
  assert.ok(!base64HeadIsText("AAAAAAAAAAAAAAAAAAAA", 0));
});

Deno.test("base64 runs found a part of the text at a time are those of one search", () => {
  const rand = lcg(11);
  const pieces = [btoa("user=admin password=hunter2 " + "x".repeat(30)), "QUJD", "ab", " ", "-_"];
  for (let round = 0; round < 50; round++) {
    const parts: string[] = [];
    for (let i = rand(400); i >= 0; i--) parts.push(pieces[rand(pieces.length)]);
    const text = parts.join(rand(2) ? "" : "\n");
    const scan = startBase64Runs(32);
    // Steps of any size, some ending inside a run, one past the end.
    for (let to = 0; to < text.length + 40; to += 1 + rand(200)) continueBase64Runs(text, scan, to);
    continueBase64Runs(text, scan, text.length);
    assert.deepEqual(scan.runs, base64Runs(text, 32), `round ${round}`);
  }
});

Deno.test("escaped lines found a part of the text at a time give the same view", () => {
  const rand = lcg(13);
  const pieces = ["\\n", '\\"', "\\u0074", "\\/", "\\x", "\\", "token", "word ", "\n", "é"];
  for (let round = 0; round < 60; round++) {
    const parts: string[] = [];
    for (let i = rand(300); i >= 0; i--) parts.push(pieces[rand(pieces.length)]);
    const text = parts.join("");
    const marks = Int32Array.from([...text.matchAll(/token/g)].map((m) => m.index));
    const scan = startEscapedLines();
    for (let to = 0; to < text.length; to += 1 + rand(40)) continueEscapedLines(text, scan, to);
    continueEscapedLines(text, scan, text.length);
    for (const m of [marks, undefined]) {
      assert.deepEqual(unescapedView(text, m, scan), unescapedView(text, m), `round ${round}`);
    }
  }
});
