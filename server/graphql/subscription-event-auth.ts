import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { romeDay } from '../clock.js';
import type { RequestContext } from '../context.js';
import { loadGrants } from '../../schema/organisation/access.service.js';
import { User } from '../../schema/organisation/user.entity.js';

/**
 * A subscription lives for hours: rights checked at subscribe time may be gone by the next
 * event. Before each event is resolved, the caller is reloaded (deactivated users stop
 * receiving at once), the grants recomputed, and a fresh EntityManager forked, so row
 * visibility is decided on today's rights.
 */
export const refreshCallerPerEvent: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  if (info.parentType.name !== 'Subscription' || info.path.prev !== undefined)
    return (await next()) as unknown;
  const userId = context.user?.id;
  if (userId === undefined)
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  const em = context.platform.orm.em.fork();
  const user = await em.findOne(User, { id: userId });
  if (!user || !user.active) {
    throw new GraphQLError('The subscriber is no longer an active user', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  context.em = em;
  context.user = user;
  context.grants = await loadGrants(em, user.id, romeDay(context.clock.now()));
  context.loaders.clear();
  return (await next()) as unknown;
};
