/**
 * At most `limit` tasks at once; the others wait their turn, first come first served. Bounds
 * work that holds much memory (a signed file read whole for verification) however many
 * requests arrive together.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`limit must be at least 1 (got ${limit})`);
  }

  /** Tasks running now. */
  get inUse(): number {
    return this.active;
  }

  /** Tasks waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a turn is free, and frees it when the task settles. */
  async use<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    // The turn passes straight to the next waiter, so `active` never drops below a queue.
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
