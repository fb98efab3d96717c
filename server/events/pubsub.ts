import { createPubSub, type PubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { EventEnvelope } from './domain-event.js';

type Topics = Record<string, [EventEnvelope]>;

/** Topics are the events' topics under the deployment's prefix; payloads are envelopes. */
export type AppPubSub = PubSub<Topics>;

/** Calls `onEvent` with each envelope of `topic` as it arrives (synchronously); returns how to stop. */
export type TopicListener = (topic: string, onEvent: (envelope: EventEnvelope) => void) => () => void;

export interface PubSubHandle {
  pubSub: AppPubSub;
  /** The transport's events without a PubSub iterator: the event bus hands them to its subscribers. */
  listen: TopicListener;
  close(): Promise<void>;
}

/**
 * In-process for one replica; Redis fan-out when REDIS_URL is set, so every replica behind a
 * load balancer delivers every event to its subscribers. Redis channels carry no prefix of their
 * own: the event bus puts the deployment's (EVENT_CHANNEL_PREFIX) on every topic, so two
 * deployments (or two test runs) sharing a Redis never hear each other.
 */
export function createAppPubSub(redisUrl: string | undefined): PubSubHandle {
  if (redisUrl === undefined) {
    const eventTarget = new EventTarget() as PubSubEventTarget<Topics>;
    return {
      pubSub: createPubSub({ eventTarget }),
      listen: listener(eventTarget),
      close: () => Promise.resolve(),
    };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget: PubSubEventTarget<Topics> = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubSub: createPubSub({ eventTarget }),
    listen: listener(eventTarget),
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

function listener(eventTarget: PubSubEventTarget<Topics>): TopicListener {
  return (topic, onEvent) => {
    const callback = (event: CustomEvent<EventEnvelope>) => onEvent(event.detail);
    eventTarget.addEventListener(topic, callback);
    return () => eventTarget.removeEventListener(topic, callback);
  };
}
