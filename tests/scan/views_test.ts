import assert from "node:assert/strict";
import { base64HeadIsText, base64Runs, unescapedView } from "../../src/scan/views.ts";

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
