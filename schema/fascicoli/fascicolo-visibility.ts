import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { Fascicolo } from './fascicolo.entity.js';
import { FASCICOLO_READ } from './permissions.js';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * Row visibility of fascicoli, the one rule of every path (root, lists, counts, search, parent,
 * children, Document.fascicoli), as SQL over a fascicolo alias: FASCICOLO_READ over its UOR (the
 * AOO-wide profiles hold it for every UOR). Sottofascicoli follow their own UOR.
 */
export function fascicoloVisibilitySql(ctx: RequestContext, alias = 'f'): SqlFragment {
  if (ctx.user === null) return { sql: 'false', params: [] };
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const aooId of ctx.grants.aoosWith(FASCICOLO_READ)) {
    const scope = ctx.grants.scope(FASCICOLO_READ, aooId);
    if (scope === 'ALL') {
      parts.push(`${alias}.aoo_id = ?`);
      params.push(aooId);
    } else if (scope !== undefined && scope.size > 0) {
      parts.push(`(${alias}.aoo_id = ? and ${alias}.uor_id = any(?::uuid[]))`);
      params.push(aooId, pgArray([...scope]));
    }
  }
  return { sql: parts.length > 0 ? `(${parts.join(' or ')})` : 'false', params };
}

/** Which of these fascicoli the caller may see (one query). */
export async function visibleFascicoloIds(
  ctx: RequestContext,
  em: EntityManager,
  ids: readonly string[],
): Promise<Set<string>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0 || ctx.user === null) return new Set();
  const v = fascicoloVisibilitySql(ctx);
  const rows = await em.execute<Array<{ id: string }>>(
    `select f.id from fascicolo f where f.id = any(?::uuid[]) and ${v.sql}`,
    [pgArray(valid), ...v.params],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * A fascicolo the caller may see, or NOT_FOUND: a hidden one and a missing one give the same
 * answer and cost the same statement. `lock` takes the row lock of a change.
 */
export async function findVisibleFascicolo(
  ctx: RequestContext,
  em: EntityManager,
  id: string,
  lock = false,
): Promise<Fascicolo> {
  if (!isUuid(id) || ctx.user === null) throw new NotFoundError('Fascicolo', id);
  const v = fascicoloVisibilitySql(ctx);
  // One statement: the visible row itself (a hidden and a missing id cost the same).
  const rows = await em.execute<Array<Record<string, unknown>>>(
    `select f.* from fascicolo f where f.id = ? and ${v.sql}${lock ? ' for update' : ''}`,
    [id, ...v.params],
  );
  const row = rows[0];
  const found = row ? em.map(Fascicolo, row) : null;
  if (!found) throw new NotFoundError('Fascicolo', id);
  return found;
}
