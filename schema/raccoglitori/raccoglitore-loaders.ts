import DataLoader from 'dataloader';
import { auditRead } from '../../server/audit/audit-log.js';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import {
  nestedPageLoader,
  type NestedPageKey,
  type NestedPageRow,
} from '../../server/graphql/nested-page-loader.js';
import { Document, documentVisibilitySql } from '../documents/index.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import { RaccoglitoreAction, RaccoglitoreHistoryEntry } from './raccoglitore-history.types.js';
import { raccoglitoreVisibilitySql } from './raccoglitore-visibility.js';

/** A history row that is a current membership: an addition not followed by a removal. */
const CURRENT = `e.action = 'ADDED' and not exists (select 1 from raccoglitore_document_event n
  where n.raccoglitore_id = e.raccoglitore_id and n.document_id = e.document_id and n.version = e.version + 1)`;

/** Largest page of a raccoglitore's nested connections. */
export const MAX_NESTED_PAGE = 100;

/**
 * A nested page of raccoglitori through the shared nested page loader: one statement per
 * distinct (first, after) for every raccoglitore of a list, a lateral join keeping each one's own
 * limit, so a list of raccoglitori with their documents costs the same statements for 5 or 50 of
 * them. The cursor is the position in the raccoglitore's history (the event id, as text).
 */
function historyPages<TNode, TRow extends { raccoglitore_id: string; event_id: string }>(
  ctx: RequestContext,
  name: string,
  query: (ids: string[], limit: number, after: string) => Promise<TRow[]>,
  count: () => DataLoader<string, number>,
  present: (rows: TRow[]) => Promise<Array<TNode | null>>,
) {
  const pages = nestedPageLoader(ctx, name, () => ({
    page: {
      max: MAX_NESTED_PAGE,
      arity: 1,
      isCursor: ([position]) => typeof position === 'string' && /^\d{1,18}$/.test(position),
      fetch: async (ids, limit, after) => ({
        rows: (await query(ids, limit, typeof after?.[0] === 'string' ? after[0] : '0')).map((row) => ({
          parentId: row.raccoglitore_id,
          row,
          cursor: [row.event_id],
        })),
      }),
      windowTotal: false,
      count: (id) => count().load(id),
      present: (rows: Array<NestedPageRow<TRow>>) => present(rows.map((r) => r.row)),
    },
  }));
  return { load: (key: NestedPageKey) => pages.load('page', key) };
}

/** A document listing is a viewing of those documents (DOMAIN §7): one audit row per AOO shown. */
async function auditShown(ctx: RequestContext, rows: ReadonlyArray<{ document_id: string; aoo_id: string }>) {
  const byAoo = new Map<string, Set<string>>();
  for (const r of rows) byAoo.set(r.aoo_id, (byAoo.get(r.aoo_id) ?? new Set()).add(r.document_id));
  for (const [aooId, ids] of byAoo) {
    await auditRead(ctx, {
      aooId,
      operation: 'document.list',
      targetType: 'Document',
      targetId: null,
      changes: { ids: [...ids], via: 'raccoglitore' },
    });
  }
}

function countLoader(ctx: RequestContext, name: string, current: boolean) {
  return loader(
    ctx,
    name,
    () =>
      new DataLoader<string, number>(async (ids) => {
        const v = documentVisibilitySql(ctx);
        const rows = await ctx.em.execute<Array<{ raccoglitore_id: string; n: string }>>(
          `select e.raccoglitore_id, count(*) as n
             from raccoglitore_document_event e join document d on d.id = e.document_id
            where e.raccoglitore_id = any(?::uuid[]) and ${current ? CURRENT : 'true'} and ${v.sql}
            group by e.raccoglitore_id`,
          [pgArray(ids), ...v.params],
        );
        const counts = new Map(rows.map((r) => [r.raccoglitore_id, Number(r.n)]));
        return ids.map((id) => counts.get(id) ?? 0);
      }),
  );
}

/**
 * Per-request loaders of the nested raccoglitore fields. Callers pass raccoglitori already
 * visible; documents inside still pass document visibility, so those the caller cannot see are
 * absent from pages, counts and history alike.
 */
export const raccoglitoreLoaders = {
  /** Current documents, in the order they were added. */
  documents: (ctx: RequestContext) =>
    historyPages(
      ctx,
      'raccoglitore.documents',
      (ids, limit, after) => {
        const v = documentVisibilitySql(ctx);
        return ctx.em.execute<
          Array<{ raccoglitore_id: string; document_id: string; event_id: string; aoo_id: string }>
        >(
          `select x.* from unnest(?::uuid[]) as k(id) cross join lateral (
             select e.raccoglitore_id, e.document_id, e.id::text as event_id, d.aoo_id
               from raccoglitore_document_event e join document d on d.id = e.document_id
              where e.raccoglitore_id = k.id and ${CURRENT} and ${v.sql} and e.id > ?::bigint
              order by e.id limit ?) x`,
          [pgArray(ids), ...v.params, after, limit],
        );
      },
      () => raccoglitoreLoaders.documentCount(ctx),
      async (shown) => {
        const docs = new Map(
          (await ctx.em.find(Document, { id: { $in: [...new Set(shown.map((r) => r.document_id))] } })).map(
            (d) => [d.id, d],
          ),
        );
        await auditShown(ctx, shown);
        return shown.map((r) => docs.get(r.document_id) ?? null);
      },
    ),
  documentCount: (ctx: RequestContext) => countLoader(ctx, 'raccoglitore.documentCount', true),
  /** Every addition and removal of documents the caller sees, oldest first. */
  history: (ctx: RequestContext) =>
    historyPages(
      ctx,
      'raccoglitore.history',
      (ids, limit, after) => {
        const v = documentVisibilitySql(ctx);
        return ctx.em.execute<
          Array<{
            raccoglitore_id: string;
            document_id: string;
            event_id: string;
            action: RaccoglitoreAction;
            at: Date;
            actor_id: string;
            aoo_id: string;
          }>
        >(
          `select x.* from unnest(?::uuid[]) as k(id) cross join lateral (
             select e.raccoglitore_id, e.document_id, e.id::text as event_id, e.action, e.at, e.actor_id, d.aoo_id
               from raccoglitore_document_event e join document d on d.id = e.document_id
              where e.raccoglitore_id = k.id and ${v.sql} and e.id > ?::bigint
              order by e.id limit ?) x`,
          [pgArray(ids), ...v.params, after, limit],
        );
      },
      () => raccoglitoreLoaders.historyCount(ctx),
      async (shown) => {
        // Each step names its document (and the field resolves it): a viewing, like a list.
        await auditShown(ctx, shown);
        return shown.map((r) =>
          Object.assign(new RaccoglitoreHistoryEntry(), {
            id: r.event_id,
            action: r.action,
            at: new Date(r.at),
            raccoglitoreId: r.raccoglitore_id,
            documentId: r.document_id,
            actorId: r.actor_id,
          }),
        );
      },
    ),
  historyCount: (ctx: RequestContext) => countLoader(ctx, 'raccoglitore.historyCount', false),
  /** Documents of history steps (already filtered by document visibility). */
  document: (ctx: RequestContext) =>
    loader(
      ctx,
      'raccoglitore.document',
      () =>
        new DataLoader<string, Document | null>(async (ids) =>
          byId(await ctx.em.find(Document, { id: { $in: [...ids] } }), ids),
        ),
    ),
  /** The raccoglitori the caller sees that hold each document now, by name. */
  ofDocument: (ctx: RequestContext) =>
    loader(
      ctx,
      'raccoglitore.ofDocument',
      () =>
        new DataLoader<string, Raccoglitore[]>(async (ids) => {
          const v = raccoglitoreVisibilitySql(ctx);
          const rows = await ctx.em.execute<Array<{ document_id: string; raccoglitore_id: string }>>(
            `select e.document_id, e.raccoglitore_id
               from raccoglitore_document_event e join raccoglitore r on r.id = e.raccoglitore_id
              where e.document_id = any(?::uuid[]) and ${CURRENT} and ${v.sql}
              order by r.name, r.id`,
            [pgArray(ids), ...v.params],
          );
          const found = new Map(
            (rows.length > 0
              ? await ctx.em.find(Raccoglitore, {
                  id: { $in: [...new Set(rows.map((r) => r.raccoglitore_id))] },
                })
              : []
            ).map((r) => [r.id, r]),
          );
          return grouped(rows, ids, (r) => r.document_id).map((list) =>
            list.flatMap((r) => found.get(r.raccoglitore_id) ?? []),
          );
        }),
    ),
};
