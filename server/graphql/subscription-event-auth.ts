import { GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { activeCaller } from '../auth/authenticate.js';
import type { Platform } from '../platform.js';
import { Grants } from '../auth/grants.js';
import type { Principal } from '../auth/principal.js';

/** How long a subscriber's reloaded rights serve every event of that user (all sockets). */
export const CALLER_REFRESH_MS = 2000;

interface FreshCaller {
  at: number;
  user: Principal | null;
  grants: Grants;
}

const cache = new WeakMap<Platform, Map<string, Promise<FreshCaller>>>();

async function freshCaller(platform: Platform, userId: string): Promise<FreshCaller> {
  let byUser = cache.get(platform);
  if (!byUser) cache.set(platform, (byUser = new Map<string, Promise<FreshCaller>>()));
  const cached = byUser.get(userId);
  if (cached) {
    const hit = await cached.catch(() => undefined);
    if (hit && Date.now() - hit.at < CALLER_REFRESH_MS) return hit;
  }
  const loading = activeCaller(platform, { id: userId }, null).then((caller) => ({
    at: Date.now(),
    user: caller?.user ?? null,
    grants: caller?.grants ?? Grants.NONE,
  }));
  byUser.set(userId, loading);
  loading.catch(() => byUser.delete(userId));
  return loading;
}

/**
 * Reloads a subscriber before an event is handled (at most every CALLER_REFRESH_MS per user,
 * shared by all their subscriptions): deactivated users stop receiving (their socket closes, as
 * for an expired token), grants are today's, and the event gets a fresh EntityManager fork.
 * Subscriptions that filter events by row visibility call it before deciding, so the decision
 * uses the rights the subscriber has now, not those of subscribe time.
 */
export async function refreshSubscriber(context: RequestContext): Promise<void> {
  const userId = context.user?.id;
  if (userId === undefined)
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  const fresh = await freshCaller(context.platform, userId);
  if (!fresh.user) {
    context.connection?.close(CloseCode.Forbidden, 'The subscriber is no longer an active user');
    throw new GraphQLError('The subscriber is no longer an active user', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  context.em = context.platform.orm.em.fork();
  context.user = fresh.user;
  context.grants = fresh.grants;
  context.loaders.clear();
}

const values = new WeakMap<Platform, Map<string, { at: number; value: Promise<unknown> }>>();

/**
 * A value about the subscriber that a subscription's filter needs at every event (e.g. the
 * offices they work in), reloaded as their rights are: at most every CALLER_REFRESH_MS per user
 * and key, shared by all their subscriptions on this replica.
 */
export function subscriberValue<T>(context: RequestContext, key: string, load: () => Promise<T>): Promise<T> {
  const userId = context.user?.id ?? '';
  let byKey = values.get(context.platform);
  if (!byKey)
    values.set(context.platform, (byKey = new Map<string, { at: number; value: Promise<unknown> }>()));
  const slot = `${userId}\u0000${key}`;
  const cached = byKey.get(slot);
  if (cached && Date.now() - cached.at < CALLER_REFRESH_MS) return cached.value as Promise<T>;
  const value = load();
  byKey.set(slot, { at: Date.now(), value });
  value.catch(() => byKey.delete(slot));
  return value;
}

/** A subscription lives for hours: each event is resolved with the subscriber's rights of now. */
export const refreshCallerPerEvent: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  if (info.parentType.name !== 'Subscription' || info.path.prev !== undefined)
    return (await next()) as unknown;
  await refreshSubscriber(context);
  return (await next()) as unknown;
};
