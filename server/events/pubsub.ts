import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { EventEnvelope } from './domain-event.js';

/** Topics are the events' topics under the deployment's prefix; payloads are envelopes. */
export type AppPubSub = PubSub<Record<string, [EventEnvelope]>>;

export interface PubSubHandle {
  pubSub: AppPubSub;
  close(): Promise<void>;
}

/**
 * In-process for one replica; Redis fan-out when REDIS_URL is set, so every replica behind a
 * load balancer delivers every event to its subscribers. Redis channels carry no prefix of their
 * own: the event bus puts the deployment's (EVENT_CHANNEL_PREFIX) on every topic, so two
 * deployments (or two test runs) sharing a Redis never hear each other.
 */
export function createAppPubSub(redisUrl: string | undefined): PubSubHandle {
  if (redisUrl === undefined) return { pubSub: createPubSub(), close: () => Promise.resolve() };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubSub: createPubSub({ eventTarget }),
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
