import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { PLATFORM_ADMIN_ROLE } from './access.js';

/** What every route answers a caller who sent no credentials where they are needed. */
export const AUTHENTICATION_REQUIRED = 'Authentication required: send "Authorization: Bearer <token>"';

export function unauthenticated(): GraphQLError {
  return new GraphQLError(AUTHENTICATION_REQUIRED, {
    extensions: { code: 'UNAUTHENTICATED', reason: 'missing' },
  });
}

export function forbidden(what: string): GraphQLError {
  return new GraphQLError(`You do not have the permission to ${what}`, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * What the access decorators (access.ts) ask: no role = any authenticated user (row visibility
 * is then decided by the service); permissions = one of them in at least one AOO; the platform
 * administrator role = the user is one. Scoped checks (which AOO, which UOR) belong to the
 * services, which know the record.
 */
export const authChecker: AuthChecker<RequestContext, string> = ({ context, info }, roles) => {
  if (!context.user) throw unauthenticated();
  if (roles.length === 0) return true;
  if (roles.includes(PLATFORM_ADMIN_ROLE) && context.user.platformAdmin) return true;
  const permissions = roles.filter((r) => r !== PLATFORM_ADMIN_ROLE);
  if (permissions.some((p) => context.grants.has(p))) return true;
  const needs = roles.map((r) => (r === PLATFORM_ADMIN_ROLE ? 'a platform administrator' : r));
  throw forbidden(`use ${info.parentType.name}.${info.fieldName} (needs ${needs.join(' or ')})`);
};
