import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { RequestContext } from '../context.js';
import type { Permission } from './permission.js';

export function unauthenticated(): GraphQLError {
  return new GraphQLError('Authentication required: send "Authorization: Bearer <token>"', {
    extensions: { code: 'UNAUTHENTICATED', reason: 'missing' },
  });
}

export function forbidden(what: string): GraphQLError {
  return new GraphQLError(`You do not have the permission to ${what}`, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * `@Authorized()` = any authenticated user (row visibility is then decided by the service);
 * `@Authorized(P.X, P.Y)` = the permission X or Y in at least one AOO. Scoped checks (which
 * AOO, which UOR) belong to the services, which know the record.
 */
export const authChecker: AuthChecker<RequestContext, Permission> = ({ context, info }, permissions) => {
  if (!context.user) throw unauthenticated();
  if (permissions.length === 0) return true;
  if (permissions.some((p) => context.grants.has(p))) return true;
  throw forbidden(`use ${info.parentType.name}.${info.fieldName} (needs ${permissions.join(' or ')})`);
};
