import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { sleep } from './files-helpers.js';
import { RawWsClient } from './ws-client.js';

/** One typed subscription (an operation of clients/sdk) over a raw graphql-ws socket. */
export class TypedSubscriber<TData, TItem> {
  private seen = 0;

  private constructor(
    readonly ws: RawWsClient,
    private readonly pick: (data: TData) => TItem,
  ) {}

  static async open<TData, TVars, TItem>(
    wsUrl: string,
    token: string,
    document: TypedDocumentNode<TData, TVars>,
    variables: TVars,
    pick: (data: TData) => TItem,
  ): Promise<TypedSubscriber<TData, TItem>> {
    const ws = await RawWsClient.open(wsUrl);
    ws.init(`Bearer ${token}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.subscribe('s', document, variables);
    return new TypedSubscriber(ws, pick);
  }

  /** Every item delivered so far. */
  items(): TItem[] {
    return this.ws.messages.flatMap((m) =>
      m.type === 'next' && m.id === 's' && (m.payload as { data?: TData | null }).data
        ? [this.pick((m.payload as { data: TData }).data)]
        : [],
    );
  }

  /** Errors sent on the subscription (an `error` message, or errors in a `next`). */
  errors(): unknown[] {
    return this.ws.messages.flatMap((m) =>
      m.id === 's' && m.type === 'error'
        ? (m.payload as unknown[])
        : m.id === 's' && m.type === 'next'
          ? ((m.payload as { errors?: unknown[] }).errors ?? [])
          : [],
    );
  }

  /** The next item not yet taken, waiting up to timeoutMs. */
  async next(timeoutMs = 5000): Promise<TItem> {
    await this.ws.next(() => this.items().length > this.seen || this.errors().length > 0, timeoutMs);
    const item = this.items()[this.seen];
    if (item === undefined) throw new Error(`no item; errors: ${JSON.stringify(this.errors())}`);
    this.seen += 1;
    return item;
  }

  /** Waits until `n` items have arrived in all (or fails after timeoutMs), takes them, and returns them all. */
  async until(n: number, timeoutMs = 10_000): Promise<TItem[]> {
    await this.ws.next(() => this.items().length >= n, timeoutMs);
    this.seen = Math.max(this.seen, n);
    return this.items();
  }

  /** Fails if an item arrives within ms. */
  async nothingWithin(ms: number): Promise<void> {
    await sleep(ms);
    const extra = this.items().slice(this.seen);
    if (extra.length > 0) throw new Error(`unexpected items: ${JSON.stringify(extra)}`);
  }

  /** Waits until live: `probe` causes an item for this subscriber, repeated until one arrives; then skips them. */
  async ready(probe: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const start = this.items().length;
    while (this.items().length === start) {
      if (Date.now() > deadline) throw new Error(`nothing delivered: ${JSON.stringify(this.ws.messages)}`);
      await probe();
      await this.ws.next(() => this.items().length > start, 500).catch(() => undefined);
    }
    await sleep(200);
    this.seen = this.items().length;
  }

  close(): void {
    this.ws.close();
  }
}
