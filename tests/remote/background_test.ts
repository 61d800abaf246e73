import assert from "node:assert/strict";
import { LumeraError } from "../../src/errors.ts";
import { BackgroundSync } from "../../src/remote/background.ts";
import { emptySyncReport, type SyncReport } from "../../src/remote/sync_engine.ts";

function report(extra: Partial<SyncReport> = {}): SyncReport {
  return { ...emptySyncReport(false), ...extra };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("background sync runs passes on its interval, logs only news, stops cleanly", async () => {
  const lines: string[] = [];
  let runs = 0;
  const bg = new BackgroundSync({
    run: () => {
      runs++;
      return Promise.resolve(runs === 2 ? report({ segments_built: 1, registered: 1 }) : report());
    },
    intervalMs: 20,
    firstDelayMs: 0,
    log: (l) => lines.push(l),
  });
  bg.start();
  await wait(150);
  await bg.stop();
  const after = runs;
  assert.ok(after >= 3, `${after} passes`);
  await wait(80);
  assert.equal(runs, after, "no pass after stop");
  assert.equal(lines.length, 1, "only the pass that did something is logged");
  assert.match(lines[0], /1 segment\(s\) built, 1 registered/);
});

Deno.test("background sync: failures are logged once per kind and back off", async () => {
  const lines: string[] = [];
  let runs = 0;
  const bg = new BackgroundSync({
    run: () => {
      runs++;
      return Promise.reject(new LumeraError("KEY_MISSING", "no Lumera account mnemonic"));
    },
    intervalMs: 10,
    firstDelayMs: 0,
    log: (l) => lines.push(l),
  });
  bg.start();
  await wait(200);
  await bg.stop();
  assert.equal(lines.length, 1);
  assert.match(lines[0], /\[KEY_MISSING\]/);
  // 10, 20, 40, 80 ms … : far fewer than the 20 passes a fixed 10 ms interval would run.
  assert.ok(runs >= 2 && runs <= 6, `${runs} passes`);
});

Deno.test("stop waits for a pass in progress, at most the grace time", async () => {
  let release!: () => void;
  const bg = new BackgroundSync({
    run: () => new Promise((r) => (release = () => r(report()))),
    intervalMs: 1000,
    firstDelayMs: 0,
    log: () => {},
  });
  bg.start();
  await wait(20);
  const t0 = Date.now();
  await bg.stop(50);
  assert.ok(Date.now() - t0 >= 40, "waited for the grace time");
  release();
});

Deno.test("while uploads are in flight the next pass comes sooner than the interval", async () => {
  let runs = 0;
  const bg = new BackgroundSync({
    run: () => {
      runs++;
      return Promise.resolve(
        report({ remaining: { uploads: runs < 3 ? 1 : 0, pending_memories: 0, rejected: 0 } }),
      );
    },
    intervalMs: 10_000_000, // capped to the 15 s poll only while uploads are in flight
    firstDelayMs: 0,
    log: () => {},
  });
  bg.start();
  await wait(50);
  await bg.stop();
  assert.equal(runs, 1, "the 15 s poll is still far longer than the test");
});
