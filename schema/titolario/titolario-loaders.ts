import DataLoader from 'dataloader';
import { loader, type RequestContext } from '../../server/context.js';
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
};
