import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
import { pgArray } from '../../server/db/sql-array.js';
import { byId, grouped } from '../../server/graphql/loader-helpers.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * A titolario node by id, batched per request. Callers pass ids they reached through records
 * the caller may see (a fascicolo's classification, a node's parent): the titolario is readable
 * by every member of the AOO, so no further row rule applies.
 */
export function titolarioNodeLoader(ctx: RequestContext): DataLoader<string, TitolarioNode | null> {
  return loader(
    ctx,
    'titolario.node',
    () =>
      new DataLoader<string, TitolarioNode | null>(async (ids) =>
        byId(await ctx.em.find(TitolarioNode, { id: { $in: [...ids] } }), ids),
      ),
  );
}

export const titolarioLoaders = {
  version: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.version',
      () =>
        new DataLoader<string, TitolarioVersion | null>(async (ids) =>
          byId(await ctx.em.find(TitolarioVersion, { id: { $in: [...ids] } }), ids),
        ),
    ),
  children: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.children',
      () =>
        new DataLoader<string, TitolarioNode[]>(async (ids) =>
          grouped(
            await ctx.em.find(TitolarioNode, { parent: { $in: [...ids] } }, { orderBy: { sortKey: 'asc' } }),
            ids,
            (n) => n.parent?.id ?? '',
          ),
        ),
    ),
  indexTerms: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.indexTerms',
      () =>
        new DataLoader<string, TitolarioIndexTerm[]>(async (ids) =>
          grouped(
            await ctx.em.find(TitolarioIndexTerm, { node: { $in: [...ids] } }, { orderBy: { term: 'asc' } }),
            ids,
            (t) => t.node.id,
          ),
        ),
    ),
  /** The titoli (level 1) of each version, in natural order. */
  titoli: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.titoli',
      () =>
        new DataLoader<string, TitolarioNode[]>(async (ids) =>
          grouped(
            await ctx.em.find(
              TitolarioNode,
              { version: { $in: [...ids] }, parent: null },
              { orderBy: { sortKey: 'asc' } },
            ),
            ids,
            (n) => n.version.id,
          ),
        ),
    ),
  /** The last day in force of each published version: the day before the next one takes effect (null: open-ended or a draft). */
  validUntil: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.validUntil',
      () =>
        new DataLoader<string, string | null>(async (ids) => {
          const rows = await ctx.em.execute<Array<{ id: string; until: string | null }>>(
            `select v.id, to_char((select min(n.valid_from) from titolario_version n
                 where n.aoo_id = v.aoo_id and n.state = 'PUBLISHED' and n.valid_from > v.valid_from) - 1, 'YYYY-MM-DD') as until
               from titolario_version v where v.id = any(?::uuid[]) and v.state = 'PUBLISHED'`,
            [pgArray(ids)],
          );
          const map = new Map(rows.map((r) => [r.id, r.until]));
          return ids.map((id) => map.get(id) ?? null);
        }),
    ),
  nodeCount: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.nodeCount',
      () =>
        new DataLoader<string, number>(async (ids) => {
          const rows = await ctx.em.execute<Array<{ version_id: string; n: string }>>(
            'select version_id, count(*) as n from titolario_node where version_id = any(?::uuid[]) group by version_id',
            [pgArray(ids)],
          );
          const map = new Map(rows.map((r) => [r.version_id, Number(r.n)]));
          return ids.map((id) => map.get(id) ?? 0);
        }),
    ),
  /** A node of a version by path; keys are `versionId|fullCode`. */
  nodeByCode: (ctx: RequestContext) =>
    loader(
      ctx,
      'titolario.nodeByCode',
      () =>
        new DataLoader<string, TitolarioNode | null>(async (keys) => {
          const pairs = keys.map((k) => k.split('|'));
          const nodes = await ctx.em.find(TitolarioNode, {
            $or: pairs.map(([version, fullCode]) => ({ version, fullCode })),
          });
          const map = new Map(nodes.map((n) => [`${n.version.id}|${n.fullCode}`, n]));
          return keys.map((k) => map.get(k) ?? null);
        }),
    ),
};
