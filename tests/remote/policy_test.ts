import assert from "node:assert/strict";
import { DEFAULT_BATCH_POLICY } from "../../src/config/remote_config.ts";
import { flushReason, planSegments, segmentSizeFor } from "../../src/remote/policy.ts";

const MiB = 1024 * 1024;

Deno.test("flush: on bytes, on age, when forced; never with nothing pending", () => {
  const p = DEFAULT_BATCH_POLICY;
  const now = 1_000_000_000;
  assert.equal(flushReason({ memories: 0, bytes: 0 }, p, now, true), "none");
  assert.equal(flushReason({ memories: 1, bytes: 10, oldest_ms: now }, p, now, false), "none");
  assert.equal(flushReason({ memories: 1, bytes: 10, oldest_ms: now }, p, now, true), "forced");
  assert.equal(
    flushReason({ memories: 9, bytes: 4 * MiB, oldest_ms: now }, p, now, false),
    "bytes",
  );
  assert.equal(
    flushReason({ memories: 1, bytes: 10, oldest_ms: now - 10 * 60_000 }, p, now, false),
    "age",
  );
  assert.equal(
    flushReason({ memories: 1, bytes: 10, oldest_ms: now - 10 * 60_000 + 1 }, p, now, false),
    "none",
  );
});

Deno.test("plan: oldest first, each segment under the cap, a big memory alone", () => {
  const policy = { ...DEFAULT_BATCH_POLICY, maxSegmentBytes: 1 * MiB };
  const pending = [
    ...Array.from(
      { length: 300 },
      (_, i) => ({ pointer: `p${i}`, stored_bytes: 5_000, stored_ms: i }),
    ),
    { pointer: "big", stored_bytes: 3 * MiB, stored_ms: 400 },
    { pointer: "last", stored_bytes: 100, stored_ms: 500 },
  ];
  const groups = planSegments(pending, policy);
  assert.deepEqual(groups.flat().map((p) => p.pointer), pending.map((p) => p.pointer));
  for (const g of groups) {
    const size = segmentSizeFor(g.length, g.reduce((n, p) => n + p.stored_bytes, 0));
    if (g.length > 1) assert.ok(size <= policy.maxSegmentBytes, `${size}`);
  }
  assert.ok(groups.some((g) => g.length === 1 && g[0].pointer === "big"));
  assert.equal(groups.length, 4); // 300 × 5 KB needs two segments under 1 MiB, then big, then last
});
