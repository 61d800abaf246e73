/**
 * The query shapes the query benchmarks time (`run.ts`, `scale.ts`, `query_shapes.ts`): free text (1–3 words, a sentence with stopwords),
 * text + tag, text + agent, text + time, tag only, workspace only, and FTS syntax garbage.
 *
 * @module
 */

import type { QueryInput } from "../src/service/types.ts";
import { VOCAB } from "./corpus.ts";

/** Ten query shapes over the generated corpus. */
export const SCALE_QUERIES: readonly QueryInput[] = [
  { text: "login race" },
  { text: "flaky retry timeout", limit: 10 },
  { text: `${VOCAB[120]} ${VOCAB[400]}` },
  { text: `${VOCAB[900]}`, tags: ["db"] },
  { text: "rate limiter redis", agent: "codex" },
  { tags: ["auth"], limit: 20 },
  { text: `how did we fix the ${VOCAB[300]} deadlock`, since: "2026-01-03" },
  { text: '"unbalanced (quote* NEAR' },
  { text: `${VOCAB[2000]} ${VOCAB[2500]} ${VOCAB[3000]}` },
  { workspace: "/work/project-2", limit: 10 },
];
