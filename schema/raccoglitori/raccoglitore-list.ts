import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import type { RaccoglitoreFilter } from './raccoglitore.inputs.js';
import { raccoglitoreVisibilitySql } from './raccoglitore-visibility.js';

export const MAX_RACCOGLITORE_PAGE = 100;

interface Where {
  sql: string[];
  params: unknown[];
}

function filterSql(ctx: RequestContext, aooId: string, filter: RaccoglitoreFilter | null | undefined): Where {
  const v = raccoglitoreVisibilitySql(ctx);
  const where: Where = { sql: ['r.aoo_id = ?', v.sql], params: [aooId, ...v.params] };
  if (!filter) return where;
  if (filter.uorIds) {
    const bad = filter.uorIds.findIndex((id) => !isUuid(id));
    if (bad >= 0) throw new InvalidInputError(`filter.uorIds[${bad}]`, 'is not a UOR id');
    where.sql.push('r.uor_id = any(?::uuid[])');
    where.params.push(pgArray(filter.uorIds));
  }
  if (filter.state) {
    where.sql.push('r.state = ?');
    where.params.push(filter.state);
  }
  const text = filter.text?.trim();
  if (text) {
    if (text.length < 2 || text.length > 200)
      throw new InvalidInputError('filter.text', 'must be 2 to 200 characters');
    where.sql.push(
      `lower(dms_unaccent(r.name || ' ' || coalesce(r.description, ''))) like '%' || lower(dms_unaccent(?)) || '%'`,
    );
    where.params.push(text.replace(/[\\%_]/g, (c) => `\\${c}`));
  }
  return where;
}

/** A page of the raccoglitori of an AOO the caller may see, by name (then id). */
export async function listRaccoglitori(
  ctx: RequestContext,
  aooId: string,
  args: { first: number; after?: string | null; filter?: RaccoglitoreFilter | null },
): Promise<ConnectionShape<Raccoglitore>> {
  const page = pageRequest(args.first, args.after, MAX_RACCOGLITORE_PAGE, 2);
  // Like an AOO without visible raccoglitori (a malformed id would otherwise reach SQL).
  if (!isUuid(aooId))
    return connectionOf<Raccoglitore>(
      [],
      false,
      page,
      () => [],
      () => Promise.resolve(0),
    );
  const where = filterSql(ctx, aooId, args.filter);
  const keyset: Where = { sql: [...where.sql], params: [...where.params] };
  if (page.after) {
    const [name, id] = page.after;
    if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push('(r.name, r.id) > (?, ?::uuid)');
    keyset.params.push(name, id);
  }
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select r.id from raccoglitore r where ${keyset.sql.join(' and ')} order by r.name, r.id limit ?`,
    [...keyset.params, page.first + 1],
  );
  const shown = rows.slice(0, page.first).map((r) => r.id);
  const loaded = shown.length > 0 ? await ctx.em.find(Raccoglitore, { id: { $in: shown } }) : [];
  const byId = new Map(loaded.map((r) => [r.id, r]));
  const nodes = shown.flatMap((id) => byId.get(id) ?? []);
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (r) => [r.name, r.id],
    async () => {
      const counted = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from raccoglitore r where ${where.sql.join(' and ')}`,
        where.params,
      );
      return Number(counted[0]?.n ?? 0);
    },
  );
}
