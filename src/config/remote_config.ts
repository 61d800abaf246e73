/**
 * The `remote` section of `<home>/config.json`: which Lumera network to use and how to batch.
 *
 * ```json
 * {
 *   "remote": {
 *     "backend": "cascade",
 *     "network": "testnet",
 *     "batch": { "flush_bytes": 4194304, "flush_age": "10m", "max_segment_bytes": 67108864,
 *                "manifest_interval": "1h" },
 *     "sync_interval": "5m"
 *   }
 * }
 * ```
 *
 * `network` `mainnet` and `testnet` fill in the public endpoints and chain id; `custom` needs
 * `lcd_url`, `snapi_url` and `chain_id`. Any of those may also be given to override a preset.
 * The paying account's mnemonic is never in this file: it comes from `LUMERA_MEMORY_MNEMONIC`
 * or from a file named by `LUMERA_MEMORY_MNEMONIC_FILE` that only its owner can read.
 *
 * @module
 */

import { NETWORKS } from "../cascade/networks.ts";
import { MAX_CASCADE_OBJECT_BYTES } from "../estimate/cascade_fee.ts";
import type { CascadeConnection } from "../cascade/remote.ts";
import { LumeraError } from "../errors.ts";
import { parseDuration } from "../service/duration.ts";

/** The batching policy of the sync queue (see `src/remote/policy.ts`). */
export interface BatchPolicy {
  /** Flush when the pending envelopes add up to at least this many bytes. */
  flushBytes: number;
  /** Flush when the oldest pending memory is older than this (ms). */
  flushAgeMs: number;
  /** Largest segment to build, in bytes (a bigger memory goes alone). */
  maxSegmentBytes: number;
  /**
   * Least time between two manifest uploads (ms); `sync --now` uploads one regardless. Each
   * manifest is a paid upload of the whole index summary, so it is not sent after every flush.
   */
  manifestIntervalMs: number;
}

/** Default batching: 4 MiB or 10 minutes, segments up to 64 MiB, a manifest at most hourly. */
export const DEFAULT_BATCH_POLICY: BatchPolicy = {
  flushBytes: 4 * 1024 * 1024,
  flushAgeMs: 10 * 60 * 1000,
  maxSegmentBytes: 64 * 1024 * 1024,
  manifestIntervalMs: 60 * 60 * 1000,
};

/** A validated `remote` section. */
export interface RemoteConfig {
  /** Always `cascade` today. */
  backend: "cascade";
  /** The preset the endpoints came from. */
  network: "mainnet" | "testnet" | "custom";
  /** Chain REST base URL (no trailing slash). */
  lcdUrl: string;
  /** SuperNode API base URL (no trailing slash). */
  snapiUrl: string;
  /** Chain id. */
  chainId: string;
  /** Minimum gas price in ulume per gas unit (decimal string). */
  gasPrice: string;
  /** Batching policy. */
  batch: BatchPolicy;
  /** How often `serve` runs a background sync pass (ms). */
  syncIntervalMs: number;
}

/** Public endpoints of the known networks (see the README's Cascade section). */
const NETWORK_PRESETS = NETWORKS;

const KNOWN_KEYS = [
  "backend",
  "network",
  "lcd_url",
  "snapi_url",
  "chain_id",
  "gas_price",
  "batch",
  "sync_interval",
];
const BATCH_KEYS = ["flush_bytes", "flush_age", "max_segment_bytes", "manifest_interval"];

function bad(what: string): LumeraError {
  return new LumeraError("USAGE", `remote: ${what}`);
}

function url(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length > 200) throw bad(`${name} must be a URL string`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw bad(`${name} is not a valid URL`);
  }
  const local = u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]";
  if (u.protocol !== "https:" && !(u.protocol === "http:" && local)) {
    throw bad(`${name} must use https (plain http only for localhost)`);
  }
  if (u.username !== "" || u.password !== "" || u.search !== "" || u.hash !== "") {
    throw bad(`${name} must not carry credentials, a query or a fragment`);
  }
  return value.replace(/\/+$/, "");
}

function bytes(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw bad(`${name} must be a whole number of bytes from ${min} to ${max}`);
  }
  return value;
}

function duration(value: unknown, name: string): number {
  if (typeof value !== "string") throw bad(`${name} must be a duration like "10m"`);
  try {
    return parseDuration(value, name);
  } catch (err) {
    if (err instanceof LumeraError) throw bad(err.message);
    throw err;
  }
}

/** Validates the `remote` section; undefined when it is absent. Throws USAGE naming the problem. */
export function parseRemoteConfig(value: unknown): RemoteConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw bad("must be an object");
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KNOWN_KEYS.includes(k)) {
      throw bad(`unknown setting "${k.slice(0, 40)}" (known: ${KNOWN_KEYS.join(", ")})`);
    }
  }
  if ("mnemonic" in o) throw bad("the mnemonic never goes in config.json");
  if (o.backend !== "cascade") throw bad('backend must be "cascade"');
  const network = o.network ?? "testnet";
  if (network !== "mainnet" && network !== "testnet" && network !== "custom") {
    throw bad('network must be "mainnet", "testnet" or "custom"');
  }
  const preset = network === "custom" ? undefined : NETWORK_PRESETS[network];
  const need = (key: string, fallback: string | undefined) => {
    if (o[key] === undefined && fallback === undefined) {
      throw bad(`${key} is required with network "custom"`);
    }
    return o[key] ?? fallback;
  };
  const lcdUrl = url(need("lcd_url", preset?.lcdUrl), "lcd_url");
  const snapiUrl = url(need("snapi_url", preset?.snapiUrl), "snapi_url");
  const chainId = need("chain_id", preset?.chainId);
  if (typeof chainId !== "string" || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(chainId)) {
    throw bad("chain_id must look like lumera-testnet-2");
  }
  const gasPrice = o.gas_price ?? (preset ?? NETWORKS.mainnet).gasPrice;
  if (typeof gasPrice !== "string" || !/^\d{1,6}(\.\d{1,12})?$/.test(gasPrice)) {
    throw bad('gas_price must be a decimal string such as "0.025" (ulume per gas unit)');
  }
  const batch = { ...DEFAULT_BATCH_POLICY };
  if (o.batch !== undefined) {
    if (typeof o.batch !== "object" || o.batch === null || Array.isArray(o.batch)) {
      throw bad("batch must be an object");
    }
    const b = o.batch as Record<string, unknown>;
    for (const k of Object.keys(b)) {
      if (!BATCH_KEYS.includes(k)) {
        throw bad(`unknown batch setting "${k.slice(0, 40)}" (known: ${BATCH_KEYS.join(", ")})`);
      }
    }
    if (b.max_segment_bytes !== undefined) {
      batch.maxSegmentBytes = bytes(
        b.max_segment_bytes,
        "batch.max_segment_bytes",
        64 * 1024,
        MAX_CASCADE_OBJECT_BYTES / 2,
      );
    }
    if (b.flush_bytes !== undefined) {
      batch.flushBytes = bytes(b.flush_bytes, "batch.flush_bytes", 1, batch.maxSegmentBytes);
    }
    if (b.flush_age !== undefined) batch.flushAgeMs = duration(b.flush_age, "batch.flush_age");
    if (b.manifest_interval !== undefined) {
      batch.manifestIntervalMs = duration(b.manifest_interval, "batch.manifest_interval");
    }
  }
  if (batch.flushBytes > batch.maxSegmentBytes) {
    throw bad("batch.flush_bytes must not exceed batch.max_segment_bytes");
  }
  const syncIntervalMs = o.sync_interval === undefined
    ? 5 * 60 * 1000
    : duration(o.sync_interval, "sync_interval");
  return {
    backend: "cascade",
    network,
    lcdUrl,
    snapiUrl,
    chainId,
    gasPrice,
    batch,
    syncIntervalMs,
  };
}

/** Largest mnemonic file read, in bytes. */
const MAX_MNEMONIC_FILE_BYTES = 4096;

/**
 * The paying account's mnemonic: `LUMERA_MEMORY_MNEMONIC`, else the file named by
 * `LUMERA_MEMORY_MNEMONIC_FILE`, which must be a plain file that neither group nor others can
 * read. Errors never include the mnemonic or any part of it.
 */
export async function loadMnemonic(env: (name: string) => string | undefined): Promise<string> {
  const direct = env("LUMERA_MEMORY_MNEMONIC");
  let text: string | undefined;
  let origin = "LUMERA_MEMORY_MNEMONIC";
  if (direct !== undefined && direct.trim() !== "") {
    text = direct;
  } else {
    const path = env("LUMERA_MEMORY_MNEMONIC_FILE");
    if (path === undefined || path.trim() === "") {
      throw new LumeraError("KEY_MISSING", "no Lumera account mnemonic is configured", {
        hint:
          "set LUMERA_MEMORY_MNEMONIC_FILE to a file (chmod 600) holding the paying account's mnemonic",
      });
    }
    origin = "LUMERA_MEMORY_MNEMONIC_FILE";
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new LumeraError(
          "KEY_MISSING",
          "the file LUMERA_MEMORY_MNEMONIC_FILE names does not exist",
        );
      }
      throw err;
    }
    if (!info.isFile) {
      throw new LumeraError("KEY_INVALID", "LUMERA_MEMORY_MNEMONIC_FILE is not a plain file");
    }
    if (Deno.build.os !== "windows" && info.mode !== null && (info.mode & 0o077) !== 0) {
      throw new LumeraError(
        "KEY_INVALID",
        "the mnemonic file is readable by group or others; refusing to use it",
        { hint: "chmod 600 the file named by LUMERA_MEMORY_MNEMONIC_FILE" },
      );
    }
    if (info.size > MAX_MNEMONIC_FILE_BYTES) {
      throw new LumeraError("KEY_INVALID", "the mnemonic file is too large to be a mnemonic");
    }
    text = await Deno.readTextFile(path);
  }
  const words = text.trim().split(/\s+/);
  if (![12, 15, 18, 21, 24].includes(words.length) || !words.every((w) => /^[a-z]+$/.test(w))) {
    throw new LumeraError(
      "KEY_INVALID",
      `${origin} does not hold a BIP-39 mnemonic (expected 12–24 lowercase words, got ${words.length} items)`,
    );
  }
  return words.join(" ");
}

/** The protocol client's connection settings from the config and the mnemonic. */
export function connectionOf(config: RemoteConfig, mnemonic: string): CascadeConnection {
  return {
    chainId: config.chainId,
    lcdUrl: config.lcdUrl,
    snapiUrl: config.snapiUrl,
    gasPrice: config.gasPrice,
    mnemonic,
  };
}
