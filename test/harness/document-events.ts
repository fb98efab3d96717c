import { print } from 'graphql';
import {
  DocumentEventsDocument,
  type DocumentEventsSubscription,
} from '../../clients/sdk/generated/graphql.js';
import { sleep } from './files-helpers.js';
import { RawWsClient } from './ws-client.js';

export type DeliveredEvent = DocumentEventsSubscription['documentEvents'];

/** A `documentEvents` subscription over a raw graphql-ws socket, typed by the SDK. */
export class DocumentEventsSubscriber {
  private constructor(
    readonly ws: RawWsClient,
    private seen = 0,
  ) {}

  static async open(wsUrl: string, token: string, aooId: string): Promise<DocumentEventsSubscriber> {
    const ws = await RawWsClient.open(wsUrl);
    ws.init(`Bearer ${token}`);
    await ws.next((m) => m.type === 'connection_ack');
    ws.send({
      type: 'subscribe',
      id: 'events',
      payload: { query: print(DocumentEventsDocument), variables: { aooId } },
    });
    return new DocumentEventsSubscriber(ws);
  }

  /** Every event delivered so far. */
  events(): DeliveredEvent[] {
    return this.ws.messages.flatMap((m) =>
      m.type === 'next' && m.id === 'events'
        ? [(m.payload as { data: DocumentEventsSubscription }).data.documentEvents]
        : [],
    );
  }

  /** Errors sent on the subscription (an `error` message, or errors in a `next`). */
  errors(): unknown[] {
    return this.ws.messages.flatMap((m) =>
      m.id === 'events' && m.type === 'error'
        ? (m.payload as unknown[])
        : m.id === 'events' && m.type === 'next'
          ? ((m.payload as { errors?: unknown[] }).errors ?? [])
          : [],
    );
  }

  /** The next event not yet taken, waiting up to timeoutMs. */
  async next(timeoutMs = 5000): Promise<DeliveredEvent> {
    await this.ws.next(() => this.events().length > this.seen, timeoutMs);
    const event = this.events()[this.seen];
    this.seen += 1;
    if (!event) throw new Error('no event');
    return event;
  }

  /** Fails if an event arrives within ms (for events that must not be delivered). */
  async nothingWithin(ms: number): Promise<void> {
    await sleep(ms);
    const extra = this.events().slice(this.seen);
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
    this.seen = this.events().length;
  }

  /** Skips every event delivered so far, after letting those in flight arrive. */
  async skipDelivered(settleMs = 300): Promise<void> {
    await sleep(settleMs);
    this.seen = this.events().length;
  }

  close(): void {
    this.ws.close();
  }
}
