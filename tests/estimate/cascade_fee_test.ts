import assert from "node:assert/strict";
import { estimateCascadeFee } from "../../src/estimate/cascade_fee.ts";
import { LumeraError } from "../../src/errors.ts";

Deno.test("fees match the documented worked examples (default params)", () => {
  const cases: [number, number][] = [
    [0, 10_000],
    [1, 10_010],
    [1024, 10_010],
    [1025, 10_020],
    [100 * 1024, 11_000],
    [1024 * 1024, 20_240],
    [10 * 1024 * 1024, 112_400],
    [1024 * 1024 * 1024, 10_495_760],
  ];
  for (const [bytes, fee] of cases) {
    const r = estimateCascadeFee({ bytes });
    assert.equal(r.fee_ulume, fee, `${bytes} bytes`);
    assert.equal(r.fee_lume, fee / 1e6);
    assert.equal(r.one_time, true);
    assert.equal(r.params.source, "defaults");
  }
});

Deno.test("redundancy is accepted but not billed; fiat only with a price", () => {
  const plain = estimateCascadeFee({ bytes: 1 << 20 });
  const red = estimateCascadeFee({ bytes: 1 << 20, redundancy: 3 });
  assert.equal(red.fee_ulume, plain.fee_ulume);
  assert.ok(red.notes.some((n) => n.includes("does not bill per copy")));
  assert.equal(plain.fiat, undefined);
  const fiat = estimateCascadeFee({ bytes: 1 << 20, lume_price: 0.5, currency: "EUR" });
  assert.deepEqual(fiat.fiat, { amount: 0.01012, currency: "EUR", lume_price: 0.5 });
});

Deno.test("bad sizes are usage errors", () => {
  for (const bytes of [-1, 1.5, Number.NaN, 2 ** 31 * 1024, undefined]) {
    assert.throws(
      () => estimateCascadeFee({ bytes }),
      (e) => e instanceof LumeraError && e.code === "USAGE",
    );
  }
});
