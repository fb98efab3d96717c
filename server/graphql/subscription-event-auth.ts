import { defaultFieldResolver, GraphQLError, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { RequestContext } from '../context.js';
import { activeCaller } from '../auth/authenticate.js';
import type { Platform } from '../platform.js';
import { romeDay } from '../clock.js';
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
  const loading = reload(platform, userId);
  byUser.set(userId, loading);
  loading.catch(() => byUser.delete(userId));
  return loading;
}

/** Users whose rights are to be reloaded in this turn of the event loop, per platform. */
const reloading = new WeakMap<Platform, Map<string, Array<(r: Promise<FreshCaller>) => void>>>();

/**
 * An event reaches many subscribers at once, and their rights expire together: the users asked
 * for in one turn are reloaded in one statement (authenticateMany) rather than one each.
 */
function reload(platform: Platform, userId: string): Promise<FreshCaller> {
  const identity = platform.identity;
  if (!identity.authenticateMany) return reloadOne(platform, userId);
  let batch = reloading.get(platform);
  if (!batch) {
    const started = new Map<string, Array<(r: Promise<FreshCaller>) => void>>();
    reloading.set(platform, (batch = started));
    setImmediate(() => {
      reloading.delete(platform);
      const ids = [...started.keys()];
      const loaded = identity
        .authenticateMany?.(platform.orm.em.fork(), ids, romeDay(platform.clock.now()))
        .then((callers) => ({ at: Date.now(), callers }));
      for (const [id, waiting] of started) {
        const one = (loaded ?? Promise.reject(new Error('authenticateMany vanished'))).then(
          ({ at, callers }) => {
            const caller = callers.get(id);
            return { at, user: caller?.user ?? null, grants: caller?.grants ?? Grants.NONE };
          },
        );
        for (const resolve of waiting) resolve(one);
      }
    });
  }
  const waiting = batch.get(userId) ?? [];
  batch.set(userId, waiting);
  return new Promise<FreshCaller>((resolve) => waiting.push(resolve));
}

function reloadOne(platform: Platform, userId: string): Promise<FreshCaller> {
  return activeCaller(platform, { id: userId }, null).then((caller) => ({
    at: Date.now(),
    user: caller?.user ?? null,
    grants: caller?.grants ?? Grants.NONE,
  }));
}

/**
 * The subscriber's rights of now, for deciding whether an event is theirs: the user and grants
 * reloaded at most every CALLER_REFRESH_MS per user (shared by all their subscriptions); a
 * deactivated user's socket closes, as for an expired token. Cheaper than refreshSubscriber (no
 * new EntityManager): a stream that filters each event for hundreds of subscribers, most of whom
 * get nothing, decides with this; the event it lets through is resolved after refreshSubscriber.
 */
export async function refreshSubscriberRights(context: RequestContext): Promise<void> {
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
  context.user = fresh.user;
  context.grants = fresh.grants;
}

/**
 * Reloads a subscriber before an event is handled (at most every CALLER_REFRESH_MS per user,
 * shared by all their subscriptions): deactivated users stop receiving (their socket closes, as
 * for an expired token), grants are today's, and the event gets a fresh EntityManager fork.
 * Subscriptions that filter events by row visibility call it (or refreshSubscriberRights) before
 * deciding, so the decision uses the rights the subscriber has now, not those of subscribe time.
 */
export async function refreshSubscriber(context: RequestContext): Promise<void> {
  await refreshSubscriberRights(context);
  freshSessionOnUse(context);
  context.loaders.clear();
}

/**
 * Gives the context a new EntityManager fork, made when the event's resolvers first use it: most
 * deliveries never do (the stream read and checked what they carry), and a fork per delivered
 * event was a good part of a replica's work per event (hundreds of subscribers each). Whatever
 * reads through `context.em` after this still gets a session of its own, as fresh as before.
 */
function freshSessionOnUse(context: RequestContext): void {
  const orm = context.platform.orm;
  let em: RequestContext['em'] | undefined;
  Object.defineProperty(context, 'em', {
    configurable: true,
    enumerable: true,
    get: () => (em ??= orm.em.fork()),
    set: (value: RequestContext['em']) => {
      em = value;
    },
  });
}

/** Per platform, per key, per user: no key string is built for each subscriber at each event. */
interface SubscriberValue {
  at: number;
  value: Promise<unknown>;
}
const values = new WeakMap<Platform, Map<string, Map<string, SubscriberValue>>>();

/**
 * A value about the subscriber that a subscription's filter needs at every event (e.g. the
 * offices they work in), reloaded as their rights are: at most every CALLER_REFRESH_MS per user
 * and key, shared by all their subscriptions on this replica.
 */
export function subscriberValue<T>(context: RequestContext, key: string, load: () => Promise<T>): Promise<T> {
  const userId = context.user?.id ?? '';
  let byKey = values.get(context.platform);
  if (!byKey) values.set(context.platform, (byKey = new Map<string, Map<string, SubscriberValue>>()));
  let byUser = byKey.get(key);
  if (!byUser) byKey.set(key, (byUser = new Map<string, SubscriberValue>()));
  const cached = byUser.get(userId);
  const now = Date.now();
  if (cached && now - cached.at < CALLER_REFRESH_MS) return cached.value as Promise<T>;
  const value = load();
  const users = byUser;
  users.set(userId, { at: now, value });
  value.catch(() => users.delete(userId));
  return value;
}

/**
 * A subscription lives for hours: each event is resolved with the subscriber's rights of now.
 * Wraps the resolver of every root Subscription field (before type-graphql's own, so before its
 * authorization) to refresh the subscriber first. Not a type-graphql global middleware: one of
 * those gives every field of every type a resolver through the middleware chain, a promise per
 * field per object, in queries and deliveries alike, for a step only subscription roots take.
 */
export function refreshCallerPerEvent(schema: GraphQLSchema): void {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (root, args, context: RequestContext, info) => {
      await refreshSubscriber(context);
      return await resolve(root, args, context, info);
    };
  }
}
