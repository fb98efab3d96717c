import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { forbidden } from '../../server/auth/auth-checker.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { visibleAoo } from './org-lookup.js';
import { canReadOrg, usersOfAoosSql } from './org-visibility.js';
import { User } from './user.entity.js';

/** Largest page of an organisation list. */
export const MAX_ORG_PAGE = 100;

/**
 * AOOs in which the caller holds a grant (their working places), by code. A platform
 * administrator reaches every other AOO through `administrations { aoos }`. Bounded by
 * MAX_AOOS_PER_USER.
 */
export async function listMyAoos(ctx: RequestContext): Promise<Aoo[]> {
  const ids = ctx.grants.aooIds();
  return ids.length === 0 ? [] : ctx.em.find(Aoo, { id: { $in: ids } }, { orderBy: { code: 'asc' } });
}

/** A page of the administrations the caller may see (all for a platform administrator), by IPA code. */
export async function listAdministrations(
  ctx: RequestContext,
  first: number,
  after: string | null | undefined,
): Promise<ConnectionShape<Administration>> {
  const page = pageRequest(first, after, MAX_ORG_PAGE, 2);
  const all = ctx.user?.platformAdmin === true;
  const visible = `(? or a.id in (select administration_id from aoo where id = any(?::uuid[])))`;
  const params = [all, pgArray(ctx.grants.aooIds())];
  const keyset = page.after ? ' and (a.ipa_code, a.id) > (?, ?::uuid)' : '';
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select a.id from administration a where ${visible}${keyset} order by a.ipa_code, a.id limit ?`,
    [...params, ...(page.after ?? []), page.first + 1],
  );
  const shown = rows.slice(0, page.first).map((r) => r.id);
  const byId = new Map(
    (shown.length > 0 ? await ctx.em.find(Administration, { id: { $in: shown } }) : []).map((a) => [a.id, a]),
  );
  return connectionOf(
    shown.flatMap((id) => byId.get(id) ?? []),
    rows.length > page.first,
    page,
    (a) => [a.ipaCode, a.id],
    async () => {
      const n = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from administration a where ${visible}`,
        params,
      );
      return Number(n[0]?.n ?? 0);
    },
  );
}

/** A page of the users of an AOO (members, past members, users created there), by username. */
export async function listUsers(
  ctx: RequestContext,
  aooId: string,
  first: number,
  after: string | null | undefined,
): Promise<ConnectionShape<User>> {
  const page = pageRequest(first, after, MAX_ORG_PAGE, 2);
  const aoo = await visibleAoo(ctx, ctx.em, aooId);
  if (!canReadOrg(ctx, aoo.id)) throw forbidden('list the users of this AOO');
  // Every user of an AOO whose structure the caller reads is visible to them (visibleUsersSql).
  const ofAoo = usersOfAoosSql([aoo.id]);
  const keyset = page.after ? ' and (u.username, u.id) > (?, ?::uuid)' : '';
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select u.id from app_user u where ${ofAoo.sql}${keyset} order by u.username, u.id limit ?`,
    [...ofAoo.params, ...(page.after ?? []), page.first + 1],
  );
  const shown = rows.slice(0, page.first).map((r) => r.id);
  const byId = new Map(
    (shown.length > 0 ? await ctx.em.find(User, { id: { $in: shown } }) : []).map((u) => [u.id, u]),
  );
  return connectionOf(
    shown.flatMap((id) => byId.get(id) ?? []),
    rows.length > page.first,
    page,
    (u) => [u.username, u.id],
    async () => {
      const n = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from app_user u where ${ofAoo.sql}`,
        ofAoo.params,
      );
      return Number(n[0]?.n ?? 0);
    },
  );
}
