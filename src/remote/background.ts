/**
 * Background sync while `serve` runs: a timer runs one sync pass every interval (default 5 min,
 * `remote.sync_interval`; every 15 s while uploads are in flight, to see them finalized). It never blocks a tool call (a pass only awaits I/O; its SQLite
 * transactions are short), never writes to stdout (one stderr line per pass that did something,
 * and one per new kind of failure), backs off while passes fail (up to 1 h), does not keep the
 * process alive, and stops cleanly when the server ends.
 *
 * @module
 */

import { toLumeraError } from "../errors.ts";
import type { SyncReport } from "./sync_engine.ts";

/** Pause between passes while uploads are in flight (polling them to finalization). */
export const ACTIVE_POLL_MS = 15_000;

/** Longest pause between passes while they keep failing. */
export const MAX_BACKGROUND_BACKOFF_MS = 60 * 60 * 1000;

/** Options of {@link BackgroundSync}. */
export interface BackgroundSyncOptions {
  /** Runs one sync pass. */
  run: () => Promise<SyncReport>;
  /** Time between passes, in ms. */
  intervalMs: number;
  /** Delay before the first pass (default 10 s: let the server answer its first calls first). */
  firstDelayMs?: number;
  /** Writes one line to stderr. */
  log: (line: string) => void;
}

/** The background sync timer. */
export class BackgroundSync {
  readonly #opts: BackgroundSyncOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #failures = 0;
  #inFlight = false;
  #lastError: string | undefined;
  /** Passes completed (with or without errors). */
  passes = 0;

  /** A timer that is not started yet. */
  constructor(opts: BackgroundSyncOptions) {
    this.#opts = opts;
  }

  /** Starts the timer. */
  start(): void {
    this.#schedule(this.#opts.firstDelayMs ?? 10_000);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => this.#tick(), ms);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    this.#running = this.#pass().finally(() => {
      this.#running = undefined;
      this.passes++;
      const delay = this.#failures > 0
        ? Math.min(this.#opts.intervalMs * 2 ** this.#failures, MAX_BACKGROUND_BACKOFF_MS)
        : this.#inFlight
        ? Math.min(this.#opts.intervalMs, ACTIVE_POLL_MS)
        : this.#opts.intervalMs;
      this.#schedule(delay);
    });
  }

  async #pass(): Promise<void> {
    try {
      const r = await this.#opts.run();
      this.#failures = 0;
      this.#inFlight = r.remaining.uploads > 0;
      this.#lastError = undefined;
      if (r.segments_built + r.registered + r.finalized + r.errors.length > 0) {
        this.#opts.log(
          `sync: ${r.segments_built} segment(s) built, ${r.registered} registered, ${r.finalized} finalized, ${r.fees_paid_ulume} ulume paid` +
            (r.errors.length > 0 ? `, ${r.errors.length} error(s) (${r.errors[0].code})` : ""),
        );
      }
    } catch (err) {
      this.#failures++;
      const e = toLumeraError(err);
      if (e.code !== this.#lastError) {
        this.#opts.log(`sync: background sync failed [${e.code}]: ${e.message}`);
        this.#lastError = e.code;
      }
    }
  }

  /** Stops the timer and waits (at most `graceMs`) for a pass in progress. */
  async stop(graceMs = 2_000): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const running = this.#running;
    if (running === undefined) return;
    let t: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      running,
      new Promise<void>((r) => {
        t = setTimeout(r, graceMs);
      }),
    ]);
    if (t !== undefined) clearTimeout(t);
  }
}
