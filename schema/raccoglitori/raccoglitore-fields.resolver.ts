import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AnyAuthenticated } from '../../server/auth/access.js';
import type { RequestContext } from '../../server/context.js';
import type { ConnectionShape } from '../../server/graphql/connection.js';
import { ListSize } from '../../server/graphql/list-size.js';
import { Document, DocumentConnection } from '../documents/index.js';
import { Aoo, orgLoaders, Uor, User } from '../organisation/index.js';
import { RaccoglitoreHistoryConnection } from './raccoglitore-connections.js';
import { Raccoglitore } from './raccoglitore.entity.js';
import { RaccoglitoreHistoryEntry } from './raccoglitore-history.types.js';
import { MAX_NESTED_PAGE, raccoglitoreLoaders } from './raccoglitore-loaders.js';
import { MAX_RACCOGLITORI_PER_DOCUMENT } from './raccoglitore.service.js';

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
    return raccoglitoreLoaders.documents(ctx).load({ parentId: r.id, first, after });
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
    return raccoglitoreLoaders.history(ctx).load({ parentId: r.id, first, after });
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
