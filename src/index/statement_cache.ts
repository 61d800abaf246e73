/**
 * Prepared statements kept per SQL text. Preparing on every call leaves native statements alive
 * until V8 collects their small wrappers, so a long-running server's memory grows; reusing them
 * also saves the parse on hot paths (store, query).
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";

/** The most statements kept; past it the cache starts over (SQL built from varying input). */
const MAX_STATEMENTS = 256;

/** Prepared statements of one database, by SQL text. */
export class StatementCache {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  /** Caches statements of `db`. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The statement for `sql`, prepared on first use. */
  get(sql: string): StatementSync {
    let st = this.#statements.get(sql);
    if (st === undefined) {
      if (this.#statements.size >= MAX_STATEMENTS) this.#statements.clear();
      st = this.#db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }
}
