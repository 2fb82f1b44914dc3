/**
 * Map an async function over a stream of items with at most `concurrency`
 * calls in flight, yielding results in input order. Images are re-encoded in
 * parallel (sharp runs on libuv's thread pool) while the shards still receive
 * rows in exactly the input order, so the output does not depend on timing.
 * Memory is bounded: at most `concurrency` items and results are held.
 */
export async function* mapOrdered<T, R>(items: AsyncIterable<T> | Iterable<T>, fn: (item: T) => Promise<R>, concurrency: number): AsyncGenerator<R> {
  if (!(concurrency >= 1)) throw new RangeError(`concurrency must be >= 1, got ${concurrency}`);
  const inFlight: Promise<R>[] = [];
  for await (const item of items) {
    const p = fn(item);
    // A rejection is re-thrown when its turn comes; until then it must not count as unhandled.
    p.catch(() => undefined);
    inFlight.push(p);
    if (inFlight.length >= concurrency) yield await inFlight.shift()!;
  }
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
