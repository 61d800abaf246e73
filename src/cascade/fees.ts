/**
 * Cascade's fee model: the action price escrowed on chain and the transaction's gas fee.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** Chain default base fee per action, in ulume (governance can change it). */
export const DEFAULT_BASE_ACTION_FEE_ULUME = 10_000n;
/** Chain default fee per started KiB, in ulume. */
export const DEFAULT_FEE_PER_KBYTE_ULUME = 10n;
/** Gas adjustment applied to a simulation's gas_used. */
export const GAS_ADJUSTMENT = 1.3;

/** Started KiB of `bytes` bytes (`ceil(bytes / 1024)`): the chain's `fileSizeKbs`. */
export function kilobytesOf(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new LumeraError("USAGE", `invalid byte count: ${bytes}`);
  }
  return Math.ceil(bytes / 1024);
}

/** `base + perKb × ceil(bytes / 1024)` in ulume. */
export function actionFeeFor(
  bytes: number,
  base: bigint = DEFAULT_BASE_ACTION_FEE_ULUME,
  perKb: bigint = DEFAULT_FEE_PER_KBYTE_ULUME,
): bigint {
  return base + perKb * BigInt(kilobytesOf(bytes));
}

/** Parses a decimal gas price such as `"0.025"` (or `"0.025ulume"`) into a fraction. */
export function parseGasPrice(price: string): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d{1,18}))?(?:ulume)?$/.exec(price.trim());
  if (!m) {
    throw new LumeraError("USAGE", `invalid gas price: ${JSON.stringify(price)}`, {
      hint: 'use a decimal number of ulume per gas unit, e.g. "0.025"',
    });
  }
  const frac = m[2] ?? "";
  return { num: BigInt(m[1] + frac), den: 10n ** BigInt(frac.length) };
}

/** `ceil(gasLimit × price)` in ulume. */
export function gasFeeFor(gasLimit: number | bigint, price: string): bigint {
  const { num, den } = parseGasPrice(price);
  const total = BigInt(gasLimit) * num;
  return (total + den - 1n) / den;
}

/** The gas limit for a simulated `gasUsed`: `ceil(gasUsed × 1.3)`. */
export function gasLimitFor(gasUsed: number): number {
  return Math.ceil(gasUsed * GAS_ADJUSTMENT);
}
