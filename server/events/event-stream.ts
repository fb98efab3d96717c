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

/**
 * Catch-up, then live, with nothing lost in between: `live` must already be subscribed (the
 * event bus's iterators are), so events committed while `missed` reads the database wait in
 * its queue. The missed items come first, in their order; live items already replayed (same
 * key) are skipped. Delivery is at least once around a reconnection: clients keep the last
 * key they saw and ignore repeats.
 */
export function replayThenLive<T>(
  live: AsyncIterableIterator<T>,
  missed: () => Promise<T[]>,
  key: (item: T) => string,
): AsyncIterableIterator<T> {
  let replay: Promise<T[]> | undefined;
  const replayed = new Set<string>();
  let done = false;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      if (done) return finished;
      replay ??= missed().then((items) => {
        for (const item of items) replayed.add(key(item));
        return items;
      });
      const queue = await replay;
      const item = queue.shift();
      if (item !== undefined) return { done: false, value: item };
      for (;;) {
        const result = await live.next();
        if (result.done) {
          done = true;
          return finished;
        }
        if (!replayed.has(key(result.value))) return result;
      }
    },
    async return(): Promise<IteratorResult<T>> {
      done = true;
      await live.return?.();
      return finished;
    },
  };
}

/**
 * What `map` makes of each item, skipping those it maps to undefined; `first` (if given) is
 * yielded before any item (e.g. the current state a subscriber starts from).
 */
export function mapEvents<T, U>(
  source: AsyncIterableIterator<T>,
  map: (item: T) => Promise<U | undefined>,
  first?: () => Promise<U>,
): AsyncIterableIterator<U> {
  let started = first === undefined;
  let done = false;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<U>> {
      if (!started && first) {
        started = true;
        return { done: false, value: await first() };
      }
      while (!done) {
        const result = await source.next();
        if (result.done) break;
        const value = await map(result.value);
        if (value !== undefined) return { done: false, value };
      }
      done = true;
      return finished;
    },
    async return(): Promise<IteratorResult<U>> {
      done = true;
      await source.return?.();
      return finished;
    },
  };
}
