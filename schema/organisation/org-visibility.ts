import { ORG_ADMIN, ORG_READ } from './permissions.js';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';

/** A condition of a statement and its parameters, to put into a where clause. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

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

/**
 * Over `app_user u`: the user belongs (or belonged) to, or was created in, one of these AOOs.
 * What "the users of an AOO" means everywhere: the users list and user visibility.
 */
export function usersOfAoosSql(aooIds: readonly string[]): SqlCondition {
  const aoos = pgArray(aooIds);
  return {
    sql: `(u.created_in_aoo_id = any(?::uuid[])
      or exists (select 1 from membership m join uor o on o.id = m.uor_id where m.user_id = u.id and o.aoo_id = any(?::uuid[])))`,
    params: [aoos, aoos],
  };
}

/**
 * Over `app_user u`: the users the caller may see: themselves, and the users of the AOOs whose
 * structure they read. A platform administrator sees all.
 */
export function visibleUsersSql(ctx: RequestContext): SqlCondition {
  const me = ctx.user;
  if (me === null) return { sql: 'false', params: [] };
  const readable = readableAooIds(ctx);
  if (readable === 'ALL') return { sql: 'true', params: [] };
  const ofAoos = usersOfAoosSql(readable);
  return { sql: `(u.id = ? or ${ofAoos.sql})`, params: [me.id, ...ofAoos.params] };
}

export function visibleAooIds(ctx: RequestContext): string[] | 'ALL' {
  if (ctx.user?.platformAdmin) return 'ALL';
  return ctx.grants.aooIds();
}

export function isPlatformAdmin(ctx: RequestContext): boolean {
  return ctx.user?.platformAdmin === true;
}
