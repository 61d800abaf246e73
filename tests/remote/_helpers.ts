/**
 * Helpers for the remote tests: a keyed home, memories, and a sync engine over the in-memory
 * Cascade stand-in with a controllable clock.
 *
 * @module
 */

import { type BatchPolicy, DEFAULT_BATCH_POLICY } from "../../src/config/remote_config.ts";
import { type LocalMemoryService, openMemoryService } from "../../src/service/memory_service.ts";
import { SyncEngine } from "../../src/remote/sync_engine.ts";
import { SegmentFetcher } from "../../src/remote/fetcher.ts";
import { envOf, randomKeyHex, tempHome } from "../helpers/home.ts";
import { MemoryCascadeRemote } from "../helpers/memory_cascade_remote.ts";
import type { CascadeStandIn } from "../helpers/cascade_standin.ts";

export { MemoryCascadeRemote };

/** A controllable clock. */
export class TestClock {
  /** Current time, ms since epoch. */
  now = Date.now();
  /** The clock as a function. */
  readonly fn = (): number => this.now;
  /** Sleeping advances the clock instead of waiting. */
  readonly sleep = (ms: number): Promise<void> => {
    this.now += ms;
    return Promise.resolve();
  };
}

/** Opens the service of `home` with the key `keyHex`. */
export function openHome(home: string, keyHex: string): Promise<LocalMemoryService> {
  return openMemoryService({ home, env: envOf({ LUMERA_MEMORY_KEY: keyHex }) });
}

/** Runs `fn` with a fresh home and key; removes the home afterwards. */
export async function withHome(
  fn: (home: string, key: string) => Promise<void>,
): Promise<void> {
  const home = await tempHome();
  try {
    await fn(home, randomKeyHex());
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Opens the service of `home` with `keyHex`, runs `fn` on it, and closes it. */
export async function withOpenHome<T>(
  home: string,
  keyHex: string,
  fn: (s: LocalMemoryService) => T | Promise<T>,
): Promise<T> {
  const s = await openHome(home, keyHex);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

/** Runs `fn` with the open service of a fresh home and key; closes and removes it afterwards. */
export function withService(
  fn: (s: LocalMemoryService, home: string, key: string) => Promise<void>,
): Promise<void> {
  return withHome((home, key) => withOpenHome(home, key, (s) => fn(s, home, key)));
}

/** A note of roughly `bytes` characters of incompressible-ish text. */
export function noteText(i: number, bytes = 200): string {
  const words: string[] = [];
  let n = 0;
  let x = i * 7919 + 17;
  while (n < bytes) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const w = x.toString(36);
    words.push(w);
    n += w.length + 1;
  }
  return `memory ${i} ` + words.join(" ");
}

/** Stores `n` notes; returns their pointers in order. */
export async function storeNotes(
  s: LocalMemoryService,
  n: number,
  bytes = 200,
  from = 0,
): Promise<string[]> {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(
      (await s.store({ kind: "note", title: `note ${i}`, text: noteText(i, bytes) })).pointer,
    );
  }
  return out;
}

/** A sync engine over the stand-in. */
export function engineFor(
  s: LocalMemoryService,
  remote: MemoryCascadeRemote,
  clock: TestClock,
  policy: Partial<BatchPolicy> = {},
  owner?: string,
): SyncEngine {
  return new SyncEngine({
    service: s,
    remote: () => Promise.resolve(remote),
    policy: { ...DEFAULT_BATCH_POLICY, ...policy },
    clock: clock.fn,
    sleep: clock.sleep,
    random: () => 0.5,
    owner,
  });
}

/** Attaches the stand-in as the service's retrieve fallback; returns the fetcher. */
export function attachFetcher(s: LocalMemoryService, remote: MemoryCascadeRemote): SegmentFetcher {
  const f = new SegmentFetcher(s, () => Promise.resolve(remote));
  s.attachRemote(f);
  return f;
}

/** Writes `home`'s config.json with a custom Cascade remote at the stand-in `s`, plus `extra`. */
export async function writeStandInConfig(
  home: string,
  s: CascadeStandIn,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await Deno.writeTextFile(
    `${home}/config.json`,
    JSON.stringify({
      remote: {
        backend: "cascade",
        network: "custom",
        lcd_url: s.lcdUrl,
        snapi_url: s.snapiUrl,
        chain_id: s.chainId,
        ...extra,
      },
    }),
  );
}
