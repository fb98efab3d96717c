import DataLoader from 'dataloader';
import { auditRead } from '../../server/audit/audit-log.js';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import {
  nestedPageLoader,
  type NestedPageFetch,
  type NestedPageKey,
  type NestedPageRow,
  type NestedPageSource,
} from '../../server/graphql/nested-page-loader.js';
import { Document, documentVisibilitySql } from '../documents/index.js';
import type { DocumentFiling } from './document-filing.types.js';
import { Fascicolo } from './fascicolo.entity.js';
import { fascicoloVisibilitySql } from './fascicolo-visibility.js';

export const MAX_NESTED_PAGE = 100;

/** A sottofascicolo row, and whether its parent's page shows it (not the extra row telling more follow). */
type TreeRow<TNode> = NestedPageRow<TNode> & { shown: boolean };

/** Descendants whose first pages a first page fetches ahead (bounds that statement's work). */
export const PREFETCH_BUDGET = 200;

type TreeNode = Fascicolo | Document;

/**
 * The nested pages of fascicoli trees through the shared nested page loader: sottofascicoli and
 * documents in one loader, so every page asked at one level (and every page fetched ahead for
 * the levels below) resolves at once, and the fields below them batch together too. One
 * statement per kind and distinct (first, after), `row_number() over (partition by parent)`
 * keeping `first + 1` rows of each parent, totals from a window count on first pages; a first
 * page also fetches the first pages of the parents' descendants (NestedPageFetch.covered).
 */
function treePages(ctx: RequestContext) {
  const tree = (
    arity: number,
    isCursor: (values: unknown[]) => boolean,
    fetch: (
      parentIds: string[],
      limit: number,
      after: unknown[] | null,
    ) => Promise<NestedPageFetch<TreeNode>>,
    count: () => DataLoader<string, number>,
  ): NestedPageSource<TreeNode, TreeNode> => ({
    max: MAX_NESTED_PAGE,
    arity,
    isCursor,
    fetch,
    windowTotal: true,
    count: (parentId) => count().load(parentId),
    present: (rows) => Promise.resolve(rows.map((r) => r.row)),
  });
  return nestedPageLoader(ctx, 'fascicoli.treePages', () => ({
    children: tree(
      2,
      isChildCursor,
      (ids, limit, after) => fetchChildren(ctx, ids, limit, after),
      () => fascicoloLoaders.childCount(ctx),
    ),
    documents: tree(
      3,
      isDocumentCursor,
      (ids, limit, after) => fetchDocuments(ctx, ids, limit, after),
      () => fascicoloLoaders.documentCount(ctx),
    ),
  }));
}

/** Per-request loaders of the nested fields of fascicoli and documents; each applies row visibility. */
export const fascicoloLoaders = {
  /** A fascicolo by id, null when missing or not visible (parent paths, filings). */
  fascicolo: (ctx: RequestContext) =>
    loader(
      ctx,
      'fascicoli.byId',
      () =>
        new DataLoader<string, Fascicolo | null>(async (ids) => {
          const v = fascicoloVisibilitySql(ctx);
          const valid = ids.filter(isUuid);
          const rows =
            valid.length > 0 && ctx.user
              ? await ctx.em.execute<Array<Record<string, unknown>>>(
                  `select f.* from fascicolo f where f.id = any(?::uuid[]) and ${v.sql}`,
                  [pgArray(valid), ...v.params],
                )
              : [];
          return byId(
            rows.map((r) => ctx.em.map(Fascicolo, r)),
            ids,
          );
        }),
    ),

  childCount: (ctx: RequestContext) =>
    loader(
      ctx,
      'fascicoli.childCount',
      () =>
        new DataLoader<string, number>(async (ids) => {
          const v = fascicoloVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<{ parent_id: string; n: string }>>(
            `select f.parent_id, count(*) as n from fascicolo f where f.parent_id = any(?::uuid[]) and ${v.sql} group by f.parent_id`,
            [pgArray(ids), ...v.params],
          );
          const counts = new Map(rows.map((r) => [r.parent_id, Number(r.n)]));
          return ids.map((id) => counts.get(id) ?? 0);
        }),
    ),

  /** Sottofascicoli (or inserti) of each fascicolo, by number, visible ones only. */
  children: (ctx: RequestContext) => ({
    load: (key: NestedPageKey) => treePages(ctx).load('children', key) as Promise<ConnectionShape<Fascicolo>>,
  }),

  documentCount: (ctx: RequestContext) =>
    loader(
      ctx,
      'fascicoli.documentCount',
      () =>
        new DataLoader<string, number>(async (ids) => {
          const v = documentVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<{ fascicolo_id: string; n: string }>>(
            `select c.fascicolo_id, count(*) as n from fascicolo_filing_current c join document d on d.id = c.document_id
              where c.fascicolo_id = any(?::uuid[]) and ${v.sql} group by c.fascicolo_id`,
            [pgArray(ids), ...v.params],
          );
          const counts = new Map(rows.map((r) => [r.fascicolo_id, Number(r.n)]));
          return ids.map((id) => counts.get(id) ?? 0);
        }),
    ),

  /**
   * Documents filed in each fascicolo now, in registration order (DOMAIN §3): registered ones by
   * registration time, then drafts by creation. Only documents the caller sees; serve them
   * through documentsOf, which audits the viewing.
   */
  documents: (ctx: RequestContext) => ({
    load: (key: NestedPageKey) => treePages(ctx).load('documents', key) as Promise<ConnectionShape<Document>>,
  }),

  /**
   * The viewing of documents a fascicolo shows (a list shows their oggetto and more): one audit
   * row per AOO for the documents served at once, each document once per request.
   */
  viewedDocuments: (ctx: RequestContext) =>
    loader(
      ctx,
      'fascicoli.viewedDocuments',
      () =>
        new DataLoader<Document, true, string>(
          async (docs) => {
            const byAoo = new Map<string, string[]>();
            for (const d of docs) byAoo.set(d.aoo.id, [...(byAoo.get(d.aoo.id) ?? []), d.id]);
            for (const [aooId, ids] of byAoo) {
              await auditRead(ctx, {
                aooId,
                operation: 'fascicolo.documents',
                targetType: 'Document',
                targetId: null,
                changes: { ids },
              });
            }
            return docs.map(() => true as const);
          },
          // After the I/O of this turn: the documents served at every level of a tree read
          // come in one batch, whatever microtask they resolved in.
          { cacheKeyFn: (d) => d.id, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
        ),
    ),

  /** The fascicoli each document is filed in now, visible ones only, primary first. */
  filingsOfDocument: (ctx: RequestContext) =>
    loader(
      ctx,
      'fascicoli.filingsOfDocument',
      () =>
        new DataLoader<string, DocumentFiling[]>(async (documentIds) => {
          const v = fascicoloVisibilitySql(ctx);
          const rows = await ctx.em.execute<
            Array<{ fascicolo_id: string; document_id: string; is_primary: boolean; filed_at: Date }>
          >(
            `select c.fascicolo_id, c.document_id, c.is_primary, c.filed_at
               from fascicolo_filing_current c join fascicolo f on f.id = c.fascicolo_id
              where c.document_id = any(?::uuid[]) and ${v.sql}
              order by c.is_primary desc, c.filed_at, f.id`,
            [pgArray(documentIds), ...v.params],
          );
          return grouped(
            rows.map((r) => ({
              fascicoloId: r.fascicolo_id,
              documentId: r.document_id,
              primary: r.is_primary,
              filedAt: new Date(r.filed_at),
            })),
            documentIds,
            (r) => r.documentId,
          );
        }),
    ),
};

/** A page of a fascicolo's documents, its viewing audited (documents fetched ahead but never served are not). */
export async function documentsOf(
  ctx: RequestContext,
  fascicoloId: string,
  first: number,
  after: string | null,
): Promise<ConnectionShape<Document>> {
  const page = await fascicoloLoaders.documents(ctx).load({ parentId: fascicoloId, first, after });
  await fascicoloLoaders.viewedDocuments(ctx).loadMany(page.edges.map((e) => e.node));
  return page;
}

/** A sottofascicoli cursor: (number, id). */
const isChildCursor = ([n, id]: unknown[]): boolean =>
  typeof n === 'number' && typeof id === 'string' && isUuid(id);

/** A documents cursor: (draft, registration or creation time, id), the order of DOMAIN §3. */
const isDocumentCursor = ([draft, at, id]: unknown[]): boolean =>
  (draft === 0 || draft === 1) &&
  typeof at === 'string' &&
  !Number.isNaN(Date.parse(at)) &&
  typeof id === 'string' &&
  isUuid(id);

async function fetchChildren(
  ctx: RequestContext,
  parentIds: string[],
  limit: number,
  after: unknown[] | null,
): Promise<NestedPageFetch<Fascicolo>> {
  const v = fascicoloVisibilitySql(ctx);
  const window = `row_number() over (partition by f.parent_id order by f.number, f.id) as page_rn,
                        count(*) over (partition by f.parent_id) as page_total`;
  type Row = Record<string, unknown> & { page_rn: string; page_total: string };
  // After a cursor: that page only. A first page: the children, and the children of those
  // shown (a tree is three levels at most), so the next level is primed.
  const rows = after
    ? await ctx.em.execute<Row[]>(
        `select x.* from (select f.*, ${window} from fascicolo f
                  where f.parent_id = any(?::uuid[]) and ${v.sql} and (f.number, f.id) > (?::int, ?::uuid)) x
                where page_rn <= ? order by parent_id, page_rn`,
        [pgArray(parentIds), ...v.params, ...after, limit],
      )
    : await ctx.em.execute<Row[]>(
        `with kids as (select f.*, ${window} from fascicolo f where f.parent_id = any(?::uuid[]) and ${v.sql}),
                    shown as (select * from kids where page_rn <= ?),
                    grand as (select f.*, ${window} from fascicolo f
                               where f.parent_id in (select id from shown where page_rn < ?) and ${v.sql})
               select * from shown union all select * from grand where page_rn <= ?
               order by level, parent_id, page_rn`,
        [pgArray(parentIds), ...v.params, limit, limit, ...v.params, limit],
      );
  const byId = fascicoloLoaders.fascicolo(ctx);
  const mapped = rows.map(({ page_rn, page_total, ...row }) => {
    const node = ctx.em.map(Fascicolo, row);
    const shown = Number(page_rn) < limit;
    if (shown) byId.prime(node.id, node);
    return {
      parentId: node.parent?.id ?? '',
      row: node,
      cursor: [node.number, node.id],
      total: Number(page_total),
      shown,
    } satisfies TreeRow<Fascicolo>;
  });
  // Every shown child's own first page is here (its children, or none at the last level).
  return { rows: mapped, covered: after ? [] : mapped.filter((r) => r.shown).map((r) => r.row.id) };
}

async function fetchDocuments(
  ctx: RequestContext,
  fascicoloIds: string[],
  limit: number,
  after: unknown[] | null,
): Promise<NestedPageFetch<Document>> {
  const v = documentVisibilitySql(ctx);
  const fv = fascicoloVisibilitySql(ctx);
  const window = `row_number() over (partition by c.fascicolo_id
                          order by (d.registered_at is null), coalesce(d.registered_at, d.created_at), d.id) as page_rn,
                        count(*) over (partition by c.fascicolo_id) as page_total`;
  const columns = `d.*, c.fascicolo_id as page_parent, (d.registered_at is null)::int as page_draft,
          to_char(coalesce(d.registered_at, d.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as page_at`;
  // Where each document is filed (Document.fascicoli), visible fascicoli only, in that field's
  // order: a tree read asking for it costs no statement more.
  const filings = (idColumn: string) => `(select coalesce(json_agg(json_build_object(
        'f', fc.fascicolo_id, 'p', fc.is_primary, 'at', fc.filed_at) order by fc.is_primary desc, fc.filed_at, f.id), '[]')
      from fascicolo_filing_current fc join fascicolo f on f.id = fc.fascicolo_id
     where fc.document_id = ${idColumn} and ${fv.sql})`;
  type Row = Record<string, unknown> & {
    page_parent: string;
    page_draft: number;
    page_at: string;
    page_rn: string;
    page_total: string;
    page_filings: Array<{ f: string; p: boolean; at: string }> | null;
  };
  // After a cursor: that page only. A first page: also the first pages of the visible
  // sottofascicoli and inserti below (the first ones, PREFETCH_BUDGET at most), each marked
  // by a row numbered 0, so a whole tree's documents cost one statement.
  const rows = after
    ? await ctx.em.execute<Row[]>(
        `select x.*, ${filings('x.id')} as page_filings from (select ${columns}, ${window}
                  from fascicolo_filing_current c join document d on d.id = c.document_id
                 where c.fascicolo_id = any(?::uuid[]) and ${v.sql}
                   and ((d.registered_at is null)::int, coalesce(d.registered_at, d.created_at), d.id) > (?::int, ?::timestamptz, ?::uuid)) x
                where page_rn <= ? order by page_parent, page_rn`,
        [...fv.params, pgArray(fascicoloIds), ...v.params, ...after, limit],
      )
    : await ctx.em.execute<Row[]>(
        `with kids as (select f.id, row_number() over (partition by f.parent_id order by f.number, f.id) as rn
                               from fascicolo f where f.parent_id = any(?::uuid[]) and ${fv.sql}),
                    grand as (select f.id, k.rn as prn,
                                     row_number() over (partition by f.parent_id order by f.number, f.id) as rn
                                from fascicolo f join kids k on k.id = f.parent_id and k.rn <= ${MAX_NESTED_PAGE}
                               where ${fv.sql}),
                    scope as (select id from (
                                select id, 1 as lvl, rn as a, 0::bigint as b from kids where rn <= ${MAX_NESTED_PAGE}
                                union all select id, 2, prn, rn from grand where rn <= ${MAX_NESTED_PAGE}) s
                               order by lvl, a, b limit ${PREFETCH_BUDGET}),
                    docs as (select ${columns}, ${window}
                               from fascicolo_filing_current c join document d on d.id = c.document_id
                              where (c.fascicolo_id = any(?::uuid[]) or c.fascicolo_id in (select id from scope))
                                and ${v.sql})
               select docs.*, ${filings('docs.id')} as page_filings from docs where page_rn <= ?
               union all
               select (null::document).*, s.id, 0, null, 0, 0, null from scope s
               order by page_parent, page_rn`,
        [
          pgArray(fascicoloIds),
          ...fv.params,
          ...fv.params,
          pgArray(fascicoloIds),
          ...v.params,
          ...fv.params,
          limit,
        ],
      );
  const covered = rows.filter((r) => Number(r.page_rn) === 0).map((r) => r.page_parent);
  const filedIn = fascicoloLoaders.filingsOfDocument(ctx);
  const page = rows
    .filter((r) => Number(r.page_rn) > 0)
    .map(({ page_parent, page_draft, page_at, page_rn: _rn, page_total, page_filings, ...row }) => {
      const node = ctx.em.map(Document, row);
      filedIn.prime(
        node.id,
        (page_filings ?? []).map((x) => ({
          fascicoloId: x.f,
          documentId: node.id,
          primary: x.p,
          filedAt: new Date(x.at),
        })),
      );
      return {
        parentId: page_parent,
        row: node,
        cursor: [page_draft, page_at, node.id],
        total: Number(page_total),
      } satisfies NestedPageRow<Document>;
    });
  return { rows: page, covered };
}
