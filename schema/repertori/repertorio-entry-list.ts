import { auditRead } from '../../server/audit/audit-log.js';
import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isoDate } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { RepertorioEntry } from './repertorio-entry.entity.js';
import { entryVisibilitySql } from './repertorio-entry-visibility.js';
import type { RepertorioEntryFilter } from './repertorio.inputs.js';
import { findVisibleRepertorio } from './repertorio.service.js';

export const MAX_ENTRY_PAGE = 100;

interface Where {
  sql: string[];
  params: unknown[];
}

function whole(field: string, value: number | null | undefined, min: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < min || value > 2_000_000_000)
    throw new InvalidInputError(field, `must be a whole number from ${min}`);
  return value;
}

function filterSql(
  ctx: RequestContext,
  repertorioId: string,
  filter: RepertorioEntryFilter | null | undefined,
): Where {
  const v = entryVisibilitySql(ctx);
  const where: Where = { sql: ['e.repertorio_id = ?', v.sql], params: [repertorioId, ...v.params] };
  if (!filter) return where;
  const year = whole('filter.year', filter.year, 1900);
  if (year !== null) {
    where.sql.push('e.year = ?');
    where.params.push(year);
  }
  if (filter.states?.length) {
    where.sql.push('e.state = any(?::text[])');
    where.params.push(pgArray(filter.states));
  }
  const from = whole('filter.numberFrom', filter.numberFrom, 1);
  const to = whole('filter.numberTo', filter.numberTo, 1);
  if (from !== null && to !== null && to < from)
    throw new InvalidInputError('filter.numberTo', `must not be below numberFrom (${from})`);
  if (from !== null) {
    where.sql.push('e.number >= ?');
    where.params.push(from);
  }
  if (to !== null) {
    where.sql.push('e.number <= ?');
    where.params.push(to);
  }
  const dateFrom = filter.dateFrom ? isoDate('filter.dateFrom', filter.dateFrom) : null;
  const dateTo = filter.dateTo ? isoDate('filter.dateTo', filter.dateTo) : null;
  if (dateFrom !== null && dateTo !== null && dateTo < dateFrom)
    throw new InvalidInputError('filter.dateTo', `must not precede dateFrom (${dateFrom})`);
  // The entry's date is already the Italian calendar day of its registration.
  if (dateFrom !== null) {
    where.sql.push('e.date >= ?::date');
    where.params.push(dateFrom);
  }
  if (dateTo !== null) {
    where.sql.push('e.date <= ?::date');
    where.params.push(dateTo);
  }
  return where;
}

/**
 * A page of the entries of a repertorio the caller sees (those of documents they see), in
 * register order (year, number), and the audited viewing of the ids shown.
 */
export async function listEntries(
  ctx: RequestContext,
  repertorioId: string,
  args: {
    first: number;
    after?: string | null;
    direction: OrderDirection;
    filter?: RepertorioEntryFilter | null;
  },
): Promise<ConnectionShape<RepertorioEntry>> {
  const page = pageRequest(args.first, args.after, MAX_ENTRY_PAGE, 2);
  const rep = await findVisibleRepertorio(ctx, ctx.em, repertorioId);
  const where = filterSql(ctx, rep.id, args.filter);
  const dir = args.direction === OrderDirection.ASC ? 'asc' : 'desc';
  const keyset: Where = { sql: [...where.sql], params: [...where.params] };
  if (page.after) {
    const [year, number] = page.after;
    if (!Number.isInteger(year) || !Number.isInteger(number))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push(`(e.year, e.number) ${dir === 'asc' ? '>' : '<'} (?, ?)`);
    keyset.params.push(year, number);
  }
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select e.id from repertorio_entry e where ${keyset.sql.join(' and ')}
      order by e.year ${dir}, e.number ${dir} limit ?`,
    [...keyset.params, page.first + 1],
  );
  const shown = rows.slice(0, page.first);
  const loaded =
    shown.length > 0 ? await ctx.em.find(RepertorioEntry, { id: { $in: shown.map((r) => r.id) } }) : [];
  const byId = new Map(loaded.map((e) => [e.id, e]));
  if (shown.length > 0) {
    await auditRead(ctx, {
      aooId: rep.aooId,
      operation: 'repertorioEntry.list',
      targetType: 'RepertorioEntry',
      targetId: null,
      changes: { repertorioId: rep.id, ids: shown.map((r) => r.id) },
    });
  }
  const nodes = shown.flatMap((r) => {
    const entry = byId.get(r.id);
    return entry ? [entry] : [];
  });
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (e) => [e.year, e.number],
    async () => {
      const counted = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from repertorio_entry e where ${where.sql.join(' and ')}`,
        where.params,
      );
      return Number(counted[0]?.n ?? 0);
    },
  );
}
