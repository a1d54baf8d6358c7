/**
 * Runs `work` on every item with at most `limit` calls in flight, and returns the results in
 * the items' order. A rejected call rejects the whole (as `Promise.all` does); calls already in
 * flight run on.
 * @example const outcomes = await inParallel(totals, 16, (total) => advance(total));
 */
export const inParallel = async <A, B>(
  items: ReadonlyArray<A>,
  limit: number,
  work: (item: A) => Promise<B>,
): Promise<B[]> => {
  const results: B[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as A);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
};
