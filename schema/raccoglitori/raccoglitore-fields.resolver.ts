import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import { connectionOf, pageRequest, type ConnectionShape } from '../../server/graphql/connection.js';
import { InvalidInputError } from '../../server/errors/domain-error.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { Document, DocumentConnection } from '../documents/index.js';
import { Aoo, orgLoaders, Uor, User } from '../organisation/index.js';
import { RaccoglitoreHistoryConnection } from './raccoglitore-connections.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import { RaccoglitoreHistoryEntry } from './raccoglitore-history.types.js';
import { raccoglitoreLoaders, type LoadedPage, type PageKey } from './raccoglitore-loaders.js';
import { MAX_RACCOGLITORI_PER_DOCUMENT } from './raccoglitore.service.js';

export const MAX_NESTED_PAGE = 100;

/** A nested page through the loaders: the cursor is the position in the raccoglitore's history. */
async function nestedPage<T>(
  raccoglitoreId: string,
  first: number,
  after: string | null,
  load: (key: PageKey) => Promise<LoadedPage<T>>,
  count: () => Promise<number>,
): Promise<ConnectionShape<T>> {
  const page = pageRequest(first, after, MAX_NESTED_PAGE, 1);
  const position = page.after?.[0];
  if (position !== undefined && !(typeof position === 'string' && /^\d{1,18}$/.test(position)))
    throw new InvalidInputError('after', 'is not a cursor of this list (use pageInfo.endCursor)');
  const loaded = await load({ raccoglitoreId, first, after: position ?? null });
  const cursors = new Map(loaded.items.map((i) => [i.node, i.eventId]));
  return connectionOf(
    loaded.items.map((i) => i.node),
    loaded.hasNextPage,
    page,
    (node) => [cursors.get(node) ?? ''],
    count,
  );
}

/** Nested fields of a raccoglitore, which reaches here only through raccoglitore visibility. */
@Resolver(() => Raccoglitore)
export class RaccoglitoreFieldsResolver {
  @FieldResolver(() => Aoo, { nullable: true, description: 'The AOO it belongs to' })
  @AnyAuthenticated()
  aoo(@Root() r: Raccoglitore, @Ctx() ctx: RequestContext): Promise<Aoo | null> {
    return orgLoaders.aoo(ctx).load(r.aooId);
  }

  @FieldResolver(() => Uor, { nullable: true, description: 'The owner UOR: who may see and manage it' })
  @AnyAuthenticated()
  uor(@Root() r: Raccoglitore, @Ctx() ctx: RequestContext): Promise<Uor | null> {
    return orgLoaders.uor(ctx).load(r.uorId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who created it; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  createdBy(@Root() r: Raccoglitore, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(r.createdById);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who closed it; null while open or when the caller cannot see that user',
  })
  @AnyAuthenticated()
  async closedBy(@Root() r: Raccoglitore, @Ctx() ctx: RequestContext): Promise<User | null> {
    return r.closedById === null ? null : orgLoaders.user(ctx).load(r.closedById);
  }

  @FieldResolver(() => DocumentConnection, {
    description:
      'The documents it holds now that the caller may see, in the order they were added (others are absent from items and totalCount); every listing is audited',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_NESTED_PAGE })
  @AnyAuthenticated()
  documents(
    @Root() r: Raccoglitore,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_NESTED_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<Document>> {
    return nestedPage(
      r.id,
      first,
      after,
      (key) => raccoglitoreLoaders.documents(ctx).load(key),
      () => raccoglitoreLoaders.documentCount(ctx).load(r.id),
    );
  }

  @FieldResolver(() => RaccoglitoreHistoryConnection, {
    description: 'Every addition and removal of documents the caller may see, oldest first',
  })
  @ListSize({ pageArg: 'first', maxItems: MAX_NESTED_PAGE })
  @AnyAuthenticated()
  history(
    @Root() r: Raccoglitore,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_NESTED_PAGE}` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page' })
    after: string | null,
  ): Promise<ConnectionShape<RaccoglitoreHistoryEntry>> {
    return nestedPage(
      r.id,
      first,
      after,
      (key) => raccoglitoreLoaders.history(ctx).load(key),
      () => raccoglitoreLoaders.historyCount(ctx).load(r.id),
    );
  }
}

@Resolver(() => RaccoglitoreHistoryEntry)
export class RaccoglitoreHistoryFieldsResolver {
  @FieldResolver(() => Document, { description: 'The document added or removed' })
  @AnyAuthenticated()
  async document(@Root() e: RaccoglitoreHistoryEntry, @Ctx() ctx: RequestContext): Promise<Document> {
    const doc = await raccoglitoreLoaders.document(ctx).load(e.documentId);
    if (!doc) throw new Error(`document ${e.documentId} of raccoglitore history ${e.id} is missing`);
    return doc;
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'Who did it; null when the caller cannot see that user',
  })
  @AnyAuthenticated()
  by(@Root() e: RaccoglitoreHistoryEntry, @Ctx() ctx: RequestContext): Promise<User | null> {
    return orgLoaders.user(ctx).load(e.actorId);
  }
}

@Resolver(() => Document)
export class DocumentRaccoglitoriResolver {
  @FieldResolver(() => [Raccoglitore], {
    description: `The raccoglitori the caller may see that hold this document now, by name (at most ${MAX_RACCOGLITORI_PER_DOCUMENT})`,
  })
  @ListSize({ maxItems: MAX_RACCOGLITORI_PER_DOCUMENT })
  @AnyAuthenticated()
  raccoglitori(@Root() doc: Document, @Ctx() ctx: RequestContext): Promise<Raccoglitore[]> {
    return raccoglitoreLoaders.ofDocument(ctx).load(doc.id);
  }
}
