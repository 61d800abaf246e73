/**
 * `lumera-memory estimate`: the one-time Cascade fee for a size.
 *
 * @module
 */

import { estimateCascadeFee } from "../../estimate/cascade_fee.ts";
import type { EstimateResult } from "../../service/types.ts";
import type { CliContext } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";

/** Options of `estimate`. */
export interface EstimateCommandOptions {
  /** Bytes to estimate. */
  bytes?: number;
  /** Accepted; not billed by Cascade. */
  redundancy?: number;
  /** Price of 1 LUME, user-supplied. */
  lumePrice?: number;
  /** Currency label. */
  currency?: string;
}

/** Runs `estimate` (needs no key and no store). */
export function estimateCommand(ctx: CliContext, opts: EstimateCommandOptions): number {
  const r = estimateCascadeFee({
    bytes: opts.bytes,
    redundancy: opts.redundancy,
    lume_price: opts.lumePrice,
    currency: opts.currency,
  });
  render(ctx, r);
  return 0;
}

function render(ctx: CliContext, r: EstimateResult): void {
  if (ctx.json) return writeJson(r);
  const lines = [
    `${formatBytes(r.bytes)} (${r.kilobytes} KB billable) on Lumera Cascade:`,
    `  one-time fee ${r.fee_ulume.toLocaleString("en-US")} ulume = ${r.fee_lume} LUME` +
    (r.fiat ? ` ≈ ${r.fiat.amount} ${r.fiat.currency} at ${r.fiat.lume_price}/LUME` : ""),
  ];
  for (const n of r.notes) lines.push(`  - ${n}`);
  writeLines(lines);
}
