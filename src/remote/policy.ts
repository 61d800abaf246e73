/**
 * The batching policy: when the pending memories become segments, and how they are grouped.
 *
 * - Flush when the pending envelopes add up to `flushBytes` (default 4 MiB), when the oldest
 *   pending memory is older than `flushAgeMs` (default 10 min), or when asked (`sync --now`).
 * - A flush packs every pending memory, oldest first, into as few segments as fit under
 *   `maxSegmentBytes` (default 64 MiB, padding included). A memory too large to share a segment
 *   goes alone.
 *
 * Why: the action fee is 10,000 ulume per upload plus 10 ulume per KiB, so the base fee dominates
 * below ~1 MiB; 100 separate 5 KiB uploads cost ~67 times one batched upload of the same bytes.
 *
 * @module
 */

import { actionFeeFor } from "../cascade/fees.ts";
import type { BatchPolicy } from "../config/remote_config.ts";
import type { PendingMemory } from "../index/remote_index.ts";
import { bucketSize, unpaddedSegmentBytes } from "./segment_format.ts";

/** Why a flush happens (or `none`). */
export type FlushReason = "bytes" | "age" | "forced" | "none";

/** Whether the pending memories should become segments now. */
export function flushReason(
  pending: { memories: number; bytes: number; oldest_ms?: number },
  policy: BatchPolicy,
  nowMs: number,
  force: boolean,
): FlushReason {
  if (pending.memories === 0) return "none";
  if (force) return "forced";
  if (pending.bytes >= policy.flushBytes) return "bytes";
  if (pending.oldest_ms !== undefined && nowMs - pending.oldest_ms >= policy.flushAgeMs) {
    return "age";
  }
  return "none";
}

/** The padded size of a segment of `count` members totalling `memberBytes`. */
export function segmentSizeFor(count: number, memberBytes: number): number {
  return bucketSize(unpaddedSegmentBytes(count, memberBytes));
}

/** Groups pending memories (oldest first) into segments no larger than the policy's cap. */
export function planSegments(pending: PendingMemory[], policy: BatchPolicy): PendingMemory[][] {
  const groups: PendingMemory[][] = [];
  let current: PendingMemory[] = [];
  let sum = 0;
  for (const p of pending) {
    if (
      current.length > 0 &&
      segmentSizeFor(current.length + 1, sum + p.stored_bytes) > policy.maxSegmentBytes
    ) {
      groups.push(current);
      current = [];
      sum = 0;
    }
    current.push(p);
    sum += p.stored_bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The action fee of one upload of `bytes` under the default parameters (offline model). */
export function defaultActionFee(bytes: number): number {
  return Number(actionFeeFor(bytes));
}
