import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { Uor } from './uor.entity.js';
import { User } from './user.entity.js';
import { canReadOrg, canSeeAoo, isPlatformAdmin } from './org-visibility.js';

/**
 * Lookups by id that apply row visibility: a record the caller may not see raises the same
 * NOT_FOUND as a record that does not exist.
 */
export async function visibleAdministration(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
): Promise<Administration> {
  const adm = isUuid(id) ? await em.findOne(Administration, { id }) : null;
  if (!adm) throw new NotFoundError('Administration', id);
  if (isPlatformAdmin(ctx)) return adm;
  const aoos = await em.find(Aoo, { administration: adm.id }, { fields: ['id'] });
  if (!aoos.some((a) => canSeeAoo(ctx, a.id))) throw new NotFoundError('Administration', id);
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
  const user = isUuid(id) ? await em.findOne(User, { id }) : null;
  if (!user || !(await canSeeUser(ctx, em, user))) throw new NotFoundError('User', id);
  return user;
}

/** AOOs a user belongs to (or belonged to, or was created in). */
export async function aoosOfUser(em: EntityManager, user: User): Promise<string[]> {
  const rows = await em.execute<Array<{ aoo_id: string }>>(
    `select distinct u.aoo_id from membership m join uor u on u.id = m.uor_id where m.user_id = ?`,
    [user.id],
  );
  const ids = rows.map((r) => r.aoo_id);
  if (user.createdInAooId !== null) ids.push(user.createdInAooId);
  return ids;
}

export async function canSeeUser(ctx: RequestContext, em: EntityManager, user: User): Promise<boolean> {
  if (ctx.user === null) return false;
  if (ctx.user.id === user.id || ctx.user.platformAdmin) return true;
  return (await aoosOfUser(em, user)).some((aooId) => canReadOrg(ctx, aooId));
}
