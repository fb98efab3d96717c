import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { RACCOGLITORE_MANAGE, RACCOGLITORE_READ } from './permissions.js';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * Row visibility of raccoglitori, the one rule of every path (root, list, count, nested,
 * mutations), as SQL over `raccoglitore r`: RACCOGLITORE_READ (or MANAGE) over the owner UOR.
 * A raccoglitore outside it answers like a nonexistent id.
 */
export function raccoglitoreVisibilitySql(ctx: RequestContext): SqlFragment {
  if (ctx.user === null) return { sql: 'false', params: [] };
  const terms: string[] = [];
  const params: unknown[] = [];
  const aoos = new Set([
    ...ctx.grants.aoosWith(RACCOGLITORE_READ),
    ...ctx.grants.aoosWith(RACCOGLITORE_MANAGE),
  ]);
  for (const aooId of aoos) {
    const scopes = [ctx.grants.scope(RACCOGLITORE_READ, aooId), ctx.grants.scope(RACCOGLITORE_MANAGE, aooId)];
    if (scopes.includes('ALL')) {
      terms.push('r.aoo_id = ?');
      params.push(aooId);
      continue;
    }
    const uors = new Set<string>();
    for (const s of scopes) if (s !== undefined && s !== 'ALL') for (const u of s) uors.add(u);
    if (uors.size > 0) {
      terms.push('(r.aoo_id = ? and r.uor_id = any(?::uuid[]))');
      params.push(aooId, pgArray([...uors]));
    }
  }
  return { sql: terms.length > 0 ? `(${terms.join(' or ')})` : 'false', params };
}

/** Which of these raccoglitori the caller may see (one statement). */
export async function visibleRaccoglitoreIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0 || ctx.user === null) return new Set();
  const v = raccoglitoreVisibilitySql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select r.id from raccoglitore r where r.id = any(?::uuid[]) and ${v.sql}`,
    [pgArray(valid), ...v.params],
  );
  return new Set(rows.map((r) => r.id));
}
