/**
 * The items of `source` for which `keep` resolves true, in order. Not an async generator: a
 * generator suspended waiting for the next event cannot be stopped, so a client that
 * unsubscribes would keep its listener until the next event; return() here ends the source at
 * once.
 */
export function filterEvents<T>(
  source: AsyncIterable<T>,
  keep: (item: T) => Promise<boolean>,
): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  let done = false;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (!done) {
        const result = await it.next();
        if (result.done) break;
        if (await keep(result.value)) return result;
      }
      done = true;
      return finished;
    },
    async return(): Promise<IteratorResult<T>> {
      done = true;
      await it.return?.();
      return finished;
    },
  };
}
