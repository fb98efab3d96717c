import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { TitolarioNodeConnection } from './titolario-connections.js';
import { TitolarioIndexTerm } from './titolario-index-term.entity.js';
import {
  MAX_CHILDREN_PER_NODE,
  MAX_INDEX_TERMS_PER_NODE,
  MAX_NODE_PAGE,
  MAX_TITOLI,
} from './titolario-limits.js';
import { titolarioLoaders, titolarioNodeLoader } from './titolario-loaders.js';
import { TitolarioNode } from './titolario-node.entity.js';
import { TitolarioVersion } from './titolario-version.entity.js';

/**
 * Nested titolario fields, each through a per-request DataLoader (one statement per field per
 * level, whatever the number of parents). Whoever reached a version or node may see all of it:
 * the root lookups decided that.
 */
async function present<T>(value: Promise<T | null>, what: string): Promise<T> {
  const v = await value;
  if (v === null) throw new Error(`${what} missing although its child exists`);
  return v;
}

@Resolver(() => TitolarioVersion)
export class TitolarioVersionFieldsResolver {
  @FieldResolver(() => ID, { description: 'The AOO the titolario belongs to' })
  @AnyAuthenticated()
  aooId(@Root() version: TitolarioVersion): string {
    return version.aoo.id;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Last day in force (YYYY-MM-DD): the day before the next published version takes effect; null while none follows, or for a draft',
  })
  @AnyAuthenticated()
  validUntil(@Root() version: TitolarioVersion, @Ctx() ctx: RequestContext): Promise<string | null> {
    return titolarioLoaders.validUntil(ctx).load(version.id);
  }

  @FieldResolver(() => [TitolarioNode], {
    description: `The titoli of the version in natural order (I, II … at most ${MAX_TITOLI}); expand with children`,
  })
  @ListSize({ maxItems: MAX_TITOLI })
  @AnyAuthenticated()
  titoli(@Root() version: TitolarioVersion, @Ctx() ctx: RequestContext): Promise<TitolarioNode[]> {
    return titolarioLoaders.titoli(ctx).load(version.id);
  }

  @FieldResolver(() => Int, { description: 'How many nodes the version has' })
  @AnyAuthenticated()
  nodeCount(@Root() version: TitolarioVersion, @Ctx() ctx: RequestContext): Promise<number> {
    return titolarioLoaders.nodeCount(ctx).load(version.id);
  }

  @FieldResolver(() => TitolarioNodeConnection, {
    description:
      'Every node of the version depth first in natural order (I, I/1, I/2 … II), a page at a time: the whole tree in a few requests (build it from level and parent)',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_NODE_PAGE })
  @AnyAuthenticated()
  async nodes(
    @Root() version: TitolarioVersion,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1 to ${MAX_NODE_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<TitolarioNode>> {
    const page = pageRequest(first, after, MAX_NODE_PAGE, 1);
    const where = page.after
      ? { version: version.id, sortKey: { $gt: String(page.after[0]) } }
      : { version: version.id };
    const rows = await ctx.em.find(TitolarioNode, where, {
      orderBy: { sortKey: 'asc' },
      limit: page.first + 1,
    });
    return connectionOf(
      rows.slice(0, page.first),
      rows.length > page.first,
      page,
      (n) => [n.sortKey],
      () => titolarioLoaders.nodeCount(ctx).load(version.id),
    );
  }

  @FieldResolver(() => TitolarioNode, { nullable: true, description: 'The node with this path, e.g. "VI/3"' })
  @AnyAuthenticated()
  node(
    @Root() version: TitolarioVersion,
    @Ctx() ctx: RequestContext,
    @Arg('fullCode', { description: 'The path of codes' }) fullCode: string,
  ): Promise<TitolarioNode | null> {
    return titolarioLoaders.nodeByCode(ctx).load(`${version.id}|${fullCode.trim().toUpperCase()}`);
  }
}

@Resolver(() => TitolarioNode)
export class TitolarioNodeFieldsResolver {
  @FieldResolver(() => TitolarioVersion, { description: 'The version the node belongs to' })
  @AnyAuthenticated()
  version(@Root() node: TitolarioNode, @Ctx() ctx: RequestContext): Promise<TitolarioVersion> {
    return present(titolarioLoaders.version(ctx).load(node.version.id), 'version');
  }

  @FieldResolver(() => TitolarioNode, { nullable: true, description: 'The parent node; null for a titolo' })
  @AnyAuthenticated()
  parent(@Root() node: TitolarioNode, @Ctx() ctx: RequestContext): Promise<TitolarioNode | null> {
    return node.parent ? titolarioNodeLoader(ctx).load(node.parent.id) : Promise.resolve(null);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Id of the parent node; null for a titolo' })
  @AnyAuthenticated()
  parentId(@Root() node: TitolarioNode): string | null {
    return node.parent?.id ?? null;
  }

  @FieldResolver(() => [TitolarioNode], {
    description: `The nodes directly below, in natural order (at most ${MAX_CHILDREN_PER_NODE})`,
  })
  @ListSize({ maxItems: MAX_CHILDREN_PER_NODE })
  @AnyAuthenticated()
  children(@Root() node: TitolarioNode, @Ctx() ctx: RequestContext): Promise<TitolarioNode[]> {
    return node.leaf ? Promise.resolve([]) : titolarioLoaders.children(ctx).load(node.id);
  }

  @FieldResolver(() => [TitolarioIndexTerm], {
    description: `The voci di indice pointing to this node (at most ${MAX_INDEX_TERMS_PER_NODE})`,
  })
  @ListSize({ maxItems: MAX_INDEX_TERMS_PER_NODE })
  @AnyAuthenticated()
  indexTerms(@Root() node: TitolarioNode, @Ctx() ctx: RequestContext): Promise<TitolarioIndexTerm[]> {
    return titolarioLoaders.indexTerms(ctx).load(node.id);
  }
}

@Resolver(() => TitolarioIndexTerm)
export class TitolarioIndexTermFieldsResolver {
  @FieldResolver(() => TitolarioNode, { description: 'The node the term classifies to' })
  @AnyAuthenticated()
  node(@Root() term: TitolarioIndexTerm, @Ctx() ctx: RequestContext): Promise<TitolarioNode> {
    return present(titolarioNodeLoader(ctx).load(term.node.id), 'node');
  }
}
