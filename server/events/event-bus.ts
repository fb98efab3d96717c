import { systemContext } from '../context.js';
import type { Logger } from '../logger.js';
import type { Owned } from '../modules/compose.js';
import type { EventHandlerDefinition } from '../modules/module.js';
import type { Platform } from '../platform.js';
import type { DomainEvent, DomainEventClass, EventEnvelope, EventOrigin } from './domain-event.js';
import { LocalFanOut } from './local-fan-out.js';
import type { AppPubSub, TopicListener } from './pubsub.js';

/**
 * Delivers events after the transaction that produced them has committed (UnitOfWork releases
 * them; a rolled-back unit never does): to the module handlers of this replica, each in a system
 * context of the event's origin, and through the PubSub (Redis across replicas) to subscribers.
 * Handlers run beside the request, not in it: their failures are logged, and shutdown waits
 * for those still running.
 */
export class EventBus {
  private readonly running = new Set<Promise<void>>();
  private readonly fanOuts = new Map<string, LocalFanOut<EventEnvelope>>();
  private platform: Platform | undefined;

  constructor(
    /** The transport (in-process, or Redis across replicas); the schema's subscriptions use it too. */
    readonly pubSub: AppPubSub,
    /** The transport's events as they arrive, for this replica's subscribers. */
    private readonly listen: TopicListener,
    private readonly prefix: string,
    private readonly handlers: ReadonlyArray<Owned<EventHandlerDefinition>>,
    private readonly logger: Logger,
  ) {}

  /** The platform the handlers' contexts are made from (set once it is complete). */
  attach(platform: Platform): void {
    this.platform = platform;
  }

  /** The transport topic of an event topic: the deployment's prefix keeps deployments apart. */
  channel(topic: string): string {
    return `${this.prefix}:${topic}`;
  }

  async release(events: readonly DomainEvent[], origin: EventOrigin): Promise<void> {
    for (const event of events) {
      const envelope: EventEnvelope = { topic: event.topic, data: event.data, origin };
      for (const { module, item } of this.handlers) {
        if (item.event.topic !== event.topic) continue;
        const run = this.handle(module, item, event, origin).finally(() => this.running.delete(run));
        this.running.add(run);
      }
      this.pubSub.publish(this.channel(event.topic), envelope);
    }
    return Promise.resolve();
  }

  /**
   * Every event of these classes, for a GraphQL subscription (every replica's, with Redis), from
   * the moment of the call: the replica listens once per channel and hands each event to its
   * subscribers' queues (LocalFanOut).
   */
  subscribe(...classes: DomainEventClass[]): AsyncIterable<EventEnvelope> {
    const sources = classes.map((c) => this.fanOut(this.channel(c.topic)).open());
    const [only] = sources;
    // One class (most subscriptions): no merging, whose race and extra promise every subscriber
    // paid for every event.
    return sources.length === 1 && only ? only : merge(sources);
  }

  private fanOut(channel: string): LocalFanOut<EventEnvelope> {
    let fanOut = this.fanOuts.get(channel);
    if (!fanOut) {
      fanOut = new LocalFanOut<EventEnvelope>((onEvent) => this.listen(channel, onEvent));
      this.fanOuts.set(channel, fanOut);
    }
    return fanOut;
  }

  /** Waits for the handlers still running (at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async handle(
    module: string,
    handler: EventHandlerDefinition,
    event: DomainEvent,
    origin: EventOrigin,
  ): Promise<void> {
    if (!this.platform) return;
    try {
      const ctx = await systemContext(this.platform, {
        actorId: origin.actorId,
        requestId: origin.requestId,
        agent: `event ${event.topic} → ${module}`,
      });
      await handler.handle(ctx, event);
    } catch (err) {
      this.logger.error({ err, module, topic: event.topic }, 'event handler failed');
    }
  }
}

/** One iterator over several, ending all of them when it ends. */
function merge<T>(sources: Array<AsyncIterable<T>>): AsyncIterableIterator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) => {
    const it = iterators[index];
    if (it)
      pending.set(
        index,
        it.next().then((result) => ({ index, result })),
      );
  };
  iterators.forEach((_, i) => pull(i));
  const finish = async (): Promise<IteratorResult<T>> => {
    pending.clear();
    await Promise.all(iterators.map(async (it) => it.return?.()));
    return { done: true, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (pending.size > 0) {
        const { index, result } = await Promise.race(pending.values());
        if (result.done) {
          pending.delete(index);
          continue;
        }
        pull(index);
        return result;
      }
      return { done: true, value: undefined };
    },
    return: finish,
  };
}
