/**
 * fn over every item with at most `limit` calls in flight; the results in the items' order. When
 * calls fail, it waits for those in flight and rejects with the error of the first failing item in
 * order, not the first to fail in time, so the error a caller sees does not depend on timing.
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!(Number.isInteger(limit) && limit > 0)) throw new Error(`mapInOrder: limit must be a positive integer, got ${limit}`);
  const results = new Array<R>(items.length);
  const errors = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < items.length && errors.size === 0) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        errors.set(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys()));
  return results;
}
