import type { BlobStore } from './blob/blob-store.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Orm } from './db/orm.js';
import type { AppPubSub } from './events/pubsub.js';
import type { Logger } from './logger.js';
import type { TokenService } from './auth/token-service.js';

/**
 * The long-lived parts every request, job and plugin works with. Built once at start by
 * `bootstrap`, closed once at shutdown.
 */
export interface Platform {
  config: Config;
  logger: Logger;
  orm: Orm;
  blobs: BlobStore;
  tokens: TokenService;
  pubSub: AppPubSub;
  clock: Clock;
}
