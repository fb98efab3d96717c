import { ORG_ADMIN, ORG_READ } from './permissions.js';
import type { RequestContext } from '../../server/context.js';

/**
 * Row visibility of organisation records. Every path (root queries, lists, nested fields)
 * asks these functions; a hidden record is reported exactly like a missing one.
 */

/** Whether the caller may read the structure (UORs, users, memberships) of the AOO. */
export function canReadOrg(ctx: RequestContext, aooId: string): boolean {
  return (
    ctx.user !== null &&
    (ctx.user.platformAdmin || ctx.grants.has(ORG_READ, aooId) || ctx.grants.has(ORG_ADMIN, aooId))
  );
}

/** Whether the caller may change the structure of the AOO. */
export function canAdminOrg(ctx: RequestContext, aooId: string): boolean {
  return ctx.user !== null && (ctx.user.platformAdmin || ctx.grants.has(ORG_ADMIN, aooId));
}

/** An AOO is visible to whoever holds any grant in it. */
export function canSeeAoo(ctx: RequestContext, aooId: string): boolean {
  return ctx.user !== null && (ctx.user.platformAdmin || ctx.grants.aooIds().includes(aooId));
}

/** AOOs whose structure the caller may read; 'ALL' for a platform administrator. */
export function readableAooIds(ctx: RequestContext): string[] | 'ALL' {
  if (ctx.user?.platformAdmin) return 'ALL';
  return [...new Set([...ctx.grants.aoosWith(ORG_READ), ...ctx.grants.aoosWith(ORG_ADMIN)])];
}

export function visibleAooIds(ctx: RequestContext): string[] | 'ALL' {
  if (ctx.user?.platformAdmin) return 'ALL';
  return ctx.grants.aooIds();
}

export function isPlatformAdmin(ctx: RequestContext): boolean {
  return ctx.user?.platformAdmin === true;
}
