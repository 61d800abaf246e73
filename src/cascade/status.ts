/**
 * SN-API task status bodies. Depending on the version and the `Accept` header, a status endpoint
 * answers with one JSON object, a JSON array of events, or Server-Sent Events text
 * (`data: {…}` lines). The last event wins. Its status string is found under `status`, `state`,
 * `task_status` or `event_type` (top level or under `task`), and mapped from the SDK's `sdk:*`
 * event types.
 *
 * @module
 */

import { LumeraError } from "../errors.ts";

/** The status string of the newest event in a status body, lower-cased ("" if none). */
export function statusOf(body: string): string {
  const events = parseEvents(body);
  for (let i = events.length - 1; i >= 0; i--) {
    const s = pickStatus(events[i]);
    if (s) return s.toLowerCase();
  }
  return "";
}

function parseEvents(body: string): unknown[] {
  const text = body.trim();
  if (text === "") return [];
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      const v = JSON.parse(text);
      return Array.isArray(v) ? v : [v];
    } catch {
      // fall through: could be SSE that happens to start oddly
    }
  }
  const out: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const payload = line.slice(5).trim();
    if (!payload) continue;
    try {
      out.push(JSON.parse(payload));
    } catch {
      out.push({ status: payload });
    }
  }
  if (out.length === 0) {
    throw new LumeraError("REMOTE_UNAVAILABLE", "unsupported SN-API status body format");
  }
  return out;
}

const KEYS = ["status", "state", "task_status", "event_type", "eventType", "type"];

function pickStatus(event: unknown): string | undefined {
  if (!event || typeof event !== "object") return undefined;
  const o = event as Record<string, unknown>;
  for (const k of KEYS) if (typeof o[k] === "string" && o[k]) return o[k] as string;
  if (o.task && typeof o.task === "object") return pickStatus(o.task);
  return undefined;
}

const UPLOAD_DONE = new Set(["sdk:completed", "sdk:upload_completed", "completed", "done"]);
const DOWNLOAD_DONE = new Set([
  "sdk:completed",
  "sdk:download_completed",
  "completed",
  "done",
  "ready",
]);
const FAILED = new Set([
  "sdk:failed",
  "sdk:supernodes_unavailable",
  "sdk:registration_failure",
  "sdk:upload_failed",
  "sdk:processing_failed",
  "sdk:processing_timeout",
  "sdk:download_failure",
  "failed",
  "error",
]);

/** Task progress: still running, finished, or failed. */
export type TaskProgress = "pending" | "completed" | "failed";

/** Maps an upload task's status string. */
export function uploadProgress(status: string): TaskProgress {
  if (UPLOAD_DONE.has(status)) return "completed";
  if (FAILED.has(status)) return "failed";
  return "pending";
}

/** Maps a download task's status string. */
export function downloadProgress(status: string): TaskProgress {
  if (DOWNLOAD_DONE.has(status)) return "completed";
  if (FAILED.has(status)) return "failed";
  return "pending";
}
