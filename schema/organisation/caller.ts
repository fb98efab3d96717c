import type { RequestContext } from '../../server/context.js';
import { unauthenticated } from '../../server/auth/auth-checker.js';
import { User } from './user.entity.js';

/** The caller as a User reference (for createdBy and the like), without loading the row. */
export function callerRef(ctx: RequestContext): User {
  if (!ctx.user) throw unauthenticated();
  return ctx.em.getReference(User, ctx.user.id);
}
