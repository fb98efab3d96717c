/**
 * How many events one subscriber may have waiting (as many as a PubSub iterator allowed): a
 * subscriber that falls this far behind is ended with an error rather than let the replica's
 * memory grow; its client reconnects and asks what it missed (`since`).
 */
export const MAX_QUEUED_EVENTS = 1024;

export class SubscriberOverflowError extends Error {
  constructor() {
    super(`More than ${MAX_QUEUED_EVENTS} events waiting for one subscriber: it fell behind`);
  }
}

/** Listens to one channel of the transport, synchronously; returns how to stop. */
export type ChannelListener<T> = (onEvent: (item: T) => void) => () => void;

/**
 * One transport listener per channel on this replica, its events handed to every local
 * subscriber's queue in one synchronous loop, as they arrive. Every subscriber of a replica
 * receives every event of its channel (its stream decides what is its own), so per-subscriber
 * transport iterators (a PubSub repeater each: several promises per subscriber per event) were
 * a large part of a replica's work per event with hundreds of subscribers.
 */
export class LocalFanOut<T> {
  private readonly queues = new Set<EventQueue<T>>();
  private stop: (() => void) | undefined;

  constructor(private readonly listen: ChannelListener<T>) {}

  /** A subscriber's iterator: it holds the events that arrive from now on, until return(). */
  open(): AsyncIterableIterator<T> {
    const queue = new EventQueue<T>(() => this.close(queue));
    this.queues.add(queue);
    this.stop ??= this.listen((item) => {
      for (const q of this.queues) q.push(item);
    });
    return queue;
  }

  /** Subscribers now listening on this replica (tests, diagnostics). */
  get size(): number {
    return this.queues.size;
  }

  private close(queue: EventQueue<T>): void {
    this.queues.delete(queue);
    if (this.queues.size > 0) return;
    const stop = this.stop;
    this.stop = undefined;
    stop?.();
  }
}

/** One subscriber's events, waiting for it in order. */
class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void } | undefined;
  private ended = false;
  private error: Error | undefined;

  constructor(private readonly onEnd: () => void) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ done: false, value: item });
    } else if (this.items.length >= MAX_QUEUED_EVENTS) {
      this.fail(new SubscriberOverflowError());
    } else this.items.push(item);
  }

  /** Ends the subscriber at once with an error; what was queued is dropped (the client catches up with `since`). */
  private fail(error: Error): void {
    if (this.ended) return;
    this.end();
    this.error = error;
    this.items.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ done: false, value: this.items.shift() as T });
    if (this.error !== undefined) {
      const error = this.error;
      this.error = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    this.items.length = 0;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}
