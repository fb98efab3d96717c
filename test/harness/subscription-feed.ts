import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { sleep } from './files-helpers.js';
import { RawWsClient } from './ws-client.js';

/**
 * One typed subscription (an operation of clients/sdk) over its own raw graphql-ws socket: the
 * events it delivered, its errors, and waits for what must or must not arrive.
 */
export class SubscriptionFeed<TData, TEvent> {
  private taken = 0;

  private constructor(
    readonly ws: RawWsClient,
    private readonly pick: (data: TData) => TEvent,
    private readonly id: string,
  ) {}

  static async open<TData, TVars, TEvent>(
    wsUrl: string,
    token: string,
    document: TypedDocumentNode<TData, TVars>,
    variables: TVars,
    pick: (data: TData) => TEvent,
  ): Promise<SubscriptionFeed<TData, TEvent>> {
    const ws = await RawWsClient.open(wsUrl);
    ws.init(`Bearer ${token}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.subscribe('feed', document, variables);
    return new SubscriptionFeed(ws, pick, 'feed');
  }

  /** Every event delivered so far. */
  events(): TEvent[] {
    return this.ws.messages.flatMap((m) =>
      m.type === 'next' && m.id === this.id && (m.payload as { data?: TData | null }).data
        ? [this.pick((m.payload as { data: TData }).data)]
        : [],
    );
  }

  /** Errors sent on the subscription (an `error` message, or errors in a `next`). */
  errors(): unknown[] {
    return this.ws.messages.flatMap((m) =>
      m.id === this.id && m.type === 'error'
        ? (m.payload as unknown[])
        : m.id === this.id && m.type === 'next'
          ? ((m.payload as { errors?: unknown[] }).errors ?? [])
          : [],
    );
  }

  /** The next event not yet taken, waiting up to timeoutMs. */
  async next(timeoutMs = 5000): Promise<TEvent> {
    await this.ws.next(() => this.events().length > this.taken, timeoutMs);
    const event = this.events()[this.taken];
    this.taken += 1;
    if (event === undefined) throw new Error('no event');
    return event;
  }

  /** Waits until `n` events have arrived in all (or fails after timeoutMs), and returns them all. */
  async until(n: number, timeoutMs = 10_000): Promise<TEvent[]> {
    await this.ws.next(() => this.events().length >= n, timeoutMs);
    this.taken = Math.max(this.taken, n);
    return this.events();
  }

  /** Fails if an event arrives within ms that was not taken (for events that must not be delivered). */
  async nothingWithin(ms: number): Promise<void> {
    await sleep(ms);
    const extra = this.events().slice(this.taken);
    if (extra.length > 0) throw new Error(`unexpected events: ${JSON.stringify(extra)}`);
  }

  /**
   * Waits until the subscription is live: `probe` causes an event this subscriber may see, and
   * is repeated until one arrives; those events are then skipped.
   */
  async ready(probe: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events().length === 0) {
      if (Date.now() > deadline)
        throw new Error(`the subscription delivered nothing: ${JSON.stringify(this.ws.messages)}`);
      await probe();
      await this.ws.next(() => this.events().length > 0, 500).catch(() => undefined);
    }
    await sleep(200); // events of probes still in flight
    this.taken = this.events().length;
  }

  close(): void {
    this.ws.close();
  }
}
