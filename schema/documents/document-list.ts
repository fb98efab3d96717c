import type { RequestContext } from '../../server/context.js';
import { auditRead } from '../../server/audit/audit-log.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isoDate, isUuid } from '../../server/errors/input-checks.js';
import {
  connectionOf,
  pageRequest,
  type ConnectionShape,
  type PageRequest,
} from '../../server/graphql/connection.js';
import { OrderDirection } from '../../server/graphql/order-direction.js';
import { documentVisibilitySql } from './document-visibility.js';
import { Document } from './document.entity.js';
import { DocumentOrderField, type DocumentFilter, type DocumentOrder } from './document-list.types.js';

export const MAX_DOCUMENT_PAGE = 100;

/** The sort key as text comparable in SQL (created_at to the microsecond, in UTC). */
const SORT_KEY: Record<DocumentOrderField, { key: string; cast: string }> = {
  [DocumentOrderField.CREATED_AT]: {
    key: `to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    cast: 'timestamptz',
  },
  [DocumentOrderField.OGGETTO]: { key: 'd.oggetto', cast: 'text' },
};

const SORT_COLUMN: Record<DocumentOrderField, string> = {
  [DocumentOrderField.CREATED_AT]: 'd.created_at',
  [DocumentOrderField.OGGETTO]: 'd.oggetto',
};

interface Where {
  sql: string[];
  params: unknown[];
}

function filterSql(ctx: RequestContext, aooId: string, filter: DocumentFilter | null | undefined): Where {
  const v = documentVisibilitySql(ctx);
  const where: Where = { sql: ['d.aoo_id = ?', v.sql], params: [aooId, ...v.params] };
  if (!filter) return where;
  if (filter.kinds?.length) {
    where.sql.push('d.kind = any(?::text[])');
    where.params.push(pgArray(filter.kinds));
  }
  if (filter.uorIds) {
    const bad = filter.uorIds.findIndex((id) => !isUuid(id));
    if (bad >= 0) throw new InvalidInputError(`filter.uorIds[${bad}]`, 'is not a UOR id');
    where.sql.push(
      filter.includeSubUors
        ? `d.uor_id in (with recursive t as (select id from uor where id = any(?::uuid[])
             union select u.id from uor u join t on u.parent_id = t.id) select id from t)`
        : 'd.uor_id = any(?::uuid[])',
    );
    where.params.push(pgArray(filter.uorIds));
  }
  const from = filter.createdFrom ? isoDate('filter.createdFrom', filter.createdFrom) : null;
  const to = filter.createdTo ? isoDate('filter.createdTo', filter.createdTo) : null;
  if (from !== null && to !== null && to < from)
    throw new InvalidInputError('filter.createdTo', `must not precede createdFrom (${from})`);
  // Italian calendar days: a document created at 00:30 in Rome belongs to that day, not the UTC one.
  if (from !== null) {
    where.sql.push(`d.created_at >= (?::date)::timestamp at time zone 'Europe/Rome'`);
    where.params.push(from);
  }
  if (to !== null) {
    where.sql.push(`d.created_at < (?::date + 1)::timestamp at time zone 'Europe/Rome'`);
    where.params.push(to);
  }
  const text = filter.text?.trim();
  if (text) {
    if (text.length < 2 || text.length > 200)
      throw new InvalidInputError('filter.text', 'must be 2 to 200 characters');
    where.sql.push(`lower(dms_unaccent(d.oggetto)) like '%' || lower(dms_unaccent(?)) || '%'`);
    where.params.push(text.replace(/[\\%_]/g, (c) => `\\${c}`));
  }
  return where;
}

/**
 * A page of the documents of an AOO the caller may see, sorted and filtered, and the audited
 * viewing of the ids shown (a list shows oggetto and more of each document).
 */
export async function listDocuments(
  ctx: RequestContext,
  aooId: string,
  args: { first: number; after?: string | null; orderBy: DocumentOrder; filter?: DocumentFilter | null },
): Promise<ConnectionShape<Document>> {
  const page = pageRequest(args.first, args.after, MAX_DOCUMENT_PAGE, 2);
  // Like an AOO without visible documents (a malformed id would otherwise reach SQL).
  if (!isUuid(aooId))
    return connectionOf<Document>(
      [],
      false,
      page,
      () => [],
      () => Promise.resolve(0),
    );
  const where = filterSql(ctx, aooId, args.filter);
  const { key, cast } = SORT_KEY[args.orderBy.field];
  const column = SORT_COLUMN[args.orderBy.field];
  const dir = args.orderBy.direction === OrderDirection.ASC ? 'asc' : 'desc';
  const keyset: Where = { sql: [...where.sql], params: [...where.params] };
  if (page.after) {
    const [value, id] = page.after;
    if (typeof id !== 'string' || !isUuid(id))
      throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
    keyset.sql.push(`(${column}, d.id) ${dir === 'asc' ? '>' : '<'} (?::${cast}, ?::uuid)`);
    keyset.params.push(value, id);
  }
  const rows = await ctx.em.execute<Array<{ id: string; k: string }>>(
    `select d.id, ${key} as k from document d where ${keyset.sql.join(' and ')}
      order by ${column} ${dir}, d.id ${dir} limit ?`,
    [...keyset.params, page.first + 1],
  );
  return documentPage(ctx, aooId, rows, page, async () => {
    const counted = await ctx.em.execute<Array<{ n: string }>>(
      `select count(*) as n from document d where ${where.sql.join(' and ')}`,
      where.params,
    );
    return Number(counted[0]?.n ?? 0);
  });
}

/**
 * A page of documents from its keyset rows (id and sort key, one row more than the page asks,
 * which says whether there is a next page): loaded in one statement, in the rows' order, and
 * audited as a listing (what each caller was shown), with the count on demand. Other modules'
 * document lists (fascicoli's documents non protocollati) page through it too.
 */
export async function documentPage(
  ctx: RequestContext,
  aooId: string,
  rows: ReadonlyArray<{ id: string; k: string }>,
  page: PageRequest,
  count: () => Promise<number>,
): Promise<ConnectionShape<Document>> {
  const shown = rows.slice(0, page.first);
  const loaded = shown.length > 0 ? await ctx.em.find(Document, { id: { $in: shown.map((r) => r.id) } }) : [];
  const byId = new Map(loaded.map((d) => [d.id, d]));
  const keys = new Map(rows.map((r) => [r.id, r.k]));
  if (shown.length > 0) {
    await auditRead(ctx, {
      aooId,
      operation: 'document.list',
      targetType: 'Document',
      targetId: null,
      changes: { ids: shown.map((r) => r.id) },
    });
  }
  return connectionOf(
    shown.flatMap((r) => byId.get(r.id) ?? []),
    rows.length > page.first,
    page,
    (d) => [keys.get(d.id) ?? '', d.id],
    count,
  );
}
