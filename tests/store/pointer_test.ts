import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";
import { parsePointer, toPointer } from "../../src/store/pointer.ts";

const hex = "a".repeat(63) + "0";

Deno.test("a valid pointer parses to its digest", () => {
  assert.equal(parsePointer(`cascade://${hex}`), hex);
  assert.equal(toPointer(parsePointer(`cascade://${hex}`)), `cascade://${hex}`);
});

Deno.test("hostile and malformed pointers are refused before any use", () => {
  const hostile: unknown[] = [
    `cascade://../${hex.slice(3)}`,
    `cascade://${"../".repeat(10)}etc/passwd`,
    "/etc/passwd",
    `cascade:///${hex}`,
    `cascade://${hex.toUpperCase()}`,
    `cascade://${hex.slice(1)}`,
    `cascade://${hex}0`,
    `cascade://%2e%2e%2f${hex.slice(9)}`,
    `cascade://${hex.slice(0, 60)}%2F..`,
    `CASCADE://${hex}`,
    `cascade://${hex}\n`,
    ` cascade://${hex}`,
    `cascade://${hex.slice(0, 63)}g`,
    `file://${hex}`,
    hex,
    "",
    42,
    null,
    { pointer: hex },
    "x".repeat(100_000),
  ];
  for (const p of hostile) {
    assert.throws(() => parsePointer(p), (e) => {
      assert.ok(e instanceof LumeraError);
      assert.equal(e.code, "INVALID_POINTER");
      assert.ok(e.message.length < 200, "long input is not echoed whole");
      return true;
    });
  }
});
