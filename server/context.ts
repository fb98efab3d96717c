import type { EntityManager } from '@mikro-orm/postgresql';
import { Grants } from '../schema/organisation/grants.js';
import type { User } from '../schema/organisation/user.entity.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { Platform } from './platform.js';

/**
 * Everything one request (or one WebSocket event) works with: its own EntityManager fork,
 * the caller and their effective grants, a clock, and per-request DataLoaders.
 */
export interface RequestContext {
  em: EntityManager;
  user: User | null;
  grants: Grants;
  clock: Clock;
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  /** Where the client reached the server (scheme://host), for the absolute links it is given. */
  baseUrl: string;
  logger: Logger;
  platform: Platform;
  /** Per-request DataLoaders, created lazily by the modules that need them. */
  loaders: Map<string, unknown>;
  /** The WebSocket a subscription runs on, so a subscriber who lost their rights can be let go. */
  connection?: { close(code: number, reason: string): void };
}

export interface ContextOrigin {
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  /** scheme://host as the request came in; PUBLIC_URL, when configured, takes precedence. */
  baseUrl: string;
}

export function createContext(
  platform: Platform,
  user: User | null,
  grants: Grants,
  origin: ContextOrigin,
): RequestContext {
  return {
    em: platform.orm.em.fork(),
    user,
    grants: user ? grants : Grants.NONE,
    clock: platform.clock,
    requestId: origin.requestId,
    clientIp: origin.clientIp,
    userAgent: origin.userAgent,
    baseUrl: platform.config.publicUrl ?? origin.baseUrl,
    logger: platform.logger.child({ requestId: origin.requestId, user: user?.username }),
    platform,
    loaders: new Map(),
  };
}

/** The per-request loader registered under `key`, created on first use. */
export function loader<T>(ctx: RequestContext, key: string, create: () => T): T {
  let l = ctx.loaders.get(key) as T | undefined;
  if (l === undefined) {
    l = create();
    ctx.loaders.set(key, l);
  }
  return l;
}
