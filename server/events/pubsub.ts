import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are typed per topic by the modules
export type AppPubSub = PubSub<Record<string, [any] | [string | number, any]>>;

export interface PubSubHandle {
  pubSub: AppPubSub;
  close(): Promise<void>;
}

/**
 * In-process for one replica; Redis fan-out when REDIS_URL is set, so every replica behind a
 * load balancer delivers every event.
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
