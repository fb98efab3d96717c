import DataLoader from 'dataloader';
import { auditRead } from '../../server/audit/audit-log.js';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { Document, documentVisibilitySql } from '../documents/index.js';
import type { DocumentFiling } from './document-filing.types.js';
import { Fascicolo } from './fascicolo.entity.js';
import { fascicoloVisibilitySql } from './fascicolo-visibility.js';

export const MAX_NESTED_PAGE = 100;

/** A nested page asked of one parent: the loaders batch the pages of every parent of a level. */
interface PageKey {
  parentId: string;
  first: number;
  after: string | null;
}

interface PageRow<TNode> {
  parentId: string;
  node: TNode;
  k: unknown[];
  /** All rows of the parent (a window count): known on a first page, where no cursor cuts the set. */
  total: number;
}

/**
 * Batches nested pages (children, documents) of many parents into one statement per distinct
 * (first, after) — in practice one per level: `row_number() over (partition by parent)` keeps
 * `first + 1` rows of each parent.
 */
function pageLoader<TNode extends { id: string }>(
  ctx: RequestContext,
  name: string,
  arity: number,
  fetchRows: (parentIds: string[], limit: number, after: unknown[] | null) => Promise<Array<PageRow<TNode>>>,
  count: DataLoader<string, number>,
) {
  return loader(
    ctx,
    name,
    () =>
      new DataLoader<PageKey, ConnectionShape<TNode>, string>(
        async (keys) => {
          const groups = new Map<string, PageKey[]>();
          for (const key of keys) {
            const g = `${key.first}/${key.after ?? ''}`;
            groups.set(g, [...(groups.get(g) ?? []), key]);
          }
          const pages = new Map<
            PageKey,
            { rows: Array<PageRow<TNode>>; page: ReturnType<typeof pageRequest> }
          >();
          for (const group of groups.values()) {
            const sample = group[0];
            if (!sample) continue;
            const page = pageRequest(sample.first, sample.after, MAX_NESTED_PAGE, arity);
            const rows = await fetchRows(
              [...new Set(group.map((k) => k.parentId))],
              page.first + 1,
              page.after,
            );
            const byParent = grouped(
              rows,
              group.map((k) => k.parentId),
              (r) => r.parentId,
            );
            group.forEach((k, i) => pages.set(k, { rows: byParent[i] ?? [], page }));
          }
          return keys.map((key) => {
            const found = pages.get(key);
            if (!found)
              return connectionOf<TNode>(
                [],
                false,
                { first: key.first, after: null },
                () => [],
                () => Promise.resolve(0),
              );
            const shown = found.rows.slice(0, found.page.first);
            const cursors = new Map(shown.map((r) => [r.node.id, r.k]));
            return connectionOf(
              shown.map((r) => r.node),
              found.rows.length > found.page.first,
              found.page,
              (n) => cursors.get(n.id) ?? [],
              // A first page counted its parent's rows already; after a cursor, count them.
              () =>
                found.page.after === null
                  ? Promise.resolve(found.rows[0]?.total ?? 0)
                  : count.load(key.parentId),
            );
          });
        },
        { cacheKeyFn: (k) => `${k.parentId}/${k.first}/${k.after ?? ''}` },
      ),
  );
}

function checkCursor(after: unknown[] | null, check: (values: unknown[]) => boolean): void {
  if (after !== null && !check(after))
    throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
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
  children: (ctx: RequestContext) =>
    pageLoader<Fascicolo>(
      ctx,
      'fascicoli.children',
      2,
      async (parentIds, limit, after) => {
        checkCursor(after, ([n, id]) => typeof n === 'number' && typeof id === 'string' && isUuid(id));
        const v = fascicoloVisibilitySql(ctx);
        const keyset = after ? 'and (f.number, f.id) > (?::int, ?::uuid)' : '';
        const rows = await ctx.em.execute<
          Array<Record<string, unknown> & { page_rn: string; page_total: string }>
        >(
          `select x.* from (
             select f.*, row_number() over (partition by f.parent_id order by f.number, f.id) as page_rn,
                    count(*) over (partition by f.parent_id) as page_total
               from fascicolo f where f.parent_id = any(?::uuid[]) and ${v.sql} ${keyset}) x
            where page_rn <= ? order by parent_id, page_rn`,
          [pgArray(parentIds), ...v.params, ...(after ?? []), limit],
        );
        return rows.map(({ page_rn: _rn, page_total, ...row }) => {
          const node = ctx.em.map(Fascicolo, row);
          return {
            parentId: node.parent?.id ?? '',
            node,
            k: [node.number, node.id],
            total: Number(page_total),
          };
        });
      },
      fascicoloLoaders.childCount(ctx),
    ),

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
   * registration time, then drafts by creation. Only documents the caller sees; the ids shown
   * are audited as a viewing, one row per batch.
   */
  documents: (ctx: RequestContext) =>
    pageLoader<Document>(
      ctx,
      'fascicoli.documents',
      3,
      async (fascicoloIds, limit, after) => {
        checkCursor(
          after,
          ([draft, at, id]) =>
            (draft === 0 || draft === 1) &&
            typeof at === 'string' &&
            !Number.isNaN(Date.parse(at)) &&
            typeof id === 'string' &&
            isUuid(id),
        );
        const v = documentVisibilitySql(ctx);
        const keyset = after
          ? `and ((d.registered_at is null)::int, coalesce(d.registered_at, d.created_at), d.id) > (?::int, ?::timestamptz, ?::uuid)`
          : '';
        type Row = Record<string, unknown> & {
          page_parent: string;
          page_draft: number;
          page_at: string;
          page_rn: string;
          page_total: string;
        };
        const rows = await ctx.em.execute<Row[]>(
          `select x.* from (
             select d.*, c.fascicolo_id as page_parent, (d.registered_at is null)::int as page_draft,
                    to_char(coalesce(d.registered_at, d.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as page_at,
                    row_number() over (partition by c.fascicolo_id
                      order by (d.registered_at is null), coalesce(d.registered_at, d.created_at), d.id) as page_rn,
                    count(*) over (partition by c.fascicolo_id) as page_total
               from fascicolo_filing_current c join document d on d.id = c.document_id
              where c.fascicolo_id = any(?::uuid[]) and ${v.sql} ${keyset}) x
            where page_rn <= ? order by page_parent, page_rn`,
          [pgArray(fascicoloIds), ...v.params, ...(after ?? []), limit],
        );
        const page = rows.map(({ page_parent, page_draft, page_at, page_rn, page_total, ...row }) => {
          const node = ctx.em.map(Document, row);
          return {
            parentId: page_parent,
            node,
            k: [page_draft, page_at, node.id],
            shown: Number(page_rn) < limit,
            total: Number(page_total),
          };
        });
        // The viewing of the documents shown (not the look-ahead row of each page) is audited.
        const shownByAoo = new Map<string, Set<string>>();
        for (const r of page.filter((p) => p.shown)) {
          const aooId = r.node.aoo.id;
          shownByAoo.set(aooId, (shownByAoo.get(aooId) ?? new Set()).add(r.node.id));
        }
        for (const [aooId, ids] of shownByAoo) {
          await auditRead(ctx, {
            aooId,
            operation: 'fascicolo.documents',
            targetType: 'Document',
            targetId: null,
            changes: { ids: [...ids] },
          });
        }
        return page;
      },
      fascicoloLoaders.documentCount(ctx),
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
