import type { RequestContext } from '../../server/context.js';
import { Administration } from './administration.entity.js';
import { Aoo } from './aoo.entity.js';
import { visibleAooIds } from './org-visibility.js';

export async function listAoos(ctx: RequestContext): Promise<Aoo[]> {
  const ids = visibleAooIds(ctx);
  return ctx.em.find(Aoo, ids === 'ALL' ? {} : { id: { $in: ids } }, { orderBy: { code: 'asc' } });
}

export async function listAdministrations(ctx: RequestContext): Promise<Administration[]> {
  const ids = visibleAooIds(ctx);
  if (ids === 'ALL') return ctx.em.find(Administration, {}, { orderBy: { ipaCode: 'asc' } });
  const aoos = await ctx.em.find(Aoo, { id: { $in: ids } }, { fields: ['administration'] });
  const admIds = [...new Set(aoos.map((a) => a.administration.id))];
  return ctx.em.find(Administration, { id: { $in: admIds } }, { orderBy: { ipaCode: 'asc' } });
}
