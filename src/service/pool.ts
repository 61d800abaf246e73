/**
 * Bounded concurrency for I/O-heavy loops (reading, hashing and decrypting many blobs at once
 * keeps the file system and WebCrypto's worker threads busy while the main thread parses).
 *
 * @module
 */

/** Calls `fn` on every item with at most `limit` calls in flight; resolves when all are done. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
