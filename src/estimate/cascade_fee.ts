/**
 * Lumera Cascade's fee model: one-time, `base_action_fee + fee_per_kbyte × ceil(bytes / 1024)`,
 * charged on the uploaded (sealed) size. No monthly charge and no per-copy multiplier: redundancy
 * is internal to Cascade (RaptorQ plus DHT replication).
 *
 * @module
 */

import {
  actionFeeFor,
  DEFAULT_BASE_ACTION_FEE_ULUME as DEFAULT_BASE_ACTION_FEE,
  DEFAULT_FEE_PER_KBYTE_ULUME as DEFAULT_FEE_PER_KBYTE,
  kilobytesOf,
} from "../cascade/fees.ts";
import { LumeraError } from "../errors.ts";
import type { EstimateInput, EstimateResult } from "../service/types.ts";

/** Chain default: base action fee, in ulume. Governance can change it. */
export const DEFAULT_BASE_ACTION_FEE_ULUME = Number(DEFAULT_BASE_ACTION_FEE);
/** Chain default: fee per started kilobyte (1024 bytes), in ulume. */
export const DEFAULT_FEE_PER_KBYTE_ULUME = Number(DEFAULT_FEE_PER_KBYTE);
/** ulume per LUME. */
export const ULUME_PER_LUME = 1_000_000;
/** The largest LUME price accepted (keeps every fiat figure finite). */
export const MAX_LUME_PRICE = 1_000_000_000;
/** Cascade's maximum object size (1 GiB). */
export const MAX_CASCADE_OBJECT_BYTES = 1024 * 1024 * 1024;

function bad(message: string, hint: string): LumeraError {
  return new LumeraError("USAGE", message, { hint });
}

/** Estimates the one-time Cascade fee for storing `bytes` with the default chain parameters. */
export function estimateCascadeFee(input: EstimateInput): EstimateResult {
  const bytes = input.bytes;
  if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes < 0) {
    throw bad("bytes must be a whole number of bytes, 0 or more", "e.g. --bytes 1048576");
  }
  if (bytes > MAX_CASCADE_OBJECT_BYTES) {
    throw bad(
      `${bytes} bytes is more than Cascade's 1 GiB object limit`,
      "split the data into several objects",
    );
  }
  const kilobytes = kilobytesOf(bytes);
  const fee = Number(actionFeeFor(bytes));
  const notes = [
    "Fee parameters are the chain defaults (base 10,000 ulume + 10 ulume per KB); governance can change them, so they may be stale.",
    "Paid once at upload: Cascade has no monthly charge.",
    "A transaction gas fee (about gas_used x 1.3 x 0.025 ulume) comes on top.",
  ];
  if (input.redundancy !== undefined) {
    if (!Number.isFinite(input.redundancy) || input.redundancy < 1) {
      throw bad(
        "redundancy must be a number of 1 or more",
        "omit it: Cascade does not bill per copy",
      );
    }
    notes.push(
      `redundancy=${input.redundancy} is accepted but does not change the fee: Cascade does not bill per copy (redundancy is internal: RaptorQ encoding plus DHT replication).`,
    );
  }
  const result: EstimateResult = {
    bytes,
    kilobytes,
    params: {
      base_action_fee_ulume: DEFAULT_BASE_ACTION_FEE_ULUME,
      fee_per_kbyte_ulume: DEFAULT_FEE_PER_KBYTE_ULUME,
      source: "defaults",
    },
    fee_ulume: fee,
    fee_lume: fee / ULUME_PER_LUME,
    one_time: true,
    notes,
  };
  if (input.lume_price !== undefined) {
    if (
      !Number.isFinite(input.lume_price) || input.lume_price < 0 ||
      input.lume_price > MAX_LUME_PRICE
    ) {
      throw bad(
        `lume_price must be a price from 0 to ${MAX_LUME_PRICE.toLocaleString("en-US")}`,
        "e.g. --lume-price 0.12",
      );
    }
    const currency = (input.currency ?? "USD").slice(0, 8);
    result.fiat = {
      amount: Math.round((fee / ULUME_PER_LUME) * input.lume_price * 1e6) / 1e6,
      currency,
      lume_price: input.lume_price,
    };
  } else {
    notes.push(
      "No fiat figure: pass a LUME price (--lume-price) to convert; none is published in the sources.",
    );
  }
  return result;
}
