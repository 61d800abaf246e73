/**
 * Cost comparisons for the Cascade backend: what a number of memories costs uploaded one by one
 * versus batched into segments (offline, default fee parameters), and the live parameters of the
 * configured network.
 *
 * @module
 */

import type { CascadeRemote } from "../cascade/remote.ts";
import type { BatchPolicy } from "../config/remote_config.ts";
import { LumeraError } from "../errors.ts";
import { defaultActionFee, planSegments, segmentSizeFor } from "./policy.ts";

/** Separate versus batched upload cost of some memories. */
export interface BatchingCost {
  /** Memories. */
  memories: number;
  /** Their sealed bytes in total. */
  bytes: number;
  /** Action fees when each memory is its own upload, in ulume. */
  separate_fee_ulume: number;
  /** Segments the batching policy would build. */
  segments: number;
  /** Their padded bytes in total. */
  segment_bytes: number;
  /** Action fees of those segments, in ulume. */
  batched_fee_ulume: number;
  /** How many times cheaper batching is. */
  ratio: number;
  /** Always `defaults`: 10,000 ulume per upload + 10 ulume per KiB; gas comes on top. */
  params: "defaults";
}

/** The most memories the comparison models. */
export const MAX_MODELLED_MEMORIES = 1_000_000;

/** The cost of `memories` memories of `bytes` sealed bytes in total, separate and batched. */
export function batchingCost(bytes: number, memories: number, policy: BatchPolicy): BatchingCost {
  if (!Number.isSafeInteger(memories) || memories < 1 || memories > MAX_MODELLED_MEMORIES) {
    throw new LumeraError("USAGE", `--memories must be from 1 to ${MAX_MODELLED_MEMORIES}`);
  }
  const base = Math.floor(bytes / memories);
  const extra = bytes - base * memories;
  return batchingCostOf(
    Array.from({ length: memories }, (_, i) => base + (i < extra ? 1 : 0)),
    policy,
  );
}

/**
 * The cost of uploading memories of the given sealed sizes (in store order): one upload each,
 * against the segments the batching policy would build.
 */
export function batchingCostOf(sizes: readonly number[], policy: BatchPolicy): BatchingCost {
  const pending = sizes.map((n, i) => ({ pointer: String(i), stored_bytes: n, stored_ms: i }));
  const separate = pending.reduce((n, p) => n + defaultActionFee(p.stored_bytes), 0);
  let batched = 0;
  let segmentBytes = 0;
  const groups = planSegments(pending, policy);
  for (const g of groups) {
    const size = segmentSizeFor(g.length, g.reduce((n, p) => n + p.stored_bytes, 0));
    segmentBytes += size;
    batched += defaultActionFee(size);
  }
  return {
    memories: sizes.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
    separate_fee_ulume: separate,
    segments: groups.length,
    segment_bytes: segmentBytes,
    batched_fee_ulume: batched,
    ratio: batched === 0 ? 0 : Math.round((separate / batched) * 10) / 10,
    params: "defaults",
  };
}

/** Live figures from the configured network for one upload of `bytes` bytes. */
export interface LiveEstimate {
  /** Network parameters. */
  base_action_fee_ulume: number;
  fee_per_kbyte_ulume: number;
  max_object_bytes: number;
  /** The chain's own fee for `bytes` (`get_action_fee`). */
  action_fee_ulume: number;
  /** Simulated gas and its fee at the configured gas price. */
  gas_used: number;
  gas_fee_ulume: number;
  /** Action fee plus gas fee. */
  total_ulume: number;
  /** The paying account and its balance. */
  account: string;
  balance_ulume: number;
}

/** Asks the remote for its parameters, the fee and the gas of one upload of `bytes`. */
export async function liveEstimate(remote: CascadeRemote, bytes: number): Promise<LiveEstimate> {
  const [params, fee, gas, balance] = await Promise.all([
    remote.params(),
    remote.actionFee(bytes),
    remote.estimateGas(bytes),
    remote.balance(),
  ]);
  return {
    base_action_fee_ulume: Number(params.baseActionFeeUlume),
    fee_per_kbyte_ulume: Number(params.feePerKbyteUlume),
    max_object_bytes: params.maxObjectBytes,
    action_fee_ulume: Number(fee),
    gas_used: gas.gasUsed,
    gas_fee_ulume: Number(gas.feeUlume),
    total_ulume: Number(fee + gas.feeUlume),
    account: remote.address,
    balance_ulume: Number(balance),
  };
}
