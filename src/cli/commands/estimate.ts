/**
 * `lumera-memory estimate`: the one-time Cascade fee for a size.
 *
 * @module
 */

import { loadConfig } from "../../config/config_file.ts";
import { readEnv } from "../../config/home.ts";
import { DEFAULT_BATCH_POLICY } from "../../config/remote_config.ts";
import { estimateCascadeFee } from "../../estimate/cascade_fee.ts";
import type { BatchingCost, LiveEstimate } from "../../remote/cost.ts";
import type { EstimateResult } from "../../service/types.ts";
import { type CliContext, homeOf } from "../context.ts";
import { formatBytes, writeJson, writeLines } from "../output.ts";
import { noRemoteError } from "./sync.ts";

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
  /** The bytes are this many memories: compare separate and batched uploads. */
  memories?: number;
  /** Ask the configured network for its parameters, the fee and the gas. */
  live?: boolean;
}

/** Runs `estimate` (needs no key and no store; `--live` needs the configured remote). */
export async function estimateCommand(
  ctx: CliContext,
  opts: EstimateCommandOptions,
): Promise<number> {
  const r = estimateCascadeFee({
    bytes: opts.bytes,
    redundancy: opts.redundancy,
    lume_price: opts.lumePrice,
    currency: opts.currency,
  });
  let batching: BatchingCost | undefined;
  let live: LiveEstimate | undefined;
  if (opts.memories !== undefined || opts.live === true) {
    const home = homeOf(ctx);
    const { remote } = await loadConfig(home);
    const { batchingCost, liveEstimate } = await import("../../remote/cost.ts");
    if (opts.memories !== undefined) {
      batching = batchingCost(r.bytes, opts.memories, remote?.batch ?? DEFAULT_BATCH_POLICY);
    }
    if (opts.live === true) {
      if (remote === undefined) throw noRemoteError(home);
      const { remoteFactory } = await import("../../remote/open_remote.ts");
      live = await liveEstimate(await remoteFactory(remote, readEnv)(), r.bytes);
    }
  }
  render(ctx, r, batching, live);
  return 0;
}

function render(
  ctx: CliContext,
  r: EstimateResult,
  batching?: BatchingCost,
  live?: LiveEstimate,
): void {
  if (ctx.json) {
    return writeJson({
      ...r,
      ...(batching === undefined ? {} : { batching }),
      ...(live === undefined ? {} : { live }),
    });
  }
  const lines = [
    `${formatBytes(r.bytes)} (${r.kilobytes} KB billable) on Lumera Cascade:`,
    `  one-time fee ${r.fee_ulume.toLocaleString("en-US")} ulume = ${r.fee_lume} LUME` +
    (r.fiat ? ` ≈ ${r.fiat.amount} ${r.fiat.currency} at ${r.fiat.lume_price}/LUME` : ""),
  ];
  for (const n of r.notes) lines.push(`  - ${n}`);
  if (batching !== undefined) {
    const b = batching;
    lines.push(
      `As ${b.memories.toLocaleString("en-US")} memories: ${
        b.separate_fee_ulume.toLocaleString("en-US")
      } ulume uploaded one by one, ${
        b.batched_fee_ulume.toLocaleString("en-US")
      } ulume batched into ${b.segments} segment${b.segments === 1 ? "" : "s"} (${
        formatBytes(b.segment_bytes)
      } padded): ${b.ratio}× less (default fee parameters, gas extra)`,
    );
  }
  if (live !== undefined) {
    const l = live;
    lines.push(
      `Live (${l.account}): base ${l.base_action_fee_ulume} ulume + ${l.fee_per_kbyte_ulume} per KB; ` +
        `action fee ${l.action_fee_ulume.toLocaleString("en-US")} + gas ${
          l.gas_fee_ulume.toLocaleString("en-US")
        } (${l.gas_used} gas) = ${l.total_ulume.toLocaleString("en-US")} ulume; balance ${
          l.balance_ulume.toLocaleString("en-US")
        } ulume`,
    );
  }
  writeLines(lines);
}
