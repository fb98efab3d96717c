import type { RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isoDate, isUuid } from '../../server/errors/input-checks.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { ITALIAN_TEXT_SEARCH, titolarioSubtreeSql } from '../titolario/index.js';
import { Fascicolo } from './fascicolo.entity.js';
import { fascicoloLoaders } from './fascicolo-loaders.js';
import { FascicoloOrderField, type FascicoloFilter, type FascicoloOrder } from './fascicolo-list.types.js';
import { fascicoloVisibilitySql } from './fascicolo-visibility.js';

export const MAX_FASCICOLO_PAGE = 100;

/**
 * The text search configuration of oggetto searches: Italian stemming with accents and case
 * ignored, the titolario module's (the oggetto index uses it too).
 */
export const FASCICOLO_TS_CONFIG = ITALIAN_TEXT_SEARCH;

/** The padded number chain, so 2 sorts before 10 and 6.1 after 6. */
const PADDED_PATH = `array_to_string(array(select lpad(p, 10, '0') from unnest(string_to_array(f.number_path, '.')) p), '.')`;

/** Each sort key as one text value comparable in SQL (keyset pages need one key and the id). */
const SORT: Record<FascicoloOrderField, { key: string; cast: string }> = {
  [FascicoloOrderField.OPENED_AT]: {
    key: `to_char(f.opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    cast: 'text',
  },
  [FascicoloOrderField.OGGETTO]: { key: 'f.oggetto', cast: 'text' },
  [FascicoloOrderField.IDENTIFIER]: {
    key: `(lpad(f.year::text, 4, '0') || ' ' || f.classification_sort || ' ' || ${PADDED_PATH}) collate "C"`,
    cast: 'text',
  },
};

interface Where {
  sql: string[];
  params: unknown[];
}

function uuidOrBad(field: string, id: string): string {
  if (!isUuid(id)) throw new InvalidInputError(field, 'is not an id');
  return id;
}

function dateRange(
  where: Where,
  column: string,
  field: string,
  fromValue?: string | null,
  toValue?: string | null,
) {
  const from = fromValue ? isoDate(`filter.${field}From`, fromValue) : null;
  const to = toValue ? isoDate(`filter.${field}To`, toValue) : null;
  if (from !== null && to !== null && to < from)
    throw new InvalidInputError(`filter.${field}To`, `must not precede ${field}From (${from})`);
  if (from !== null) {
    where.sql.push(`${column} >= ?::date`);
    where.params.push(from);
  }
  if (to !== null) {
    where.sql.push(`${column} <= ?::date`);
    where.params.push(to);
  }
}

/** The conditions of a list: visibility first, then each filter given. */
export function fascicoloFilterSql(ctx: RequestContext, filter: FascicoloFilter | null | undefined): Where {
  const v = fascicoloVisibilitySql(ctx);
  const where: Where = { sql: [v.sql], params: [...v.params] };
  if (!filter?.includeSottofascicoli) where.sql.push('f.parent_id is null');
  if (!filter) return where;
  if (filter.aooId) {
    where.sql.push('f.aoo_id = ?');
    where.params.push(uuidOrBad('filter.aooId', filter.aooId));
  }
  if (filter.classificationId) {
    where.sql.push(titolarioSubtreeSql('f.classification_id'));
    where.params.push(uuidOrBad('filter.classificationId', filter.classificationId));
  }
  if (filter.year != null) {
    where.sql.push('f.year = ?');
    where.params.push(filter.year);
  }
  if (filter.kinds?.length) {
    where.sql.push('f.kind = any(?::text[])');
    where.params.push(pgArray(filter.kinds));
  }
  if (filter.state) {
    where.sql.push('f.state = ?');
    where.params.push(filter.state);
  }
  if (filter.uorIds) {
    filter.uorIds.forEach((id, i) => uuidOrBad(`filter.uorIds[${i}]`, id));
    where.sql.push('f.uor_id = any(?::uuid[])');
    where.params.push(pgArray(filter.uorIds));
  }
  if (filter.rpaId) {
    where.sql.push('f.rpa_id = ?');
    where.params.push(uuidOrBad('filter.rpaId', filter.rpaId));
  }
  if (filter.participatingAdministration) {
    where.sql.push('? = any(f.participating_administrations)');
    where.params.push(filter.participatingAdministration.trim());
  }
  dateRange(where, 'f.opening_date', 'opened', filter.openedFrom, filter.openedTo);
  dateRange(where, 'f.closing_date', 'closed', filter.closedFrom, filter.closedTo);
  const text = filter.text?.trim();
  if (text) {
    if (text.length < 2 || text.length > 200)
      throw new InvalidInputError('filter.text', 'must be 2 to 200 characters');
    where.sql.push(
      `to_tsvector(${FASCICOLO_TS_CONFIG}, f.oggetto) @@ plainto_tsquery(${FASCICOLO_TS_CONFIG}, ?)`,
    );
    where.params.push(text);
  }
  return where;
}

/** A page of the fascicoli the caller may see, filtered and sorted (keyset pages). */
export async function listFascicoli(
  ctx: RequestContext,
  args: { first: number; after?: string | null; orderBy: FascicoloOrder; filter?: FascicoloFilter | null },
): Promise<ConnectionShape<Fascicolo>> {
  const page = pageRequest(args.first, args.after, MAX_FASCICOLO_PAGE, 2);
  const where = fascicoloFilterSql(ctx, args.filter);
  const { key, cast } = SORT[args.orderBy.field];
  const dir = args.orderBy.direction === OrderDirection.ASC ? 'asc' : 'desc';
  const keyset: Where = { sql: [...where.sql], params: [...where.params] };
  if (page.after) {
    const [value, id] = page.after;
    if (typeof value !== 'string' || typeof id !== 'string' || !isUuid(id))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push(`(${key}, f.id) ${dir === 'asc' ? '>' : '<'} (?::${cast}, ?::uuid)`);
    keyset.params.push(value, id);
  }
  // The rows themselves, in one statement (mapped to entities): the sort key travels beside them.
  const rows = await ctx.em.execute<Array<Record<string, unknown> & { page_key: string }>>(
    `select f.*, ${key} as page_key from fascicolo f where ${keyset.sql.join(' and ')}
      order by ${key} ${dir}, f.id ${dir} limit ?`,
    [...keyset.params, page.first + 1],
  );
  const keys = new Map<string, string>();
  const nodes = rows.slice(0, page.first).map(({ page_key, ...row }) => {
    const f = ctx.em.map(Fascicolo, row);
    keys.set(f.id, page_key);
    return f;
  });
  // Visible rows: their sottofascicoli's parent field finds them without a statement.
  const seen = fascicoloLoaders.fascicolo(ctx);
  for (const f of nodes) seen.prime(f.id, f);
  return connectionOf(
    nodes,
    rows.length > page.first,
    page,
    (f) => [keys.get(f.id) ?? '', f.id],
    async () => {
      const counted = await ctx.em.execute<Array<{ n: string }>>(
        `select count(*) as n from fascicolo f where ${where.sql.join(' and ')}`,
        where.params,
      );
      return Number(counted[0]?.n ?? 0);
    },
  );
}
