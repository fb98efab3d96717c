import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';
import { canReadOrg, canSeeAoo, visibleAooIds, visibleUsersSql } from './org-visibility.js';

/**
 * Lookups by id that apply row visibility: a record the caller may not see raises the same
 * NOT_FOUND as a record that does not exist.
 */
export async function visibleAdministration(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
): Promise<Administration> {
  // Visible when the caller sees one of its AOOs. Visibility first, in one statement: a missing
  // and a hidden administration cost the same work.
  const aooIds = visibleAooIds(ctx);
  let visible = isUuid(id) && aooIds === 'ALL';
  if (isUuid(id) && aooIds !== 'ALL' && aooIds.length > 0) {
    const rows = await em.execute<Array<{ one: number }>>(
      'select 1 as one from aoo where administration_id = ? and id = any(?::uuid[]) limit 1',
      [id, pgArray(aooIds)],
    );
    visible = rows.length > 0;
  }
  const adm = visible ? await em.findOne(Administration, { id }) : null;
  if (!adm) throw new NotFoundError('Administration', id);
  return adm;
}

export async function visibleAoo(ctx: RequestContext, em: EntityManager, id: string): Promise<Aoo> {
  const aoo = isUuid(id) && canSeeAoo(ctx, id) ? await em.findOne(Aoo, { id }) : null;
  if (!aoo) throw new NotFoundError('Aoo', id);
  return aoo;
}

export async function visibleUor(ctx: RequestContext, em: EntityManager, id: string): Promise<Uor> {
  const uor = isUuid(id) ? await em.findOne(Uor, { id }) : null;
  if (!uor || !canReadOrg(ctx, uor.aoo.id)) throw new NotFoundError('Uor', id);
  return uor;
}

export async function visibleUser(ctx: RequestContext, em: EntityManager, id: string): Promise<User> {
  // Visibility first, in one statement: a missing and a hidden user cost the same work.
  const visible = isUuid(id) && (await visibleUserIds(ctx, em, [id])).has(id);
  const user = visible ? await em.findOne(User, { id }) : null;
  if (!user) throw new NotFoundError('User', id);
  return user;
}

/** AOOs a user belongs to (or belonged to, or was created in). */
/**
 * The AOOs whose administrators answer for a user's identity: those of the active
 * memberships, or, for a user with none, the AOO the user was created in.
 */
export async function governingAoosOfUser(em: EntityManager, user: User): Promise<string[]> {
  const rows = await em.execute<Array<{ aoo_id: string }>>(
    `select distinct u.aoo_id from membership m join uor u on u.id = m.uor_id where m.user_id = ? and m.ended_at is null`,
    [user.id],
  );
  const ids = rows.map((r) => r.aoo_id);
  if (ids.length === 0 && user.createdInAooId !== null) ids.push(user.createdInAooId);
  return ids;
}

/** Which of these users the caller may see (visibleUsersSql: the rule of every path to a user). */
export async function visibleUserIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ctx.user === null || ids.length === 0) return new Set();
  const visible = visibleUsersSql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select u.id from app_user u where u.id = any(?::uuid[]) and ${visible.sql}`,
    [pgArray(ids), ...visible.params],
  );
  return new Set(rows.map((r) => r.id));
}
